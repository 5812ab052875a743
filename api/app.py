"""The application factory. Nothing connects at import time."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import redis
from flask import Flask
from flask_smorest import Api

from api.errors import register_error_handlers
from api.extensions import Services
from graph.driver import make_driver
from silver.infra.config import Settings, load_settings

API_TITLE = "Silver"
API_VERSION = "v1"


def create_app(config: Settings | Mapping[str, str] | None = None) -> Flask:
    settings = config if isinstance(config, Settings) else load_settings(config)

    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "info": {
                "description": "Case intake, screening, dissemination and statistics for the "
                "Dutch part of INTERPOL's Silver Notice pilot. Errors are "
                "application/problem+json."
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
        },
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO)

    app.extensions["silver"] = Services(
        settings=settings,
        driver=make_driver(settings),
        redis=redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=1),
    )

    api = Api(app)
    _register_blueprints(api)
    register_error_handlers(app)

    from web import init_web

    init_web(app, settings)

    from api.cli import register_cli

    register_cli(app)
    return app


def _register_blueprints(api: Api) -> None:
    from api.audit.routes import blp as audit_blp
    from api.auth.routes import blp as auth_blp
    from api.cases.routes import blp as cases_blp
    from api.countries.routes import blp as countries_blp
    from api.dissemination.routes import blp as dissemination_blp
    from api.health import blp as health_blp
    from api.reference.routes import blp as reference_blp
    from api.screening.routes import blp as screening_blp
    from api.stats.routes import blp as stats_blp

    blueprints: list[Any] = [
        health_blp,
        auth_blp,
        cases_blp,
        countries_blp,
        screening_blp,
        stats_blp,
        dissemination_blp,
        audit_blp,
        reference_blp,
    ]
    for blp in blueprints:
        api.register_blueprint(blp)
