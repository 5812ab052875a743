"""The API fuzzed with schemathesis, as every role, against the real Neo4j and Redis.

A derandomized, bounded run (tests/support/fuzz.py says how): every operation of the OpenAPI
document with a few cases that fit its schema and a few that do not, then stateful scenarios
over the links schemathesis infers (create a case, read it, patch it, submit it...). No response
may be a server error, and each must match the schema the document declares for its status.
`bench/fuzz.py` runs the same for longer (ten thousand requests and more).

An admin fuzzing `PUT /countries/{code}/profile` changes the country profiles every screening
reads, so the profiles are put back as they were afterwards for the tests that follow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.fuzz import ROLES, Fuzzer, restore_profiles

pytestmark = pytest.mark.integration

# Cases per operation and generation mode (positive, negative), and stateful scenarios of so
# many steps: about 1,300 requests in all, three minutes on a busy 2-core machine.
EXAMPLES = 3
SCENARIOS = 8
STEPS = 8


@pytest.fixture(scope="module")
def fuzzer(app: Flask) -> Fuzzer:
    return Fuzzer(app, prefix="fuzz")


@pytest.fixture(scope="module", autouse=True)
def country_profiles(app: Flask) -> Iterator[None]:
    svc: Services = app.extensions["silver"]
    before = svc.services.countries.all()
    yield
    restore_profiles(svc, before)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_each_role(fuzzer: Fuzzer, role: str) -> None:
    fuzzer.findings.clear()
    before = fuzzer.requests
    fuzzer.fuzz(role, fuzzer.operations(), max_examples=EXAMPLES, derandomize=True)
    assert fuzzer.requests - before >= len(fuzzer.operations()) * EXAMPLES
    assert not fuzzer.findings, "\n" + fuzzer.report()


@pytest.mark.parametrize("role", ROLES)
def test_stateful_scenarios_as_each_role(fuzzer: Fuzzer, role: str) -> None:
    fuzzer.findings.clear()
    before = fuzzer.requests
    fuzzer.stateful(role, max_examples=SCENARIOS, steps=STEPS, derandomize=True)
    assert fuzzer.requests - before >= SCENARIOS
    assert not fuzzer.findings, "\n" + fuzzer.report()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("screener", "/api/v1/screening/queue"),
        ("caseworker", "/api/v1/cases"),
        ("admin", "/api/v1/audit"),
        ("caseworker", "/api/v1/countries"),
    ],
)
def test_a_page_number_past_any_list_is_a_422(
    login: Login, client: FlaskClient, role: str, path: str
) -> None:
    """Found by bench/fuzz.py: a page number of 30 digits overflowed Neo4j's SKIP (a 500)."""
    agency = "FIOD" if role == "caseworker" else None
    response = client.get(f"{path}?page={10**30}", headers=login(role, agency))
    assert response.status_code == 422, response.json
    assert "page" in response.json["errors"]
    assert client.get(f"{path}?page=1000000", headers=login(role, agency)).status_code == 200
