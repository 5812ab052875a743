"""The demo data set: valid, clearly fictional, and linked across two agencies.

Users are global, so the demo may have been loaded before (by an earlier run, with the same
password); the loading test accepts that and checks the loaded state either way.
"""

from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from silver.bootstrap import Silver as Services
from silver.domain import projection
from silver.domain.case_body import validate_case_body
from silver.services.demo import DEMO_CASES, DEMO_USERS, load_demo
from tests.integration.conftest import PASSWORD

ALLOWED_TARGETS = {
    "BE",
    "ES",
    "FR",
    "GB",
    "IT",
    "PL",
    "PT",
    "SE",
    "AE",
    "SG",
    "US",
    "CN",
    "KZ",
    "GE",
    "MT",
}
FICTIONAL_WORDS = ("Demo", "Fictief", "Voorbeeld", "Testmunt", "Nepbedrijf")


def _canonical() -> list[tuple[str, dict[str, Any]]]:
    return [(agency, validate_case_body(copy.deepcopy(body))) for agency, body in DEMO_CASES]


def _identifiers(body: dict[str, Any]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for subject in body["subjects"]:
        out.update(projection.subject_identifiers(subject))
    for asset in body["assets"]:
        out.update(projection.asset_identifiers(asset))
    return out


def _shared() -> dict[tuple[str, str], list[int]]:
    """Identifiers that more than one demo case names, with the indexes of those cases."""
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (_, body) in enumerate(_canonical()):
        for ident in _identifiers(body):
            seen[ident].append(i)
    return {ident: cases for ident, cases in seen.items() if len(cases) > 1}


def test_every_demo_body_is_valid_and_clearly_fictional() -> None:
    cases = _canonical()
    assert 8 <= len(cases) <= 12
    assert {agency for agency, _ in cases} == {"FIOD", "OM", "POLITIE"}
    assert len({body["national_reference"] for _, body in cases}) == len(cases)
    for _, body in cases:
        assert body["title"].startswith("[DEMO]")
        assert body["offence_summary"].startswith("Fictional demo case.")
        assert set(body["target_countries"]) <= ALLOWED_TARGETS
        for subject in body["subjects"]:
            name = subject.get("full_name") or subject.get("name")
            assert any(word in name for word in FICTIONAL_WORDS), name
    subjects = [s for _, body in cases for s in body["subjects"]]
    assert any(s["role"] == "third_party" and s["justification"] for s in subjects)
    penalties = [body["max_penalty_years"] for _, body in cases]
    assert sum(p > 4 for p in penalties) >= len(cases) - 1
    asset_types = {a["type"] for _, body in cases for a in body["assets"]}
    assert {
        "bank_account",
        "real_estate",
        "vehicle",
        "vessel",
        "aircraft",
        "crypto_wallet",
        "company_share",
    } <= asset_types


def test_two_cases_of_different_agencies_share_exactly_an_account_and_a_vessel() -> None:
    shared = _shared()
    assert {kind for kind, _ in shared} == {"iban", "imo"}
    assert len(shared) == 2
    (pair,) = {tuple(cases) for cases in shared.values()}
    first, second = (DEMO_CASES[i] for i in pair)
    assert first[0] != second[0], "the two linked cases belong to different agencies"

    def raw(body: dict[str, Any], field: str) -> set[str]:
        return {a[field] for a in body["assets"] if a.get(field)}

    # Written differently, equal once normalised.
    assert raw(first[1], "iban").isdisjoint(raw(second[1], "iban"))
    assert raw(first[1], "imo").isdisjoint(raw(second[1], "imo"))


def _json(response: TestResponse) -> Any:
    return response.json


def _token(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {_json(response)['access_token']}"}


def _newest_with_title(client: FlaskClient, headers: dict[str, str], title: str) -> Any:
    """The newest case of the user's agency with this title, paging through the list."""
    page = 1
    while True:
        response = client.get(f"/api/v1/cases?page={page}&page_size=200", headers=headers)
        assert response.status_code == 200, response.json
        for summary in _json(response):
            if summary["title"] == title:
                return summary
        if page * 200 >= int(response.headers["X-Total-Count"]):
            pytest.fail(
                f"no case titled {title!r}: the demo users exist but not the demo cases "
                "(loaded by an older demo.py?); delete the demo users and run again"
            )
        page += 1


def test_load_demo_links_the_two_agencies_cases(svc: Services, client: FlaskClient) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    numbers = load_demo(svc, password=PASSWORD, prefix=prefix)
    assert len(numbers) == len(DEMO_CASES)
    assert all(n.startswith("NL-SN-") for n in numbers)
    assert load_demo(svc, password=PASSWORD, prefix=prefix) == []

    (pair,) = {tuple(cases) for cases in _shared().values()}
    (agency_a, body_a), (agency_b, body_b) = (DEMO_CASES[i] for i in pair)
    users = {agency: name.replace("demo", prefix, 1) for name, _, agency in DEMO_USERS if agency}
    headers_a = _token(client, users[agency_a])
    headers_b = _token(client, users[agency_b])
    me = _json(client.get("/api/v1/auth/me", headers=headers_a))
    assert me == {"username": users[agency_a], "role": "caseworker", "agency": agency_a}

    case_a = _newest_with_title(client, headers_a, body_a["title"])
    case_b = _newest_with_title(client, headers_b, body_b["title"])
    assert {case_a["number"], case_b["number"]} <= set(numbers)

    for case, headers, other in ((case_a, headers_a, case_b), (case_b, headers_b, case_a)):
        response = client.get(f"/api/v1/cases/{case['id']}/links", headers=headers)
        assert response.status_code == 200, response.json
        linked: dict[str, list[dict[str, str]]] = {}
        for link in _json(response):
            assert link["kind"] in ("subject", "asset")
            linked.setdefault(link["identifier_type"], []).extend(link["cases"])
        for kind in ("iban", "imo"):
            assert {"number": other["number"], "agency": other["agency"]} in linked[kind]
