"""The JSON API: flask-smorest blueprints, problem+json errors, the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from api.bodies import SafeJSONProvider
from api.errors import register_error_handlers
from api.security import guard
from silver.infra.config import Settings

API_TITLE = "Silver"
API_VERSION = "v1"


def init_api(app: Flask, settings: Settings) -> None:
    """Mount the API on `app` (which carries Silver's dependencies in app.extensions)."""
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
    app.json = SafeJSONProvider(app)
    app.json.sort_keys = False
    api = Api(app)
    _register_blueprints(api)
    register_error_handlers(app)


def init_guard(app: Flask) -> None:
    """Authentication (and the role) before any body of the API is read or validated. Called
    after the rate limits are mounted (`api.limits`), so a throttled address is turned away
    before anything else."""
    app.before_request(guard)


def _register_blueprints(api: Api) -> None:
    from api.audit.routes import blp as audit_blp
    from api.auth.routes import blp as auth_blp
    from api.cases.routes import blp as cases_blp
    from api.countries.routes import blp as countries_blp
    from api.dissemination.routes import blp as dissemination_blp
    from api.health import blp as health_blp
    from api.privacy.routes import blp as privacy_blp
    from api.reference.routes import blp as reference_blp
    from api.screening.routes import blp as screening_blp
    from api.stats.routes import blp as stats_blp
    from api.users.routes import blp as users_blp

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
        users_blp,
        privacy_blp,
    ]
    for blp in blueprints:
        api.register_blueprint(blp)
