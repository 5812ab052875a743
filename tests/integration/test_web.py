"""The web pages through Flask's test client against the real Neo4j and Redis: every page for
its role and refused for the others, CSRF, the security headers, errors next to their field,
the language switch, and each role's work done with forms only."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from silver.bootstrap import Silver as Services
from silver.domain.case_body import validate_case_body
from silver.infra import queue as job_queue
from silver.services import auth, reference
from tests.integration.conftest import PASSWORD, Login
from tests.support.cases import case_body, imo, nl_iban
from tests.support.reference import chain as tracing_chain
from web import forms, i18n

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebUser:
    """A logged-in browser session of a brand-new user."""

    client: FlaskClient
    username: str
    role: str
    agency: str | None

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def csrf(self, url: str = "/login") -> str:
        page = self.client.get(url)
        found = CSRF.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {url} ({page.status_code})"
        return found.group(1)

    def post(self, url: str, data: dict[str, Any], form_page: str | None = None) -> TestResponse:
        """Post a form as a browser does: with the page's CSRF token and the page as Referer."""
        page = form_page or url
        token = self.csrf(page)
        return self.client.post(
            url, data={**data, "csrf_token": token}, headers={"Referer": f"http://localhost{page}"}
        )


WebLogin = Callable[..., WebUser]


def log_in(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True))
    assert token
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": username, "password": password},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def web(app: Flask, svc: Services) -> WebLogin:
    def _login(role: str, agency: str | None = None) -> WebUser:
        username = f"web{role[:4]}-{uuid.uuid4().hex[:10]}"
        auth.create_user(username, role, agency, PASSWORD, svc.uow())
        return WebUser(log_in(app, username), username, role, agency)

    return _login


def without_templates(response: TestResponse) -> str:
    """The page without its <template> elements (the rows the script copies)."""
    return re.sub(r"<template.*?</template>", "", response.get_data(as_text=True), flags=re.S)


def text(response: TestResponse) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def field_error(response: TestResponse, field: str) -> str:
    found = re.search(
        rf'<p class="field-error" id="{re.escape(field)}-error">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    assert found, f"no error shown next to {field}"
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def run_jobs(svc: Services) -> None:
    queue = job_queue.queue_for(svc.redis, svc.settings)
    SimpleWorker([queue], connection=svc.redis, serializer=job_queue.SERIALIZER).work(burst=True)


def case_form_data(**overrides: Any) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    data: dict[str, Any] = {
        "action": "save",
        "title": f"Operatie Webvos {tag}",
        "national_reference": f"FIOD-W-{tag}",
        "crime_types": ["fraud", "money_laundering"],
        "offence_summary": "Carousel fraud with VAT, proceeds moved abroad.",
        "max_penalty_years": "6",
        "legal_basis_type": "criminal_investigation",
        "legal_basis_reference": "RC 2026/77",
        "urgency": "normal",
        "requested_instrument": "diffusion",
        "target_countries": "ES, BE",
        "subjects-0-key": "s1",
        "subjects-0-kind": "person",
        "subjects-0-role": "suspect",
        "subjects-0-full_name": f"Jan Webpersoon {tag}",
        "subjects-0-date_of_birth": "1970-05-01",
        "subjects-0-nationalities": "NL",
        "subjects-0-identifiers": f"passport NW{tag.upper()} NL",
        "assets-0-key": "a1",
        "assets-0-type": "bank_account",
        "assets-0-iban": nl_iban(),
        "assets-0-country": "ES",
        "assets-0-value_amount": "1250.00",
        "assets-0-value_currency": "EUR",
        "holdings-0-subject": "s1",
        "holdings-0-asset": "a1",
        "holdings-0-relation": "owns",
        "holdings-0-share": "1",
    }
    data.update(overrides)
    return data


def create_case(cw: WebUser, **overrides: Any) -> str:
    response = cw.post("/cases/new", case_form_data(**overrides))
    assert response.status_code == 303, text(response)
    location = response.headers["Location"]
    assert re.fullmatch(r"/cases/[0-9a-f-]{36}", location)
    return location.rsplit("/", 1)[1]


def submit(cw: WebUser, case_id: str) -> None:
    response = cw.post(f"/cases/{case_id}/submit", {}, form_page=f"/cases/{case_id}")
    assert response.status_code == 303, text(response)


def reject(screener: WebUser, case_id: str) -> None:
    """Take a test's case out of the shared screening queue again."""
    decision = {"decision": "reject", "reason_codes": ["OTHER"], "justification": "Test case."}
    response = screener.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert response.status_code == 303, text(response)


# --- Pages and roles ---------------------------------------------------------------------------


PAGES: list[tuple[str, set[str]]] = [
    ("/cases", {"caseworker", "screener"}),
    ("/cases/new", {"caseworker"}),
    ("/screening", {"screener"}),
    ("/report", {"evaluator", "admin"}),
    ("/report.csv", {"evaluator", "admin"}),
    ("/admin/users", {"admin"}),
    ("/admin/countries", {"admin", "screener"}),
    ("/admin/countries/BR", {"admin", "screener"}),
    ("/privacy", {"privacy_officer"}),
]
ROLES = {
    "caseworker": "FIOD",
    "screener": None,
    "evaluator": None,
    "admin": None,
    "privacy_officer": None,
}


def test_each_page_renders_for_its_roles_and_is_refused_for_the_others(
    app: Flask, web: WebLogin
) -> None:
    anonymous = app.test_client()
    users = {role: web(role, agency) for role, agency in ROLES.items()}
    for url, allowed in PAGES:
        refused = anonymous.get(url)
        assert refused.status_code == 302, url
        assert refused.headers["Location"].startswith("/login?next="), url
        for role, user in users.items():
            response = user.get(url)
            if role in allowed:
                assert response.status_code == 200, (url, role, text(response)[:500])
            else:
                assert response.status_code == 403, (url, role)
                assert "Forbidden" in text(response)
    # Every page shows who is logged in: name, role and agency.
    page = text(users["caseworker"].get("/cases"))
    assert users["caseworker"].username in page and "caseworker" in page and "FIOD" in page
    assert anonymous.get("/").headers["Location"] == "/login"
    assert users["screener"].get("/").headers["Location"] == "/screening"


def test_case_pages_follow_need_to_know(app: Flask, web: WebLogin) -> None:
    cw, other, evaluator = web("caseworker", "FIOD"), web("caseworker", "OM"), web("evaluator")
    screener = web("screener")
    case_id = create_case(cw)
    assert cw.get(f"/cases/{case_id}").status_code == 200
    assert other.get(f"/cases/{case_id}").status_code == 404
    assert evaluator.get(f"/cases/{case_id}").status_code == 403
    assert screener.get(f"/cases/{case_id}").status_code == 404  # a draft
    missing = cw.get(f"/cases/{uuid.uuid4()}")
    assert missing.status_code == 404 and "no such case" in text(missing)
    assert cw.get(f"/cases/{case_id}/graph.json").json["nodes"][0]["type"] == "case"
    assert other.get(f"/cases/{case_id}/graph.json").status_code == 404


def test_login_and_logout_end_the_session_and_revoke_the_token(
    app: Flask, svc: Services, client: FlaskClient
) -> None:
    username = f"webcase-{uuid.uuid4().hex[:10]}"
    auth.create_user(username, "caseworker", "POLITIE", PASSWORD, svc.uow())
    wrong = app.test_client()
    token = CSRF.search(wrong.get("/login").get_data(as_text=True))
    assert token
    refused = wrong.post(
        "/login", data={"csrf_token": token.group(1), "username": username, "password": "nope"}
    )
    assert refused.status_code == 401 and "wrong password" in text(refused)

    browser = log_in(app, username)
    cookie = browser.get_cookie("silver_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # plain HTTP in the test; Secure when served over TLS
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    bearer = {"Authorization": f"Bearer {session['token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200

    page = browser.get("/cases")
    logout = browser.post(
        "/logout", data={"csrf_token": CSRF.search(page.get_data(as_text=True)).group(1)}
    )  # type: ignore[union-attr]
    assert logout.status_code == 303 and logout.headers["Location"] == "/login"
    assert browser.get("/cases").status_code == 302
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401


def test_the_session_cookie_is_secure_over_tls(app: Flask, svc: Services) -> None:
    username = f"webtls-{uuid.uuid4().hex[:10]}"
    auth.create_user(username, "evaluator", None, PASSWORD, svc.uow())
    browser = app.test_client()
    page = browser.get("/login", base_url="https://silver.test")
    token = CSRF.search(page.get_data(as_text=True))
    assert token
    response = browser.post(
        "/login",
        base_url="https://silver.test",
        data={"csrf_token": token.group(1), "username": username, "password": PASSWORD},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


# --- Security ----------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(
    app: Flask, web: WebLogin, client: FlaskClient, login: Login
) -> None:
    cw = web("caseworker", "FIOD")
    before = text(cw.get("/cases"))
    refused = cw.client.post("/cases/new", data=case_form_data())
    assert refused.status_code == 400
    assert "refused" in text(refused)
    forged = cw.client.post("/cases/new", data={**case_form_data(), "csrf_token": "forged"})
    assert forged.status_code == 400
    assert cw.client.post("/logout").status_code == 400
    assert cw.get("/cases").status_code == 200  # still logged in: the forged logout failed
    assert text(cw.get("/cases")) == before  # and no case was created
    assert (
        app.test_client().post("/login", data={"username": "x", "password": "y"}).status_code == 400
    )
    # The API keeps working with bearer tokens and needs no CSRF token.
    api = client.post("/api/v1/cases", json=case_body(), headers=login("caseworker", "FIOD"))
    assert api.status_code == 201


def test_pages_send_a_strict_content_security_policy_and_no_inline_script(
    app: Flask, web: WebLogin
) -> None:
    cw, screener = web("caseworker", "FIOD"), web("screener")
    case_id = create_case(cw)
    submit(cw, case_id)
    pages = [
        (app.test_client(), "/login"),
        (cw.client, "/cases"),
        (cw.client, "/cases/new"),
        (cw.client, f"/cases/{case_id}"),
        (screener.client, f"/screening/{case_id}"),
        (screener.client, "/admin/countries/ES"),
    ]
    for browser, url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        policy = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html) and "<style" not in html, url
        assert re.search(r'<html lang="(en|nl)"[ >]', html)
    reject(screener, case_id)
    # Every field has a label.
    html = cw.get("/cases/new").get_data(as_text=True)
    form_html = html.split("<template", 1)[0]
    ids = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\sid="([^"]+)"', form_html
    )
    labels = set(re.findall(r'<label for="([^"]+)"', form_html))
    assert ids and set(ids) <= labels, set(ids) - labels


# --- The caseworker ----------------------------------------------------------------------------


def test_server_side_errors_are_shown_next_to_their_field(web: WebLogin) -> None:
    cw = web("caseworker", "FIOD")
    response = cw.post(
        "/cases/new",
        case_form_data(
            title="",
            max_penalty_years="six",
            target_countries="ES, NL",
            **{
                "subjects-0-full_name": "",
                "assets-0-iban": "NL00BROKEN",
                "assets-0-value_amount": "12,50",
                "holdings-0-asset": "a9",
            },
        ),
    )
    assert response.status_code == 422
    assert "Length must be between 1 and 300" in field_error(response, "title")
    assert "Not a valid number" in field_error(response, "max_penalty_years")
    assert "requesting country" in field_error(response, "target_countries")
    assert "needs a full_name" in field_error(response, "subjects-0-full_name")
    assert "IBAN" in field_error(response, "assets-0-iban")
    assert "decimal" in field_error(response, "assets-0-value_amount")
    assert "asset key" in field_error(response, "holdings-0-asset")
    html = response.get_data(as_text=True)
    assert 'aria-describedby="title-error"' in html and 'aria-invalid="true"' in html
    # What was typed stays in the form.
    assert 'value="ES, NL"' in html and 'value="six"' in html


def test_rows_are_added_and_removed_by_posting_the_whole_form(web: WebLogin) -> None:
    cw = web("caseworker", "OM")
    data = case_form_data(action="add-subjects")
    added = cw.post("/cases/new", data)
    assert added.status_code == 200
    assert 'name="subjects-1-key"' in without_templates(added)
    data.update(
        {
            "action": "add-assets",
            "subjects-1-key": "o1",
            "subjects-1-kind": "organisation",
            "subjects-1-role": "suspect",
            "subjects-1-name": "Webvos BV",
        }
    )
    html = without_templates(cw.post("/cases/new", data))
    assert 'name="assets-1-key"' in html and 'value="Webvos BV"' in html
    data["action"] = "remove-subjects-1"
    html = without_templates(cw.post("/cases/new", data))
    assert "Webvos BV" not in html and 'name="subjects-0-key"' in html
    # Saving drops the rows left empty.
    data["action"] = "save"
    data.update({"assets-1-key": "", "assets-1-type": "vessel"})
    saved = cw.post("/cases/new", data)
    assert saved.status_code == 303, text(saved)


def test_a_caseworker_creates_edits_and_submits_a_case(web: WebLogin) -> None:
    cw = web("caseworker", "FIOD")
    case_id = create_case(cw)
    page = text(cw.get(f"/cases/{case_id}"))
    assert "draft" in page and "Operatie Webvos" in page and "RC 2026/77" in page

    edit = cw.get(f"/cases/{case_id}/edit")
    assert edit.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', edit.get_data(as_text=True))
    assert version and version.group(1) == "1"
    changed = cw.post(
        f"/cases/{case_id}/edit",
        case_form_data(title="Operatie Gewijzigd", version="1", number="x"),
    )
    assert changed.status_code == 303, text(changed)
    stale = cw.post(f"/cases/{case_id}/edit", case_form_data(version="1", number="x"))
    assert stale.status_code == 412
    assert "changed by someone else" in text(stale)

    submit(cw, case_id)
    page = text(cw.get(f"/cases/{case_id}"))
    assert "Operatie Gewijzigd" in page and "submitted" in page
    assert "Status history" in page and cw.username in page
    again = cw.post(f"/cases/{case_id}/submit", {}, form_page=f"/cases/{case_id}")
    assert again.status_code == 303  # back to the page with the refusal as a message
    assert "cannot become" in text(cw.get(again.headers["Location"]))

    listed = text(cw.get("/cases?q=gewijzigd"))
    assert "Operatie Gewijzigd" in listed
    assert "Operatie Gewijzigd" not in text(cw.get("/cases?q=no-such-title-anywhere"))
    assert "Operatie Gewijzigd" in text(cw.get("/cases?status=submitted"))
    assert cw.get("/cases?status=bogus").status_code == 422
    reject(web("screener"), case_id)


def test_screeners_decide_with_four_eyes_and_the_caseworker_records_an_answer(
    svc: Services, web: WebLogin
) -> None:
    cw, first, second = web("caseworker", "POLITIE"), web("screener"), web("screener")
    case_id = create_case(cw, target_countries="BR", **{"assets-0-country": "BR"})
    submit(cw, case_id)
    last = re.search(
        r'href="(/screening\?page=\d+)" rel="last"', first.get("/screening").get_data(as_text=True)
    )
    queue = first.get(last.group(1) if last else "/screening").get_data(as_text=True)
    assert f'href="/screening/{case_id}"' in queue  # oldest first: the newest is on the last page

    page = first.get(f"/screening/{case_id}")
    html = page.get_data(as_text=True)
    assert 'data-country="BR"' in html and 'id="quota"' in html
    assert "notices and diffusions used" in html
    assert re.search(r'<option value="appropriate_safeguards" selected>', html)
    decision = {"decision": "approve", "instrument": "diffusion", "countries": ["BR"]}
    missing = first.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert missing.status_code == 422
    assert "third country" in field_error(missing, "transfer_bases.BR")

    decision["transfer_basis-BR"] = "appropriate_safeguards"
    approved = first.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert approved.status_code == 303, text(approved)
    state = text(first.get(f"/screening/{case_id}"))
    assert f"Awaiting a second approval: the first approval is by {first.username}" in state
    same = first.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert same.status_code == 409 and "different screener" in text(same)

    confirmed = second.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert confirmed.status_code == 303, text(confirmed)
    run_jobs(svc)

    page = text(cw.get(f"/cases/{case_id}"))
    assert "disseminated" in page and "Answer due by" in page
    notice = re.search(
        r'<tr class="notice-sent" data-recipient="BR">(.*?)</tr>',
        cw.get(f"/cases/{case_id}").get_data(as_text=True),
        re.S,
    )
    assert notice and re.search(r'class="due-by"><time datetime="\d{4}-', notice.group(1))

    wrong = cw.post(
        f"/cases/{case_id}/outcomes",
        {"country": "ES", "result": "frozen", "asset": "a1", "value_amount": "1000"},
        form_page=f"/cases/{case_id}",
    )
    assert wrong.status_code == 422
    assert "did not receive this case" in field_error(wrong, "country")
    recorded = cw.post(
        f"/cases/{case_id}/outcomes",
        {
            "country": "BR",
            "result": "frozen",
            "asset": "a1",
            "value_amount": "1000.00",
            "value_currency": "EUR",
            "notes": "Frozen by the court of Sao Paulo.",
        },
        form_page=f"/cases/{case_id}",
    )
    assert recorded.status_code == 303, text(recorded)
    page = text(cw.get(f"/cases/{case_id}"))
    assert "frozen" in page and "€1,000.00" in page and "Sao Paulo" in page
    # Retrying a dissemination that did not fail is refused with a message.
    retry = first.post(f"/cases/{case_id}/disseminations/BR/retry", {}, f"/screening/{case_id}")
    assert retry.status_code == 303
    assert "only a failed dissemination" in text(first.get(retry.headers["Location"]))


# --- Evaluator and admin -----------------------------------------------------------------------


def test_the_evaluator_sees_the_report_with_charts_and_downloads_the_csv(web: WebLogin) -> None:
    evaluator = web("evaluator")
    report = evaluator.get("/report")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert html.count('src="data:image/svg+xml;base64,') >= 2
    assert "Funnel" in html or "funnel" in html
    csv = evaluator.get("/report.csv?audience=public")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).startswith("section,dimension,key,metric,value")
    assert "attachment" in csv.headers["Content-Disposition"]
    assert evaluator.get("/report?audience=everyone").status_code == 422


def test_the_admin_creates_users_and_maintains_country_profiles(web: WebLogin) -> None:
    admin, screener = web("admin"), web("screener")
    assert screener.username in text(admin.get("/admin/users"))
    name = f"webnew-{uuid.uuid4().hex[:8]}"
    bad = admin.post(
        "/admin/users", {"username": name, "role": "caseworker", "agency": "", "password": "short"}
    )
    assert bad.status_code == 422
    assert "agency" in field_error(bad, "agency")
    assert "12 characters" in field_error(bad, "password")
    made = admin.post(
        "/admin/users",
        {"username": name, "role": "caseworker", "agency": "OM", "password": PASSWORD},
    )
    assert made.status_code == 303 and name in text(admin.get("/admin/users"))

    page = admin.get("/admin/countries/GE").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    form = {
        "version": version.group(1),
        "participant": "on",
        "death_penalty_status": "abolished",
        "cpi_score": "53",
        "cpi_year": "2024",
        "freedom_house_status": "Partly Free",
        "fatf_status": "none",
        "notes": "Reviewed through the web page.",
        "sources": "https://example.org/source",
    }
    saved = admin.post("/admin/countries/GE", form)
    assert saved.status_code == 303, text(saved)
    assert "Reviewed through the web page." in admin.get("/admin/countries/GE").get_data(
        as_text=True
    )
    stale = admin.post("/admin/countries/GE", form)
    assert stale.status_code == 412 and "changed by someone else" in text(stale)
    invalid = admin.post("/admin/countries/GE", {**form, "cpi_score": "300"})
    assert invalid.status_code == 422 and field_error(invalid, "cpi_score")
    # A screener may review, but not change who participates.
    page = screener.get("/admin/countries/GE").get_data(as_text=True)
    assert re.search(r'id="participant"[^>]*disabled', page)


# --- Language ----------------------------------------------------------------------------------


def test_the_language_switch_is_remembered(app: Flask, web: WebLogin) -> None:
    cw = web("caseworker", "FIOD")
    assert 'lang="en"' in cw.get("/cases").get_data(as_text=True)
    switched = cw.post("/language", {"lang": "nl", "next": "/cases"}, form_page="/cases")
    assert switched.status_code == 303 and switched.headers["Location"] == "/cases"
    cookie = cw.client.get_cookie(i18n.COOKIE)
    assert cookie is not None and cookie.value == "nl" and cookie.http_only
    page = cw.get("/cases")
    html = page.get_data(as_text=True)
    assert 'lang="nl"' in html and "Uitloggen" in html and "Nieuwe zaak" in html
    assert (
        cw.post("/language", {"lang": "en", "next": "https://evil.test/"}, "/cases").headers[
            "Location"
        ]
        == "/"
    )
    assert "Log out" in cw.get("/cases").get_data(as_text=True)
    dutch_browser = app.test_client().get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert 'lang="nl"' in dutch_browser.get_data(as_text=True)


def test_a_case_page_in_dutch_has_dutch_amounts_countries_dates_and_messages(
    app: Flask, web: WebLogin
) -> None:
    cw = web("caseworker", "FIOD")
    cw.post("/language", {"lang": "nl", "next": "/cases"}, form_page="/cases")
    case_id = create_case(cw)
    page = text(cw.get(f"/cases/{case_id}"))
    assert "Spanje (ES), België (BE)" in page
    assert "€ 1.250,00" in page
    assert re.search(
        r"\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}, \d\d:\d\d UTC", page
    )
    assert "Oordeel" in page and "Statusgeschiedenis" in page
    refused = cw.post("/cases/new", case_form_data(**{"subjects-0-full_name": ""}))
    assert refused.status_code == 422
    assert field_error(refused, "subjects-0-full_name") == (
        "een persoon heeft een volledige naam (full_name) nodig"
    )


def test_the_accessibility_statement_is_public_in_both_languages(app: Flask) -> None:
    visitor = app.test_client()
    english = visitor.get("/toegankelijkheid")
    assert english.status_code == 200
    assert "<h1>Accessibility statement</h1>" in english.get_data(as_text=True)
    dutch = visitor.get("/toegankelijkheid", headers={"Accept-Language": "nl"})
    html = dutch.get_data(as_text=True)
    assert "<h1>Toegankelijkheidsverklaring</h1>" in html and "WCAG 2.1 AA" in html
    login = visitor.get("/login").get_data(as_text=True)
    assert 'href="/toegankelijkheid"' in login


def _given(value: Any) -> Any:
    """A body without its empty values (a form leaves out what is not filled in)."""
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if v not in (None, [], "")}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value


def test_a_case_form_round_trips_a_stored_body() -> None:
    body = case_body()
    rebuilt = forms.case_body(forms.case_form(body))
    assert _given(validate_case_body(rebuilt)) == _given(validate_case_body(body))


# --- Answers on an asset the country found -----------------------------------------------------


SPANISH_IBAN = "ES9121000418450200051332"


def disseminated_to_spain(svc: Services, web: WebLogin) -> tuple[WebUser, str]:
    """A caseworker's case, approved as a diffusion to Spain and delivered there."""
    cw, screener = web("caseworker", "FIOD"), web("screener")
    case_id = create_case(cw)
    submit(cw, case_id)
    decision = {"decision": "approve", "instrument": "diffusion", "countries": ["ES"]}
    approved = screener.post(f"/screening/{case_id}/decision", decision, f"/screening/{case_id}")
    assert approved.status_code == 303, text(approved)
    run_jobs(svc)
    assert 'id="outcome-form"' in cw.get(f"/cases/{case_id}").get_data(as_text=True)
    return cw, case_id


def outcome_form(response: TestResponse) -> str:
    html = response.get_data(as_text=True)
    return html.split('id="outcome-form"', 1)[1].split("</form>", 1)[0]


def test_an_answer_on_an_asset_the_country_found_adds_it_to_the_case(
    svc: Services, web: WebLogin, client: FlaskClient, login: Login
) -> None:
    cw, case_id = disseminated_to_spain(svc, web)
    form = outcome_form(cw.get(f"/cases/{case_id}"))
    assert f'<option value="{forms.NEW_ASSET}"' in form
    ids = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\sid="([^"]+)"', form
    )
    labels = set(re.findall(r'<label for="([^"]+)"', form))
    assert {"new_asset-key", "new_asset-type", "new_asset-iban", "new_asset-imo"} <= set(ids)
    assert set(ids) <= labels, set(ids) - labels

    recorded = cw.post(
        f"/cases/{case_id}/outcomes",
        {
            "country": "ES",
            "result": "frozen",
            "asset": forms.NEW_ASSET,
            "value_amount": "12000.00",
            "value_currency": "EUR",
            "new_asset-key": "es1",
            "new_asset-type": "bank_account",
            "new_asset-iban": SPANISH_IBAN.lower(),
            "new_asset-country": "",  # the country that answered
            "new_asset-value_amount": "15000",
            "new_asset-value_currency": "EUR",
            "new_asset-description": "Account found by the Guardia Civil.",
            "notes": "Frozen by the Audiencia Nacional.",
        },
        form_page=f"/cases/{case_id}",
    )
    assert recorded.status_code == 303, text(recorded)
    page = cw.get(f"/cases/{case_id}").get_data(as_text=True)
    asset_row = re.search(r'<tr><th scope="row">es1</th>(.*?)</tr>', page, re.S)
    assert asset_row, "the new asset is listed with the case's assets"
    assert SPANISH_IBAN in asset_row.group(1) and "ES" in asset_row.group(1)
    assert "€15,000.00" in asset_row.group(1)
    answers = re.search(r'<table class="outcomes">(.*?)</table>', page, re.S)
    assert answers
    answer = unescape(re.sub(r"<[^>]+>", " ", answers.group(1)))
    assert "es1" in answer and "found by the country" in answer and "frozen" in answer
    assert "€12,000.00" in answer and "Audiencia Nacional" in answer
    # The new asset can be the subject of the next answer.
    assert '<option value="es1"' in outcome_form(cw.get(f"/cases/{case_id}"))

    api = login("caseworker", "FIOD")
    listed = client.get(f"/api/v1/cases/{case_id}/outcomes", headers=api).json
    assert [(o["country"], o["result"], o["asset"], o["new_asset"]) for o in listed] == [
        ("ES", "frozen", "es1", True)
    ]
    assets = client.get(f"/api/v1/cases/{case_id}", headers=api).json["assets"]
    found = next(a for a in assets if a["key"] == "es1")
    assert {"type": "bank_account", "iban": SPANISH_IBAN, "country": "ES"}.items() <= found.items()
    assert found["estimated_value"] == {"amount": "15000.00", "currency": "EUR"}


def test_a_bad_new_asset_is_shown_next_to_its_field_and_nothing_is_stored(
    svc: Services, web: WebLogin, client: FlaskClient, login: Login
) -> None:
    cw, case_id = disseminated_to_spain(svc, web)
    typed = {
        "country": "ES",
        "result": "asset_located",
        "asset": "",
        "new_asset-key": "es2",  # a key alone makes the answer concern a new asset
        "new_asset-type": "bank_account",
        "new_asset-iban": "ES00 0000",
        "new_asset-value_amount": "12,50",
        "new_asset-description": "Found by the Guardia Civil.",
        "notes": "Spanish liaison officer.",
    }
    refused = cw.post(f"/cases/{case_id}/outcomes", typed, form_page=f"/cases/{case_id}")
    assert refused.status_code == 422
    assert "IBAN" in field_error(refused, "new_asset-iban")
    assert "decimal" in field_error(refused, "new_asset-value_amount")
    form = outcome_form(refused)
    assert re.search(r'<input[^>]*id="new_asset-iban"[^>]*aria-invalid="true"', form)
    assert 'href="#new_asset-iban"' in refused.get_data(as_text=True)  # the summary links it
    # What was typed stays in the form.
    assert 'value="es2"' in form and 'value="ES00 0000"' in form and 'value="12,50"' in form
    assert '<option value="bank_account" selected>' in form
    assert '<option value="ES" selected>' in form
    assert "Found by the Guardia Civil." in form and "Spanish liaison officer." in form

    api = login("caseworker", "FIOD")
    assert client.get(f"/api/v1/cases/{case_id}/outcomes", headers=api).json == []
    assets = client.get(f"/api/v1/cases/{case_id}", headers=api).json["assets"]
    assert [a["key"] for a in assets] == ["a1"]

    # An existing asset chosen and a new one typed: refused, not guessed.
    both = {**typed, "asset": "a1", "new_asset-iban": SPANISH_IBAN, "new_asset-value_amount": ""}
    refused = cw.post(f"/cases/{case_id}/outcomes", both, form_page=f"/cases/{case_id}")
    assert refused.status_code == 422
    assert "not both" in field_error(refused, "asset")
    assert client.get(f"/api/v1/cases/{case_id}/outcomes", headers=api).json == []

    # "(new asset)" without a key: the key is asked for next to its field.
    no_key = {**typed, "asset": forms.NEW_ASSET, "new_asset-key": ""}
    no_key["new_asset-iban"] = SPANISH_IBAN
    no_key["new_asset-value_amount"] = ""
    refused = cw.post(f"/cases/{case_id}/outcomes", no_key, form_page=f"/cases/{case_id}")
    assert refused.status_code == 422
    assert field_error(refused, "new_asset-key")
    assert f'<option value="{forms.NEW_ASSET}" selected>' in outcome_form(refused)
    assert client.get(f"/api/v1/cases/{case_id}/outcomes", headers=api).json == []


def test_the_answer_form_sends_both_when_both_are_given_so_the_service_refuses() -> None:
    data = MultiDict(
        {
            "country": "ES",
            "result": "seized",
            "asset": "a1",
            "new_asset-key": "es3",
            "new_asset-type": "vehicle",
            "new_asset-vin": "WVWZZZ1JZXW000001",
            "new_asset-value_currency": "EUR",
        }
    )
    body = forms.outcome_body(data)
    assert body["asset"] == "a1", "not silently dropped: the service refuses asset + new_asset"
    assert body["new_asset"] == {
        "key": "es3",
        "type": "vehicle",
        "country": "ES",
        "vin": "WVWZZZ1JZXW000001",
    }
    # Nothing typed for a new asset (the currency's default aside): the chosen asset.
    plain = forms.outcome_body(MultiDict({"country": "ES", "result": "seized", "asset": "a1"}))
    assert plain["asset"] == "a1" and plain["new_asset"] is None
    assert forms.outcome_field_errors(
        {"new_asset.estimated_value.currency": ["x"], "new_asset": ["y"], "value.amount": ["z"]}
    ) == {"new_asset-value_currency": ["x"], "new_asset": ["y"], "value_amount": ["z"]}


def test_a_caseworker_downloads_a_case_as_ftm_and_imports_it_back(
    web: WebLogin, svc: Services
) -> None:
    cw = web("caseworker", "FIOD")
    case_id = create_case(cw)
    page = cw.get(f"/cases/{case_id}")
    assert f'href="/cases/{case_id}/ftm"' in page.get_data(as_text=True)
    download = cw.get(f"/cases/{case_id}/ftm")
    assert download.status_code == 200 and download.mimetype == "application/x-ndjson"
    lines = download.get_data(as_text=True).splitlines()
    assert {json.loads(line)["schema"] for line in lines} >= {"Person", "BankAccount"}

    form = {"title": "Uit Aleph", "legal_basis_type": "criminal_investigation",
            "legal_basis_reference": "RC 2026/9"}  # fmt: skip
    bad = [json.loads(line) for line in lines]
    account = next(i for i, e in enumerate(bad) if e["schema"] == "BankAccount")
    bad[account]["properties"]["iban"] = ["NL00ABNA0417164300"]
    token = cw.csrf("/cases/import")
    refused = cw.client.post(
        "/cases/import",
        data={**form, "csrf_token": token,
              "entities": (io.BytesIO("\n".join(json.dumps(e) for e in bad).encode()), "x.json")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert refused.status_code == 422
    assert f"entities.{account}.iban" in text(refused)

    token = cw.csrf("/cases/import")
    created = cw.client.post(
        "/cases/import",
        data={**form, "csrf_token": token, "entities": (io.BytesIO(download.data), "case.json")},
        content_type="multipart/form-data",
    )
    assert created.status_code == 303, text(created)
    new_page = cw.get(created.headers["Location"])
    assert "Uit Aleph" in text(new_page) and "draft" in text(new_page).lower()


def test_the_reference_datasets_page_lists_what_is_loaded(web: WebLogin, svc: Services) -> None:
    dataset = f"web-{uuid.uuid4().hex[:8]}"
    line = {"id": "c1", "schema": "Company", "properties": {"name": ["Voorbeeld Holding"]}}
    reference.import_reference(
        [json.dumps(line).encode()], dataset, uow_factory=svc.uow, index_key=svc.keys.index_key
    )
    try:
        page = web("admin").get("/reference")
        assert page.status_code == 200
        row = re.search(
            rf"<th scope=\"row\">{dataset}</th><td[^>]*>(\d+)</td>", page.get_data(as_text=True)
        )
        assert row and row.group(1) == "1"
        assert web("evaluator").get("/reference").status_code == 403
    finally:
        reference.delete_dataset(dataset, uow_factory=svc.uow)


def test_the_trace_panel_reaches_a_vessel_and_adds_it_to_the_case(
    web: WebLogin, svc: Services
) -> None:
    tag, vessel_imo = uuid.uuid4().hex[:6], imo()
    dataset = f"webtrace-{tag}"
    reference.import_reference(
        [json.dumps(e).encode() for e in tracing_chain(tag, vessel_imo)],
        dataset,
        uow_factory=svc.uow,
        index_key=svc.keys.index_key,
    )
    try:
        cw = web("caseworker", "FIOD")
        case_id = create_case(cw, **{"subjects-0-full_name": "ZILVÉRBERG, Jan"})
        page = cw.get(f"/cases/{case_id}/trace?from=s1&direction=down&depth=4")
        assert page.status_code == 200, text(page)
        shown = text(page)
        assert "Silver Moon" in shown and "30.0%" in shown
        assert "name and birth date" in shown  # the match that bridged to the reference person
        assert 'id="trace-data"' in page.get_data(as_text=True)

        form_page = f"/cases/{case_id}/trace?from=s1&depth=4"
        version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))
        assert version
        added = cw.post(
            f"/cases/{case_id}/trace/add",
            {"dataset": dataset, "entity_id": f"{tag}-v", "version": version.group(1)},
            form_page=form_page,
        )
        assert added.status_code == 303, text(added)
        case_page = text(cw.get(f"/cases/{case_id}"))
        assert vessel_imo in case_page and "PA" in case_page

        refused = cw.get(f"/cases/{case_id}/trace?from=s1&depth=9")
        assert refused.status_code == 422 and "depth" in text(refused)
    finally:
        reference.delete_dataset(dataset, uow_factory=svc.uow)
