"""CONTRACT.md, "Input that is not a valid request": what an attacker or a careless client
sends gets its 4xx problem document, never a 500, and nothing of it is stored; good input
(a European VIN) is not refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.services.case_store import load, open_case, reseal_body
from tests.integration.conftest import TEST_ENV, Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient, run_jobs
from tests.support.cases import case_body
from worker import jobs

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.data[:500])
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.json
    assert body["status"] == status
    return body


def errors_of(response: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = problem(response, 422)["errors"]
    return errors


# --- Authentication before parsing ---------------------------------------------------------------


def test_no_token_is_401_before_the_body_is_read(client: FlaskClient) -> None:
    assert problem(client.post("/api/v1/cases", json={}), 401)["title"] == "Unauthorized"
    deep = "[" * 50_000 + "]" * 50_000
    problem(client.post("/api/v1/cases", data=deep, headers=JSON), 401)
    problem(client.post("/api/v1/cases", data="title=x", content_type="text/plain"), 401)
    problem(client.patch("/api/v1/cases/whatever", json={"title": 5}), 401)
    problem(client.put("/api/v1/countries/ES/profile", json={"notes": {}}), 401)
    bad = {"Authorization": "Bearer not-a-token"}
    problem(client.post("/api/v1/cases", json={"title": {}}, headers=bad), 401)


def test_the_wrong_role_is_403_before_the_body_is_validated(
    client: FlaskClient, login: Login
) -> None:
    screener = login("screener")
    problem(client.post("/api/v1/cases", json={}, headers=screener), 403)
    problem(client.post("/api/v1/cases", data="[[[", headers={**screener, **JSON}), 403)
    caseworker = login("caseworker", "OM")
    problem(client.put("/api/v1/countries/ES/profile", json=[], headers=caseworker), 403)


def test_public_endpoints_need_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/signing-keys.jwks").status_code == 200
    # The token endpoint reads its body: an empty one is a validation error, not a 401.
    assert set(errors_of(client.post("/api/v1/auth/token", json={}))) == {"username", "password"}


# --- Bodies that are not JSON, or JSON beyond the limits -----------------------------------------


def test_a_body_that_is_not_json_is_415(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    body = json.dumps(case_body())
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = client.post(
            "/api/v1/cases", data=body, headers={**cw, "Content-Type": content_type}
        )
        assert "application/json" in problem(response, 415)["detail"]
    response = client.post("/api/v1/cases", data=body, headers=cw)  # no Content-Type at all
    problem(response, 415)
    # With the right type the same bytes make a case.
    assert client.post("/api/v1/cases", data=body, headers={**cw, **JSON}).status_code == 201


@pytest.mark.parametrize(
    "data",
    [
        "[" * 50_000 + "]" * 50_000,
        '{"title": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}",
        '{"title": "x", "subjects": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["arrays-50000", "objects-5000", "arrays-40"],
)
def test_deeply_nested_json_is_400(client: FlaskClient, login: Login, data: str) -> None:
    cw = login("caseworker", "FIOD")
    body = problem(client.post("/api/v1/cases", data=data, headers={**cw, **JSON}), 400)
    assert body["errors"] == {"_body": ["JSON nested deeper than 32 levels"]}
    # The public login endpoint, whose limits read the body first, too.
    problem(client.post("/api/v1/auth/token", data=data, headers=JSON), 400)


def test_malformed_and_oversized_json(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    body = problem(client.post("/api/v1/cases", data='{"title":', headers={**cw, **JSON}), 400)
    assert body["errors"]["_body"][0].startswith("invalid JSON")
    problem(client.post("/api/v1/cases", data=b'{"title": "\xff"}', headers={**cw, **JSON}), 400)
    huge_number = '{"title": "x", "max_penalty_years": ' + "9" * 5000 + "}"
    problem(client.post("/api/v1/cases", data=huge_number, headers={**cw, **JSON}), 400)
    big = json.dumps({"title": "x" * (1 << 20)})
    problem(client.post("/api/v1/cases", data=big, headers={**cw, **JSON}), 413)


# --- What a string may hold ----------------------------------------------------------------------


def raw(body: dict[str, Any], replace: dict[str, str]) -> str:
    """`body` as JSON text with placeholders swapped for raw JSON escapes (a lone surrogate
    cannot be written by Python's json.dumps)."""
    text = json.dumps(body)
    for placeholder, escape in replace.items():
        text = text.replace(placeholder, escape)
    return text


@pytest.mark.parametrize(
    ("path", "escape"),
    [
        ("title", "\\ud800"),
        ("title", "\\u0000"),
        ("title", "\\t"),
        ("title", "\\u001b"),
        ("title", "\\u0085"),
        ("subjects.0.full_name", "\\udfff"),
        ("subjects.0.full_name", "\\n"),
        ("subjects.0.identifiers.0.value", "\\u0000"),
        ("assets.1.name", "\\u0007"),
        ("legal_basis.reference", "\\r"),
        ("offence_summary", "\\u0000"),
        ("offence_summary", "\\ud83d"),
        ("subjects.0.key", "\\u0000"),
    ],
)
def test_control_characters_and_lone_surrogates_are_422_naming_the_field(
    svc: Services, client: FlaskClient, login: Login, path: str, escape: str
) -> None:
    cw = login("caseworker", "FIOD")
    body = case_body()
    node: Any = body
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = f"Ab@BAD@cd {node[last]}"
    text = raw(body, {"@BAD@": escape})
    response = client.post("/api/v1/cases", data=text, headers={**cw, **JSON})
    errors = errors_of(response)
    assert list(errors) == [path]
    assert "lone surrogate" in errors[path][0] or "control character" in errors[path][0]
    assert "at character 3" in errors[path][0]


def test_free_text_may_hold_tabs_and_line_breaks(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    body = case_body(offence_summary="Line one.\r\nLine two,\tindented.\n")
    body["subjects"][0]["remarks"] = "seen in\nMarbella"
    body["assets"][1]["description"] = "motor yacht\n\t(moored)"
    created = client.post("/api/v1/cases", json=body, headers=cw)
    assert created.status_code == 201, created.json
    assert created.json["offence_summary"] == "Line one.\r\nLine two,\tindented.\n"


def test_bad_text_in_other_bodies_queries_and_keys(client: FlaskClient, login: Login) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        data=raw({"title": "x@BAD@"}, {"@BAD@": "\\ud800"}),
        headers={**cw, **JSON, "If-Match": f'"{case["version"]}"'},
    )
    assert list(errors_of(response)) == ["title"]
    # A query string.
    assert list(errors_of(client.get("/api/v1/cases?status=draft%00", headers=cw))) == ["status"]
    # A field name.
    response = client.post(
        "/api/v1/cases", data=raw({"ti@BAD@tle": "x"}, {"@BAD@": "\\u0000"}), headers={**cw, **JSON}
    )
    assert list(errors_of(response)) == ["ti\\x00tle"]
    # A decision's justification is free text; its reason codes are not.
    response = client.post(
        f"/api/v1/cases/{case['id']}/decisions",
        json={"decision": "reject", "reason_codes": ["bad\n"], "justification": "a\nb\x00"},
        headers=screener,
    )
    assert set(errors_of(response)) <= {"reason_codes.0", "justification"}
    # A country profile's notes.
    response = client.put(
        "/api/v1/countries/ES/profile",
        json={"notes": "ok\nbut\x1b[31m red"},
        headers={**screener, "If-Match": '"1"'},
    )
    assert list(errors_of(response)) == ["notes"]
    # The FtM import: the case's fields and the entities' properties.
    response = client.post(
        "/api/v1/cases/import",
        json={
            "case": {"title": "Import\x00"},
            "entities": [{"id": "p1", "schema": "Person", "properties": {"name": ["A\x00"]}}],
        },
        headers=cw,
    )
    assert set(errors_of(response)) == {"case.title", "entities.0.properties.name.0"}


# --- Wrong JSON types anywhere -------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"relations": [{"to": {}}]},
        {"relations": [{"from": [], "to": {}, "relation": {}}]},
        {"holdings": [{"subject": {}, "asset": [], "relation": 1}]},
        {"title": {}},
        {"subjects": "s1"},
        {"subjects": [[]]},
        {"assets": [{"key": {}, "type": "vehicle", "vin": ["x"]}]},
        {"target_countries": [{"code": "ES"}]},
        {"legal_basis": []},
        {"max_penalty_years": {"years": 6}},
        {"contains_special_categories": []},
        {"crime_types": "fraud"},
    ],
)
def test_wrong_json_types_are_422_in_post_and_patch(
    client: FlaskClient, login: Login, change: dict[str, Any]
) -> None:
    cw = login("caseworker", "FIOD")
    errors_of(client.post("/api/v1/cases", json={**case_body(), **change}, headers=cw))
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        json=change,
        headers={**cw, "If-Match": f'"{case["version"]}"'},
    )
    errors_of(response)
    for body in ([], "a case", 7, None):
        response = client.post("/api/v1/cases", data=json.dumps(body), headers={**cw, **JSON})
        assert response.status_code in (400, 422), response.json


def test_wrong_json_types_in_other_bodies(client: FlaskClient, login: Login) -> None:
    screener = login("screener")
    case, cw, _ = approved_case(client, login)
    for body in (
        {"decision": {}},
        {"decision": "approve", "countries": [{}]},
        {"decision": "approve", "transfer_bases": []},
        {"decision": "reject", "reason_codes": "X"},
    ):
        response = client.post(f"/api/v1/cases/{case['id']}/decisions", json=body, headers=screener)
        assert response.status_code in (409, 422), response.json
        assert response.status_code != 409 or "decided" in response.json["detail"]
    for body in (
        {"country": {}, "result": "frozen", "reported_on": "2026-01-01"},
        {"country": "ES", "result": [], "reported_on": "2026-01-01"},
        {"country": "ES", "result": "frozen", "reported_on": "2026-01-01", "value": "1"},
        {"country": "ES", "result": "frozen", "reported_on": "2026-01-01", "new_asset": []},
    ):
        errors_of(client.post(f"/api/v1/cases/{case['id']}/outcomes", json=body, headers=cw))
    errors_of(client.post("/api/v1/auth/token", json={"username": {}, "password": []}))


# --- Good input that used to be refused ----------------------------------------------------------


def test_european_vins_without_check_digit_are_accepted(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "FIOD")
    body = case_body()
    body["assets"].append(
        {"key": "v1", "type": "vehicle", "vin": "wvwzzz1kzaw000001", "country": "ES"}
    )
    created = client.post("/api/v1/cases", json=body, headers=cw)
    assert created.status_code == 201, created.json
    assert created.json["assets"][-1]["vin"] == "WVWZZZ1KZAW000001"
    # A North American VIN must still carry its check digit.
    body = case_body()
    body["assets"].append({"key": "v1", "type": "vehicle", "vin": "1M8GDM9A1KP042788"})
    errors = errors_of(client.post("/api/v1/cases", json=body, headers=cw))
    assert errors == {"assets.2.vin": ["VIN check digit (the 9th character) does not match"]}


# --- A notice that cannot be built ends failed ---------------------------------------------------


def test_a_notice_that_cannot_be_encoded_fails_with_its_reason_and_never_loops(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    monkeypatch.setenv("SILVER_RETRY_INTERVALS", TEST_ENV["SILVER_RETRY_INTERVALS"])
    case, cw, _ = approved_case(client, login, countries=["ES"])
    # Data an older version let in: a lone surrogate in the vessel's name, which travels to
    # Spain and cannot be encoded as UTF-8.
    with svc.uow() as uow:
        row = load(uow, case["id"], for_update=True)
        body = open_case(row, svc.keys).body
        body["assets"][1]["name"] = "Blue \ud800 Fox"
        assert uow.cases.save(
            case["id"], int(row["version"]), {"body": reseal_body(row, svc.keys, body)}
        )
        uow.commit()

    run_jobs(svc)  # the first attempt and rq's retries (no back-off in the tests)

    row = rows_by_recipient(client, case["id"], cw)["ES"]
    assert row["status"] == "failed"
    assert row["attempts"] == len(svc.settings.retry_intervals) + 1
    assert "UnicodeEncodeError" in row["last_error"] and "gave up after" in row["last_error"]
    # The housekeeping does not pick it up again: a screener's retry is the way back.
    jobs.mark_overdue(reschedule=False)
    run_jobs(svc)
    assert rows_by_recipient(client, case["id"], cw)["ES"] == row
