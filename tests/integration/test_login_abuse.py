"""Login abuse: password spraying from one address is stopped, and a stopped login looks the
same whether the username exists or not. Refused requests are audited, and bounded.

These tests build apps with the default limits (the shared test app has the per-address limits
raised: the suite's requests all come from one address). Each test client speaks from an
address of its own, so the counters of one test (or of a previous run, within the minute)
never meet another's.
"""

from __future__ import annotations

import math
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from silver.bootstrap import Silver as Services
from silver.domain.users import LOGIN_THROTTLED
from silver.services import auth
from tests.integration.conftest import PASSWORD, TEST_ENV, Login
from tests.support.cases import case_body
from wsgi import create_app

DEFAULT_LIMITS = {
    "SILVER_LOGIN_LIMIT_PER_ADDRESS": "10/minute",
    "SILVER_LOGIN_LIMIT_PER_USERNAME": "5/minute",
    "SILVER_REFUSAL_LIMIT_PER_ADDRESS": "60/minute",
}


def _app(**env: str) -> Iterator[Flask]:
    app = create_app({**os.environ, **TEST_ENV, **DEFAULT_LIMITS, **env})
    app.config["TESTING"] = True
    try:
        yield app
    finally:
        app.extensions["silver"].close()


@pytest.fixture(scope="module")
def limited() -> Iterator[Flask]:
    yield from _app()


def _address() -> str:
    """A loopback address no other test uses: only a key of the rate limits."""
    n = uuid.uuid4().int
    return f"127.{n % 250 + 1}.{n // 250 % 250 + 1}.{n // 62500 % 250 + 1}"


def _client(app: Flask, address: str | None = None) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or _address()
    return client


def _user(svc: Services, role: str = "screener") -> str:
    username = f"abuse-{uuid.uuid4().hex[:12]}"
    auth.create_user(username, role, None, PASSWORD, svc.uow())
    return username


WRONG_PASSWORD = "wrong-password"


def _login(client: FlaskClient, username: str, password: str = WRONG_PASSWORD) -> TestResponse:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_spraying_many_usernames_from_one_address_is_stopped(limited: Flask, svc: Services) -> None:
    real = _user(svc)
    sprayer = _client(limited)
    names = [real] + [f"sprayed-{n}-{uuid.uuid4().hex[:6]}" for n in range(13)]
    statuses = [_login(sprayer, name).status_code for name in names]
    assert statuses == [401] * 10 + [429] * 4, "ten failures per address and minute"
    stopped = _login(sprayer, real, PASSWORD)
    assert stopped.status_code == 429, "even the right password waits: the address is stopped"
    assert stopped.content_type == "application/problem+json"
    assert _body(stopped) == {
        "type": "about:blank",
        "title": "Too many requests",
        "status": 429,
        "detail": LOGIN_THROTTLED,
    }
    assert 0 < int(stopped.headers["Retry-After"]) <= 60
    assert _login(_client(limited), real, PASSWORD).status_code == 200, "others log in"


def test_successful_logins_from_one_address_are_not_limited(limited: Flask, svc: Services) -> None:
    office = _client(limited)
    for _ in range(12):
        assert _login(office, _user(svc), PASSWORD).status_code == 200


def _body(response: TestResponse) -> Any:
    """The problem body without its request id, which every response has one of its own (and
    which says nothing about the username): checked to be the one in the header, then left out
    of the comparison."""
    body = dict(response.json or {})
    assert body.pop("request_id") == response.headers["X-Request-Id"]
    return body


def _comparable(response: TestResponse) -> tuple[int, Any, dict[str, str], int]:
    per_response = ("Date", "Retry-After", "X-Request-Id")
    headers = {k: v for k, v in response.headers.items() if k not in per_response}
    return response.status_code, _body(response), headers, int(response.headers["Retry-After"])


def _same(known: TestResponse, unknown: TestResponse, drift: float = 0.0) -> None:
    """Equal in status, body and headers; Retry-After counts seconds down from a moment a few
    milliseconds apart for the two, so it may differ by one (it is a date in disguise), plus
    `drift`: how much further apart, in seconds, the two requests' lock or window began and
    the answers were given (a busy machine spreads the requests)."""
    *known_rest, known_retry = _comparable(known)
    *unknown_rest, unknown_retry = _comparable(unknown)
    assert known_rest == unknown_rest
    assert abs(known_retry - unknown_retry) <= 1 + math.ceil(drift)


def test_the_per_username_limit_answers_alike_for_known_and_unknown_usernames(
    limited: Flask, svc: Services
) -> None:
    known, unknown = _user(svc), f"nobody-{uuid.uuid4().hex[:12]}"
    answers: dict[str, list[TestResponse]] = {known: [], unknown: []}
    for _ in range(7):
        for name in (known, unknown):
            answers[name].append(_login(_client(limited), name))  # a new address every time
    assert [r.status_code for r in answers[known]] == [401] * 5 + [429] * 2
    assert [r.status_code for r in answers[unknown]] == [401] * 5 + [429] * 2
    for mine, theirs in zip(answers[known], answers[unknown], strict=True):
        assert _body(mine) == _body(theirs)
    _same(answers[known][-1], answers[unknown][-1])
    assert answers[known][-1].json["detail"] == LOGIN_THROTTLED


def test_the_lockout_answers_alike_for_known_and_unknown_usernames(svc: Services) -> None:
    """Past the rate limits (raised here), the lockout after five failures in a row: 429 for
    15 minutes, for a username that exists and for one that does not."""
    for app in _app(SILVER_LOGIN_LIMIT_PER_USERNAME="1000/minute"):
        known, unknown = _user(svc), f"nobody-{uuid.uuid4().hex[:12]}"
        answers: dict[str, list[TestResponse]] = {known: [], unknown: []}
        sent: dict[str, list[tuple[float, float]]] = {known: [], unknown: []}
        for _ in range(6):
            for name in (known, unknown):
                began = time.monotonic()
                answers[name].append(_login(_client(app), name))
                sent[name].append((began, time.monotonic()))
        locked_out = _login(_client(app), known, PASSWORD)
    for name in (known, unknown):
        assert [r.status_code for r in answers[name]] == [401] * 5 + [429]
    # Each lock runs from a moment during its fifth failure; the sixth attempt reads what is
    # left of it: at most the time from the fifth's start to the sixth's end has passed, at
    # least the time from the fifth's end to the sixth's start.
    most = {name: sent[name][5][1] - sent[name][4][0] for name in (known, unknown)}
    least = {name: sent[name][5][0] - sent[name][4][1] for name in (known, unknown)}
    drift = max(most[known] - least[unknown], most[unknown] - least[known])
    _same(answers[known][-1], answers[unknown][-1], drift=drift)
    assert 0 < int(answers[known][-1].headers["Retry-After"]) <= 900
    assert int(answers[known][-1].headers["Retry-After"]) >= 900 - math.ceil(most[known]) - 1
    assert answers[unknown][-1].json["detail"] == LOGIN_THROTTLED
    assert locked_out.status_code == 429, "the right password waits for the lock to end"


def test_the_login_page_is_limited_too(limited: Flask) -> None:
    page = _client(limited)
    page.get("/login")
    with page.session_transaction() as session:
        csrf = session["csrf"]
    statuses = []
    for n in range(11):
        form = {"username": f"page-{n}-{uuid.uuid4().hex[:6]}", "password": "x" * 12}
        statuses.append(page.post("/login", data={**form, "csrf_token": csrf}).status_code)
    assert statuses == [401] * 10 + [429]
    last = page.post("/login", data={"username": "x", "password": "y", "csrf_token": csrf})
    assert last.status_code == 429 and 0 < int(last.headers["Retry-After"]) <= 60
    assert "Too many login attempts" in last.get_data(as_text=True)
    assert 'name="username"' in last.get_data(as_text=True), "the login form, with the message"


def _trail(client: FlaskClient, admin: dict[str, str], last: int = 200) -> list[dict[str, Any]]:
    total = int(client.get("/api/v1/audit?page_size=1", headers=admin).headers["X-Total-Count"])
    page_size = 1000
    events: list[dict[str, Any]] = []
    for page in range(max(1, (total - last) // page_size + 1), total // page_size + 2):
        events += client.get(f"/api/v1/audit?page={page}&page_size={page_size}", headers=admin).json
    return events[-last:]


def test_failed_logins_and_refusals_are_in_the_audit_trail(
    app: Flask, client: FlaskClient, login: Login, svc: Services
) -> None:
    address = _address()
    caller = _client(app, address)
    known = _user(svc)
    _login(caller, known)
    _login(caller, f"nobody-{address}")
    fiod, om = login("caseworker", "FIOD"), login("caseworker", "OM")
    case = client.post("/api/v1/cases", json=case_body(), headers=fiod).json
    assert caller.get(f"/api/v1/cases/{case['id']}", headers=om).status_code == 404
    assert caller.get("/api/v1/audit", headers=om).status_code == 403
    bad_token = {"Authorization": "Bearer not-a-token-at-all"}
    assert caller.get("/api/v1/auth/me", headers=bad_token).status_code == 401
    assert caller.get("/api/v1/auth/me").status_code == 401, "no token at all: not audited"
    web = _client(app, address)
    web.get("/login")
    with web.session_transaction() as session:
        csrf = session["csrf"]
    om_user = om["X-Test-User"]
    web.post("/login", data={"username": om_user, "password": PASSWORD, "csrf_token": csrf})
    assert web.get("/admin/users").status_code == 403

    mine = [
        e for e in _trail(client, login("admin")) if (e["detail"] or {}).get("client") == address
    ]
    summary = [
        (e["action"], e["actor"], e["detail"].get("reason") or e["detail"].get("status"))
        for e in mine
    ]
    assert summary == [
        ("auth.failure", known, "wrong password"),
        ("auth.failure", f"nobody-{address}", "unknown user"),
        ("access.refused", om_user, 404),
        ("access.refused", om_user, 403),
        ("access.refused", "anonymous", 401),
        ("auth.login", om_user, None),
        ("access.refused", om_user, 403),
    ]
    assert mine[2]["case_id"] == case["id"]
    assert mine[2]["detail"]["request"] == f"GET /api/v1/cases/{case['id']}"
    assert mine[-1]["detail"]["request"] == "GET /admin/users"


def test_refusals_are_bounded_per_address_and_so_is_their_audit(
    svc: Services, login: Login
) -> None:
    for app in _app(SILVER_REFUSAL_LIMIT_PER_ADDRESS="5/minute"):
        address = _address()
        prober = _client(app, address)
        screener = login("screener")
        statuses = [prober.get("/api/v1/audit", headers=screener).status_code for _ in range(8)]
        allowed = prober.get("/api/v1/auth/me", headers=screener)
        other = _client(app).get("/api/v1/auth/me", headers=screener)
    assert statuses == [403] * 5 + [429] * 3
    assert allowed.status_code == 429, "the address is stopped for a while, for everything"
    assert int(allowed.headers["Retry-After"]) > 0
    assert other.status_code == 200, "other addresses are not"
    with svc.uow() as uow:
        total = uow.audit.head()
        assert total is not None
        recent, _ = uow.audit.page(None, max(0, total[0] - 100), 100)
    audited = [e for e in recent if e.event.detail.get("client") == address]
    assert len(audited) == 5, "what was turned away by the limit is not audited"
