"""Server-rendered pages for caseworkers, screeners, evaluators and admins.

A thin entrypoint like `api/`: each view parses a form, calls the same service as the API
(never the API over HTTP, never Cypher) and renders a Jinja2 template. The session holds the
user's API token, so logging out revokes it; every form carries a CSRF token; every page is
served with a Content-Security-Policy that allows no inline script.
"""

from __future__ import annotations

from flask import Flask

from silver.infra.config import Settings
from silver.infra.keys import session_secret


def init_web(app: Flask, settings: Settings) -> None:
    from api.observability import current_request_id
    from silver.domain.users import Role
    from web import views  # noqa: F401 - registers the routes on the blueprint
    from web.blueprint import bp
    from web.i18n import (
        LANGUAGES,
        country_label,
        country_name,
        current_language,
        day,
        init_i18n,
        label,
        money,
        translate,
        when,
    )
    from web.messages import message
    from web.security import WebSessionInterface, csrf_token
    from web.session import current_user
    from web.verdict import verdict_causes

    app.secret_key = session_secret(settings)
    app.config.update(
        SESSION_COOKIE_NAME="silver_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure == "true",
    )
    app.session_interface = WebSessionInterface(settings.cookie_secure)
    init_i18n(app)
    app.register_blueprint(bp)
    app.jinja_env.filters["message"] = message
    app.jinja_env.globals.update(
        _=translate,
        label=label,
        message=message,
        verdict_causes=verdict_causes,
        country_name=country_name,
        country_label=country_label,
        when=when,
        day=day,
        format_money=money,
        csrf_token=csrf_token,
        current_user=current_user,
        lang=current_language,
        languages=LANGUAGES,
        Role=Role,
        request_id=current_request_id,
    )
