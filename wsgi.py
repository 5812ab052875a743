"""Entry point for gunicorn (`wsgi:create_app()`) and the CLI (`flask --app wsgi ...`)."""

from api.app import create_app

__all__ = ["create_app"]
