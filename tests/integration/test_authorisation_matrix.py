"""Who may call what: every route of the app (read from its URL map, so a new route cannot be
forgotten: one missing from TABLE fails the test) called as anonymous, as each role and as a
caseworker of another agency, against one table.

Cells: `ok` (allowed: any answer but 401, 403, 404 and 5xx, e.g. 200, 201, a redirect, or a
422/409/428 for a body the role may send), `401`, `403`, `404` (a case the caller may not know
exists), `login` (a page redirecting to the login page). Every route is called with a body that
passes validation where one is needed, so that the decision is the authorisation's, not the
schema's. Logouts run last.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from silver.bootstrap import Silver as Services
from silver.services import auth
from tests.integration.conftest import PASSWORD, Login
from tests.integration.test_dissemination import approved_case, run_jobs
from tests.support.cases import case_body

ACTORS = (
    "anonymous",
    "caseworker",
    "other_agency",
    "screener",
    "evaluator",
    "admin",
    "privacy_officer",
)

# (method, rule): the expected answer for each of ACTORS, in that order.
TABLE: dict[tuple[str, str], str] = {
    # --- The API ---------------------------------------------------------------------------
    ("POST", "/api/v1/auth/token"): "ok ok ok ok ok ok ok",
    ("POST", "/api/v1/auth/password"): "ok ok ok ok ok ok ok",
    ("GET", "/api/v1/auth/me"): "401 ok ok ok ok ok ok",
    ("POST", "/api/v1/auth/logout"): "401 ok ok ok ok ok ok",
    ("GET", "/api/v1/openapi.json"): "ok ok ok ok ok ok ok",
    ("GET", "/api/v1/signing-keys.jwks"): "ok ok ok ok ok ok ok",
    ("GET", "/api/v1/signing-key"): "401 ok ok ok ok ok ok",
    ("GET", "/api/v1/audit"): "401 403 403 403 403 ok 403",
    ("GET", "/api/v1/cases"): "401 ok ok ok 403 403 403",
    ("POST", "/api/v1/cases"): "401 ok ok 403 403 403 403",
    ("POST", "/api/v1/cases/import"): "401 ok ok 403 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>"): "401 ok 404 ok 403 403 403",
    ("PATCH", "/api/v1/cases/<string:case_id>"): "401 ok 404 403 403 403 403",
    ("POST", "/api/v1/cases/<string:case_id>/assets/from-reference"): "401 ok 404 403 403 403 403",
    ("POST", "/api/v1/cases/<string:case_id>/close"): "401 ok 404 ok 403 403 403",
    ("POST", "/api/v1/cases/<string:case_id>/submit"): "401 ok 404 403 403 403 403",
    ("POST", "/api/v1/cases/<string:case_id>/decisions"): "401 403 403 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/decisions"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/disseminations"): "401 ok 404 ok 403 403 403",
    (
        "POST",
        "/api/v1/cases/<string:case_id>/disseminations/<string:recipient>/retry",
    ): "401 403 403 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/ftm"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/graph"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/links"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/matches"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/outcomes"): "401 ok 404 ok 403 403 403",
    ("POST", "/api/v1/cases/<string:case_id>/outcomes"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/screening"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/cases/<string:case_id>/trace"): "401 ok 404 ok 403 403 403",
    ("GET", "/api/v1/countries"): "401 ok ok ok ok ok ok",
    ("GET", "/api/v1/countries/<string:code>"): "401 ok ok ok ok ok ok",
    ("PUT", "/api/v1/countries/<string:code>/profile"): "401 403 403 ok 403 ok 403",
    ("GET", "/api/v1/countries/<string:code>/profile/history"): "401 403 403 ok 403 ok 403",
    ("GET", "/api/v1/disseminations"): "401 ok ok ok 403 403 403",
    ("GET", "/api/v1/disseminations/due"): "401 ok ok ok 403 403 403",
    ("GET", "/api/v1/reference/datasets"): "401 ok ok ok 403 ok 403",
    ("GET", "/api/v1/screening/queue"): "401 403 403 ok 403 403 403",
    ("GET", "/api/v1/stats/pilot"): "401 403 403 403 ok ok 403",
    ("GET", "/api/v1/stats/pilot/report"): "401 403 403 403 ok ok 403",
    ("GET", "/api/v1/users"): "401 403 403 403 403 ok 403",
    ("GET", "/api/v1/users/<string:username>"): "401 403 403 403 403 ok 403",
    ("PATCH", "/api/v1/users/<string:username>"): "401 403 403 403 403 ok 403",
    ("POST", "/api/v1/users/<string:username>/password-reset"): "401 403 403 403 403 ok 403",
    # Data-subject rights: the privacy officer's; the owning caseworker may also rectify.
    ("POST", "/api/v1/privacy/subject-search"): "401 403 403 403 403 403 ok",
    ("GET", "/api/v1/privacy/subject-report"): "401 403 403 403 403 403 ok",
    ("POST", "/api/v1/cases/<string:case_id>/rectifications"): "401 ok 404 403 403 403 ok",
    (
        "POST",
        "/api/v1/cases/<string:case_id>/subjects/<string:key>/erasure",
    ): "401 403 403 403 403 403 ok",
    (
        "POST",
        "/api/v1/cases/<string:case_id>/subjects/<string:key>/restriction",
    ): "401 403 403 403 403 403 ok",
    ("GET", "/api/v1/cases/<string:case_id>/corrections"): "401 403 403 403 403 403 ok",
    (
        "POST",
        "/api/v1/cases/<string:case_id>/corrections/<string:message_id>/retry",
    ): "401 403 403 403 403 403 ok",
    # --- Operations ----------------------------------------------------------------------
    ("GET", "/healthz"): "ok ok ok ok ok ok ok",
    ("GET", "/livez"): "ok ok ok ok ok ok ok",
    ("GET", "/readyz"): "ok ok ok ok ok ok ok",
    ("GET", "/metrics"): "ok ok ok ok ok ok ok",  # from loopback without a proxy
    ("GET", "/static/<path:filename>"): "404 404 404 404 404 404 404",  # no such folder
    ("GET", "/assets/<path:filename>"): "ok ok ok ok ok ok ok",
    # --- The pages -----------------------------------------------------------------------
    ("GET", "/"): "login ok ok ok ok ok ok",
    ("GET", "/login"): "ok ok ok ok ok ok ok",
    ("GET", "/toegankelijkheid"): "ok ok ok ok ok ok ok",  # the accessibility statement
    ("POST", "/login"): "401 401 401 401 401 401 401",  # an unknown user
    ("POST", "/logout"): "ok ok ok ok ok ok ok",
    ("POST", "/language"): "ok ok ok ok ok ok ok",
    ("GET", "/password"): "login ok ok ok ok ok ok",
    ("POST", "/password"): "ok ok ok ok ok ok ok",  # checks the current password: no login
    ("GET", "/cases"): "login ok ok ok 403 403 403",
    ("GET", "/cases/new"): "login ok ok 403 403 403 403",
    ("POST", "/cases/new"): "login ok ok 403 403 403 403",
    ("GET", "/cases/import"): "login ok ok 403 403 403 403",
    ("POST", "/cases/import"): "login ok ok 403 403 403 403",
    ("GET", "/cases/<case_id>"): "login ok 404 ok 403 403 403",
    ("GET", "/cases/<case_id>/edit"): "login ok 404 403 403 403 403",
    ("POST", "/cases/<case_id>/edit"): "login ok 404 403 403 403 403",
    ("POST", "/cases/<case_id>/submit"): "login ok 404 403 403 403 403",
    ("GET", "/cases/<case_id>/graph.json"): "login ok 404 ok 403 403 403",
    ("GET", "/cases/<case_id>/ftm"): "login ok 404 ok 403 403 403",
    ("POST", "/cases/<case_id>/outcomes"): "login ok 404 ok 403 403 403",
    ("GET", "/cases/<case_id>/trace"): "login ok 404 ok 403 403 403",
    ("POST", "/cases/<case_id>/trace/add"): "login ok 404 403 403 403 403",
    ("POST", "/cases/<case_id>/disseminations/<recipient>/retry"): "login 403 403 ok 403 403 403",
    ("GET", "/screening"): "login 403 403 ok 403 403 403",
    ("GET", "/screening/<case_id>"): "login 403 403 ok 403 403 403",
    ("POST", "/screening/<case_id>/decision"): "login 403 403 ok 403 403 403",
    ("GET", "/answers"): "login ok ok ok 403 403 403",
    ("GET", "/reference"): "login ok ok ok 403 ok 403",
    ("GET", "/report"): "login 403 403 403 ok ok 403",
    ("GET", "/report.csv"): "login 403 403 403 ok ok 403",
    ("GET", "/report.<any(pdf, ods, xlsx):kind>"): "login 403 403 403 ok ok 403",
    ("GET", "/admin/users"): "login 403 403 403 403 ok 403",
    ("POST", "/admin/users"): "login 403 403 403 403 ok 403",
    ("GET", "/admin/users/<username>"): "login 403 403 403 403 ok 403",
    ("POST", "/admin/users/<username>"): "login 403 403 403 403 ok 403",
    ("POST", "/admin/users/<username>/password-reset"): "login 403 403 403 403 ok 403",
    ("GET", "/admin/countries"): "login 403 403 ok 403 ok 403",
    ("GET", "/admin/countries/<code>"): "login 403 403 ok 403 ok 403",
    ("POST", "/admin/countries/<code>"): "login 403 403 ok 403 ok 403",
    ("GET", "/privacy"): "login 403 403 403 403 403 ok",
    ("POST", "/privacy"): "login 403 403 403 403 403 ok",
    (
        "GET",
        "/privacy/cases/<string:case_id>/subjects/<string:key>",
    ): "login 403 403 403 403 403 ok",
    (
        "GET",
        "/privacy/cases/<string:case_id>/subjects/<string:key>/report.<string:kind>",
    ): "login 403 403 403 403 403 ok",
    (
        "POST",
        "/privacy/cases/<string:case_id>/subjects/<string:key>/rectify",
    ): "login 403 403 403 403 403 ok",
    (
        "POST",
        "/privacy/cases/<string:case_id>/subjects/<string:key>/erase",
    ): "login 403 403 403 403 403 ok",
    (
        "POST",
        "/privacy/cases/<string:case_id>/subjects/<string:key>/restrict",
    ): "login 403 403 403 403 403 ok",
}

LAST = frozenset({("POST", "/api/v1/auth/logout"), ("POST", "/logout")})
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def routes(app: Flask) -> list[tuple[str, str]]:
    found = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    return sorted(found, key=lambda route: (route in LAST, route[1], route[0]))


def fill(rule: str, values: dict[str, str]) -> str:
    """The rule with its variables (`<string:case_id>`, `<any(...):kind>`) filled in."""
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule)


def expected_ok(cell: str, response: TestResponse) -> bool:
    status = response.status_code
    if cell == "ok":
        return status < 500 and status not in (401, 403, 404)
    if cell == "login":
        return status in (302, 303) and "/login" in response.headers.get("Location", "")
    return status == int(cell)


def test_every_route_against_the_table(
    app: Flask, svc: Services, client: FlaskClient, login: Login, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    all_routes = routes(app)
    missing = [route for route in all_routes if route not in TABLE]
    assert missing == [], f"routes missing from the table: {missing}"
    stale = [route for route in TABLE if route not in all_routes]
    assert stale == [], f"rows of routes that no longer exist: {stale}"

    case, owner, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    target = f"target-{case['id'][:8]}"
    auth.create_user(target, "caseworker", "POLITIE", PASSWORD, svc.uow())
    values = {
        "case_id": case["id"],
        "recipient": "ES",
        "code": "ES",
        "username": target,
        "kind": "ods",
        "filename": "css/silver.css",
        "key": "s1",
    }
    officer = login("privacy_officer")
    # A correction message (to Spain) for the retry; the retry of one not failed is a 409.
    rectified = client.post(
        f"/api/v1/cases/{case['id']}/rectifications",
        json=_bodies(case)[("POST", "/api/v1/cases/<string:case_id>/rectifications")],
        headers=officer,
    )
    assert rectified.status_code == 201, rectified.json
    told = client.get(f"/api/v1/cases/{case['id']}/corrections", headers=officer).json
    values["message_id"] = told[0]["message_id"]
    # Erasure is tried on a third party of a case of its own, so the other calls keep theirs.
    erasable = client.post("/api/v1/cases", json=_with_third_party(), headers=owner).json
    overrides = {
        "/api/v1/cases/<string:case_id>/subjects/<string:key>/erasure": {
            "case_id": erasable["id"],
            "key": "t1",
        },
        "/privacy/cases/<string:case_id>/subjects/<string:key>/erase": {
            "case_id": erasable["id"],
            "key": "t1",
        },
        "/privacy/cases/<string:case_id>/subjects/<string:key>/report.<string:kind>": {
            "kind": "html"
        },
    }
    headers = {
        "anonymous": {},
        "caseworker": owner,
        "other_agency": login("caseworker", "OM"),
        "screener": login("screener"),
        "evaluator": login("evaluator"),
        "admin": login("admin"),
        "privacy_officer": officer,
    }
    pages = {actor: _browser(app, headers[actor].get("X-Test-User")) for actor in ACTORS}
    bodies = _bodies(case)

    failures = []
    calls = 0
    for method, rule in all_routes:
        url = fill(rule, {**values, **overrides.get(rule, {})})
        if rule == "/api/v1/cases/<string:case_id>/trace":
            url += "?from=s1"
        if rule == "/api/v1/privacy/subject-report":
            url += f"?case={case['id']}&subject=s1"
        for actor, cell in zip(ACTORS, TABLE[(method, rule)].split(), strict=True):
            if rule.startswith("/api/"):
                response = client.open(
                    url, method=method, headers=headers[actor], json=bodies.get((method, rule))
                )
            else:
                browser, token = pages[actor]
                data = {"csrf_token": token, **_form(rule)} if method == "POST" else None
                response = browser.open(url, method=method, data=data)
            calls += 1
            response.close()  # a static file's answer holds the file open
            if not expected_ok(cell, response):
                failures.append(
                    f"{method} {rule} as {actor}: {response.status_code}, expected {cell}"
                )
    assert failures == [], "\n".join(failures)
    assert calls == len(ACTORS) * len(all_routes)


def _browser(app: Flask, username: str | None) -> tuple[FlaskClient, str]:
    """A browser session (logged in as `username`, or anonymous) and its CSRF token."""
    browser = app.test_client()
    found = CSRF.search(browser.get("/login").get_data(as_text=True))
    assert found
    if username is not None:
        response = browser.post(
            "/login",
            data={"csrf_token": found.group(1), "username": username, "password": PASSWORD},
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    with browser.session_transaction() as session:
        return browser, str(session["csrf"])


def _form(rule: str) -> dict[str, str]:
    """A page's form: empty but for a login, which names a user that does not exist (a new
    one each time, so no lockout gets in the way)."""
    if rule == "/login":
        return {"username": f"nobody-{uuid.uuid4().hex[:12]}", "password": "not-the-password"}
    return {}


def _bodies(case: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Bodies that pass validation, so the service decides who may."""
    return {
        ("POST", "/api/v1/auth/token"): {},
        ("POST", "/api/v1/auth/password"): {},
        ("POST", "/api/v1/cases"): case_body(),
        ("POST", "/api/v1/cases/import"): {"case": {"title": "Imported"}, "entities": []},
        ("PATCH", "/api/v1/cases/<string:case_id>"): {},
        ("POST", "/api/v1/cases/<string:case_id>/assets/from-reference"): {
            "dataset": "none",
            "entity_id": "none",
        },
        ("POST", "/api/v1/cases/<string:case_id>/decisions"): {},
        ("POST", "/api/v1/cases/<string:case_id>/outcomes"): {
            "country": "ES",
            "result": "no_information",
            "reported_on": str(date.today()),
        },
        ("PUT", "/api/v1/countries/<string:code>/profile"): {},
        ("POST", "/api/v1/privacy/subject-search"): {
            "full_name": case["subjects"][0]["full_name"],
            "date_of_birth": case["subjects"][0]["date_of_birth"],
        },
        ("POST", "/api/v1/cases/<string:case_id>/rectifications"): {
            "subject": "s1",
            "changes": {"aliases": ["J. Testpersoon"]},
            "reason": "Alias confirmed by the civil registry.",
        },
        ("POST", "/api/v1/cases/<string:case_id>/subjects/<string:key>/erasure"): {
            "reason": "Recorded without a legal ground.",
        },
        ("POST", "/api/v1/cases/<string:case_id>/subjects/<string:key>/restriction"): {
            "reason": "Accuracy contested by the data subject.",
        },
        ("PATCH", "/api/v1/users/<string:username>"): {},
    }


def _with_third_party() -> dict[str, Any]:
    body = case_body()
    body["subjects"].append(
        {
            "key": "t1",
            "kind": "person",
            "role": "third_party",
            "justification": "Partner holding the second account.",
            "full_name": f"Marta Derde {uuid.uuid4().hex[:8]}",
            "date_of_birth": "1980-01-01",
            "nationalities": ["ES"],
        }
    )
    body["holdings"].append({"subject": "t1", "asset": "a2", "relation": "uses", "share": None})
    return body


def _put_profile(
    client: FlaskClient, headers: dict[str, str], code: str, changes: dict[str, Any]
) -> dict[str, Any]:
    etag = client.get(f"/api/v1/countries/{code}", headers=headers).headers["ETag"]
    response = client.put(
        f"/api/v1/countries/{code}/profile", json=changes, headers={**headers, "If-Match": etag}
    )
    assert response.status_code == 200, response.json
    body: dict[str, Any] = response.json
    return body


def test_lowering_a_countrys_risk_does_not_bypass_four_eyes(
    client: FlaskClient, login: Login
) -> None:
    """A screener who lowers a country's risk profile and then approves to that country alone
    still needs a second screener; one who did not edit it approves alone."""
    colleague, editor, other = login("screener"), login("screener"), login("screener")
    original = client.get("/api/v1/countries/ES", headers=colleague).json["profile"]
    restore = {k: original[k] for k in ("cpi_score", "cpi_year")}
    cw = login("caseworker", "FIOD")
    try:
        # A colleague's review made Spain high-risk (corruption index below 40).
        _put_profile(client, colleague, "ES", {"cpi_score": 20, "cpi_year": 2025})
        # The editor lowers it again, then approves a diffusion to Spain alone.
        _put_profile(client, editor, "ES", {"cpi_score": 60})
        _put_profile(client, editor, "ES", {"cpi_score": 80})
        cases = []
        for _ in range(2):
            case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
            assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 200
            cases.append(case)
        body = {"decision": "approve", "instrument": "diffusion", "countries": ["ES"]}
        screening = client.get(f"/api/v1/cases/{cases[0]['id']}/screening", headers=editor).json
        [spain] = [c for c in screening["countries"] if c["country"] == "ES"]
        assert spain["risk"] != "high", "Spain is no longer high-risk by its current profile"

        first = client.post(f"/api/v1/cases/{cases[0]['id']}/decisions", json=body, headers=editor)
        assert first.status_code == 201, first.json
        assert first.json["case_status"] == "awaiting_second_approval"
        assert first.json["four_eyes"]["required"] is True
        assert any("own edits" in r for r in first.json["four_eyes"]["reasons"])
        again = client.post(f"/api/v1/cases/{cases[0]['id']}/decisions", json=body, headers=editor)
        assert again.status_code == 409, "the same screener cannot confirm it"
        second = client.post(f"/api/v1/cases/{cases[0]['id']}/decisions", json=body, headers=other)
        assert second.status_code == 201 and second.json["case_status"] == "approved"

        # A screener who did not edit the profile judges by the profile as it is.
        alone = client.post(f"/api/v1/cases/{cases[1]['id']}/decisions", json=body, headers=other)
        assert alone.status_code == 201, alone.json
        assert alone.json["case_status"] == "approved"
    finally:
        _put_profile(client, colleague, "ES", restore)
