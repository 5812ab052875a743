"""The foundation against the real Neo4j and Redis: health, identity, errors, OpenAPI, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from silver.bootstrap import Silver as Services
from silver.infra.login_throttle import RedisLoginThrottle
from silver.services import auth
from tests.integration.conftest import PASSWORD, Login
from wsgi import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_health_is_ok_with_both_services(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "neo4j": "ok", "redis": "ok"}


@contextmanager
def _app_with(**env: str) -> Iterator[Flask]:
    """A separate app with some variables changed, closed afterwards."""
    base = {k: v for k, v in os.environ.items() if k.startswith(("SILVER_", "NEO4J_", "REDIS_"))}
    app = create_app({**base, **env})
    try:
        yield app
    finally:
        app.extensions["silver"].close()


def test_health_names_redis_when_it_is_down() -> None:
    with _app_with(REDIS_URL="redis://127.0.0.1:1/0") as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "neo4j": "ok", "redis": "down"}


def test_health_names_neo4j_when_it_is_down(svc: Services) -> None:
    with _app_with(
        NEO4J_URI="bolt://127.0.0.1:1",
        NEO4J_PASSWORD="irrelevant",
        REDIS_URL=svc.settings.redis_url,
    ) as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["neo4j"] == "down" and response.json["redis"] == "ok"


def test_token_call_logout_then_401(client: FlaskClient, login: Login) -> None:
    headers = login("caseworker", "OM")
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json == {"username": headers["X-Test-User"], "role": "caseworker", "agency": "OM"}

    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/v1/auth/me", headers=headers)
    assert after.status_code == 401
    assert after.content_type == "application/problem+json"
    assert after.json["status"] == 401


@pytest.mark.parametrize("header", [None, "Bearer ", "Basic abc", "Bearer not-a-real-token"])
def test_calls_without_a_valid_token_get_401(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json["title"] == "Unauthorized"


def test_bad_credentials_get_401_without_saying_which(client: FlaskClient, login: Login) -> None:
    user = login("screener")["X-Test-User"]
    wrong = client.post("/api/v1/auth/token", json={"username": user, "password": "nope"})
    unknown = client.post("/api/v1/auth/token", json={"username": "nobody-x", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["detail"] == unknown.json["detail"]


def test_five_failures_lock_the_account(client: FlaskClient, login: Login) -> None:
    user = login("evaluator")["X-Test-User"]
    for _ in range(5):
        r = client.post("/api/v1/auth/token", json={"username": user, "password": "wrong-pass"})
        assert r.status_code == 401
    locked = client.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.content_type == "application/problem+json"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60


def test_an_expired_token_is_refused(svc: Services, login: Login, client: FlaskClient) -> None:
    user = login("admin")["X-Test-User"]
    issued = auth.issue_token(
        user,
        PASSWORD,
        svc.uow(),
        throttle=RedisLoginThrottle(svc.redis),
        ttl_seconds=60,
        lockout_threshold=5,
        lockout_seconds=900,
        now=auth.utcnow().replace(year=auth.utcnow().year - 1),
    )
    response = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {issued.access_token}"}
    )
    assert response.status_code == 401


def test_unknown_fields_are_422_with_the_field(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/auth/token", json={"username": "a", "password": "b", "remember_me": True}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"remember_me": ["Unknown field."]}


def test_malformed_json_is_a_clear_400_or_422(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"


def test_bodies_over_one_mib_get_413(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/auth/token", data=b"x" * (1024 * 1024 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_wrong_method_gets_405_problem(client: FlaskClient) -> None:
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.json["status"] == 405
    assert "POST" in response.headers["Allow"]


def test_unknown_path_gets_404_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_a_500_leaks_nothing() -> None:
    with _app_with() as app:

        @app.get("/boom")
        def boom() -> str:
            raise RuntimeError("secret internal detail /srv/silver/db.py line 42")

        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "secret" not in body and "Traceback" not in body and "db.py" not in body


def test_openapi_document_validates(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert "/api/v1/auth/token" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def _flask(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_creates_a_user_who_can_log_in(client: FlaskClient, unique: str) -> None:
    name = f"cli-{unique}"
    done = _flask(
        "users",
        "create",
        name,
        "--role",
        "caseworker",
        "--agency",
        "POLITIE",
        "--password-stdin",
        stdin="a-long-cli-password\n",
    )
    assert done.returncode == 0, done.stderr
    assert f"created caseworker {name} (POLITIE)" in done.stdout
    r = client.post(
        "/api/v1/auth/token", json={"username": name, "password": "a-long-cli-password"}
    )
    assert r.status_code == 200 and r.json["token_type"] == "Bearer"

    again = _flask(
        "users",
        "create",
        name,
        "--role",
        "screener",
        "--password-stdin",
        stdin="a-long-cli-password\n",
    )
    assert again.returncode == 1 and "exists already" in again.stderr


def test_cli_refuses_a_caseworker_without_agency(unique: str) -> None:
    done = _flask(
        "users",
        "create",
        f"cli-{unique}",
        "--role",
        "caseworker",
        "--password-stdin",
        stdin="a-long-cli-password\n",
    )
    assert done.returncode == 1 and "agency" in done.stderr


def test_cli_graph_init_is_idempotent_and_audit_chain_verifies() -> None:
    assert _flask("graph", "init").returncode == 0
    assert _flask("graph", "init").returncode == 0
    verified = _flask("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "audit chain intact" in verified.stdout
