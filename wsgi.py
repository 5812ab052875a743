"""The web process: gunicorn serves `wsgi:create_app()`; the CLI runs `flask --app wsgi ...`.

This is where the HTTP entrypoints meet: the composition root builds Silver's dependencies
once (`silver.bootstrap`), and the API (`api/`), the pages (`web/`) and the command line
(`api/cli.py`) are mounted on one Flask application that carries them. Nothing connects at
import time.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from api.app import init_api, init_guard
from api.cli import register_cli
from api.limits import init_limits
from api.observability import init_observability
from silver.bootstrap import bootstrap
from silver.infra.config import Settings
from silver.infra.logs import configure_logging
from web import init_web


def create_app(config: Settings | Mapping[str, str] | None = None) -> Flask:
    configure_logging()
    silver = bootstrap(config)
    app = Flask(__name__)
    app.extensions["silver"] = silver
    init_observability(app)
    hops = silver.settings.proxy_hops
    if hops:
        # Behind that many trusted proxies, the client is who they say (X-Forwarded-For), and
        # so is the scheme (cookies' Secure flag): the rate limits and the audit need the
        # client's address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    init_api(app, silver.settings)
    init_web(app, silver.settings)
    init_limits(app, silver.settings)
    init_guard(app)
    register_cli(app)
    return app


__all__ = ["create_app"]
