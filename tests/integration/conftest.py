"""Integration fixtures: the real app against the real local (or configured) Neo4j and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.services import auth
from wsgi import create_app

pytestmark = pytest.mark.integration
PASSWORD = "integration-test-password"


# The suite approves many cases: a quota of its own, far above what the tests use (the race for
# the last slot builds an app with a quota of exactly one slot left). Retries of a delivery
# follow at once, so an in-process burst worker runs them. All its requests come from one
# address and many are refused or fail to log in on purpose, so the per-address limits are far
# above the defaults here; the tests of the limits (test_login_abuse.py) build apps with the
# defaults and give each test client an address of its own.
TEST_ENV = {
    "SILVER_QUOTA": "1000000",
    "SILVER_RETRY_INTERVALS": "0,0,0",
    "SILVER_LOGIN_LIMIT_PER_ADDRESS": "100000/minute",
    "SILVER_REFUSAL_LIMIT_PER_ADDRESS": "100000/minute",
}


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    application = create_app({**os.environ, **TEST_ENV})
    application.config["TESTING"] = True
    yield application
    application.extensions["silver"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def svc(app: Flask) -> Services:
    return app.extensions["silver"]


Login = Callable[..., dict[str, str]]


@pytest.fixture
def login(app: Flask, svc: Services, client: FlaskClient) -> Login:
    """login(role, agency=None) -> Authorization header of a brand-new user."""

    def _login(role: str, agency: str | None = None) -> dict[str, str]:
        username = f"{role[:4]}-{uuid.uuid4().hex[:12]}"
        auth.create_user(username, role, agency, PASSWORD, svc.uow())
        response = client.post(
            "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['access_token']}", "X-Test-User": username}

    return _login
