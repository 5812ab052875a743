"""Screeners' decisions over HTTP against the real Neo4j: approve, reject, return, four eyes,
the refusals the API names, immutability, and the race for the last quota slot."""

from __future__ import annotations

import os
import threading
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from tests.integration.conftest import Login
from tests.support.cases import case_body
from wsgi import create_app

THIRD_PARTY = {
    "key": "t1",
    "kind": "person",
    "role": "third_party",
    "justification": "The suspect's partner holds the account on paper.",
    "full_name": "Petra Derde",
    "aliases": [],
    "date_of_birth": "1975-02-03",
    "nationalities": ["NL"],
    "residence_country": "NL",
    "refugee_status": None,
    "identifiers": [],
    "remarks": None,
}


def submitted_case(client: FlaskClient, cw: dict[str, str], **overrides: Any) -> dict[str, Any]:
    created = client.post("/api/v1/cases", json=case_body(**overrides), headers=cw)
    assert created.status_code == 201, created.json
    submitted = client.post(f"/api/v1/cases/{created.json['id']}/submit", headers=cw)
    assert submitted.status_code == 200, submitted.json
    return dict(submitted.json)


def decide(client: FlaskClient, case_id: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{case_id}/decisions", json=body, headers=headers)


def whole_queue(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every page of the queue (the shared database may hold many cases)."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(f"/api/v1/screening/queue?page={page}&page_size=200", headers=headers)
        assert response.status_code == 200, response.json
        rows += response.json
        if len(rows) >= int(response.headers["X-Total-Count"]) or not response.json:
            return rows
        page += 1


def status_of(client: FlaskClient, case_id: str, headers: dict[str, str]) -> str:
    return str(client.get(f"/api/v1/cases/{case_id}", headers=headers).json["status"])


def test_a_clear_diffusion_to_eu_countries_is_approved_and_kept(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = submitted_case(client, cw)
    response = decide(
        client,
        case["id"],
        screener,
        decision="approve",
        instrument="diffusion",
        countries=["es", "BE"],
        justification="Proportionate: assets in Spain and Belgium.",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["case_status"] == "approved"
    assert body["stage"] == "single"
    assert body["recipients"] == ["BE", "ES"]
    assert body["transfer_bases"] == {"BE": "eu_member", "ES": "eu_member"}
    assert body["four_eyes"] == {"required": False, "reasons": []}
    assert status_of(client, case["id"], cw) == "approved"
    listed = client.get(f"/api/v1/cases/{case['id']}/decisions", headers=cw)
    assert listed.status_code == 200
    [kept] = listed.json
    assert kept["by"] == screener["X-Test-User"]
    assert kept["justification"] == "Proportionate: assets in Spain and Belgium."
    # Decisions cannot be changed: there is no route to do it, and a new decision is refused.
    assert (
        client.patch(f"/api/v1/cases/{case['id']}/decisions", headers=screener).status_code == 405
    )
    again = decide(
        client,
        case["id"],
        screener,
        decision="reject",
        reason_codes=["OTHER"],
        justification="changed my mind",
    )
    assert again.status_code == 409


def test_four_eyes_need_a_second_different_screener(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "OM")
    first, second = login("screener"), login("screener")
    case = submitted_case(
        client, cw, subjects=[*case_body()["subjects"], THIRD_PARTY], target_countries=["ES"]
    )
    unacknowledged = decide(
        client, case["id"], first, decision="approve", instrument="diffusion", countries=["ES"]
    )
    assert unacknowledged.status_code == 409
    assert "GDPR.THIRD_PARTY" in unacknowledged.json["detail"]

    response = decide(
        client,
        case["id"],
        first,
        decision="approve",
        instrument="diffusion",
        countries=["ES"],
        acknowledged_rules=["GDPR.THIRD_PARTY"],
    )
    assert response.status_code == 201, response.json
    assert response.json["case_status"] == "awaiting_second_approval"
    assert response.json["four_eyes"]["required"] is True

    queue = whole_queue(client, second)
    [row] = [r for r in queue if r["id"] == case["id"]]
    assert row["status"] == "awaiting_second_approval"
    assert row["first_approval_by"] == first["X-Test-User"]

    same = decide(client, case["id"], first, decision="approve")
    assert same.status_code == 409
    assert "different screener" in same.json["detail"]
    assert decide(client, case["id"], cw, decision="approve").status_code == 403

    confirmed = decide(client, case["id"], second, decision="approve")
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["case_status"] == "approved"
    assert confirmed.json["stage"] == "second"
    assert confirmed.json["countries"] == ["ES"]
    history = client.get(f"/api/v1/cases/{case['id']}/decisions", headers=second).json
    assert [(d["stage"], d["by"]) for d in history] == [
        ("first", first["X-Test-User"]),
        ("second", second["X-Test-User"]),
    ]


def test_a_high_risk_country_needs_a_confirmed_basis_and_four_eyes(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "POLITIE"), login("screener")
    case = submitted_case(client, cw, target_countries=["BR"])
    missing = decide(
        client, case["id"], screener, decision="approve", instrument="diffusion", countries=["BR"]
    )
    assert missing.status_code == 422
    assert "transfer_bases.BR" in missing.json["errors"]
    ok = decide(
        client,
        case["id"],
        screener,
        decision="approve",
        instrument="diffusion",
        countries=["BR"],
        transfer_bases={"BR": "appropriate_safeguards"},
    )
    assert ok.status_code == 201, ok.json
    assert ok.json["case_status"] == "awaiting_second_approval"
    assert "BR is a high-risk country" in ok.json["four_eyes"]["reasons"][0]


def test_prohibited_and_non_participant_countries_are_refused_with_the_reason(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    subjects = case_body()["subjects"]
    subjects[0]["refugee_status"] = {"country_of_origin": "RU"}
    case = submitted_case(client, cw, subjects=subjects, target_countries=["ES", "CH"])
    response = decide(
        client,
        case["id"],
        screener,
        decision="approve",
        instrument="diffusion",
        countries=["RU", "CH", "ES"],
    )
    assert response.status_code == 422
    messages = response.json["errors"]["countries"]
    assert any(m.startswith("RU: prohibited") and "MISUSE.REFUGEE" in m for m in messages)
    assert "CH: not a participant of the pilot (MISUSE.NOT_PARTICIPANT)" in messages
    notice = decide(client, case["id"], screener, decision="approve", instrument="notice")
    assert notice.status_code == 422
    assert "RU (MISUSE.REFUGEE" in notice.json["errors"]["instrument"][0]
    assert status_of(client, case["id"], screener) == "submitted"


def test_a_block_refuses_approval_and_a_return_sends_it_back_for_a_new_screening(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "OM"), login("screener")
    case = submitted_case(client, cw, max_penalty_years=2)
    refused = decide(
        client, case["id"], screener, decision="approve", instrument="diffusion", countries=["ES"]
    )
    assert refused.status_code == 409
    assert "CASE.PENALTY_THRESHOLD" in refused.json["detail"]

    incomplete = decide(client, case["id"], screener, decision="return")
    assert incomplete.status_code == 422
    assert set(incomplete.json["errors"]) == {"reason_codes", "justification"}
    bad_code = decide(
        client, case["id"], screener, decision="return", reason_codes=["NOPE"], justification="x"
    )
    assert bad_code.status_code == 422
    assert "reason_codes.0" in bad_code.json["errors"]

    returned = decide(
        client,
        case["id"],
        screener,
        decision="return",
        reason_codes=["PENALTY_THRESHOLD"],
        justification="Check the maximum penalty: 2 years is below the threshold.",
    )
    assert returned.status_code == 201
    assert returned.json["case_status"] == "returned"

    # The caseworker sees why, corrects the case and resubmits: it is screened again.
    decisions = client.get(f"/api/v1/cases/{case['id']}/decisions", headers=cw).json
    assert decisions[-1]["reason_codes"] == ["PENALTY_THRESHOLD"]
    findings = client.get(f"/api/v1/cases/{case['id']}/screening", headers=cw).json["findings"]
    assert "CASE.PENALTY_THRESHOLD" in {f["rule"] for f in findings}
    current = client.get(f"/api/v1/cases/{case['id']}", headers=cw)
    patched = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"max_penalty_years": 8},
        headers={**cw, "If-Match": current.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.json
    resubmitted = client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw)
    assert resubmitted.status_code == 200
    screening = client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json
    assert screening["case_version"] == resubmitted.json["version"]
    assert "CASE.PENALTY_THRESHOLD" not in {f["rule"] for f in screening["findings"]}
    approved = decide(
        client, case["id"], screener, decision="approve", instrument="diffusion", countries=["ES"]
    )
    assert approved.status_code == 201, approved.json


def test_a_rejection_is_final_and_needs_a_reason(client: FlaskClient, login: Login) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = submitted_case(client, cw)
    rejected = decide(
        client,
        case["id"],
        screener,
        decision="reject",
        reason_codes=["NOT_PROPORTIONATE", "MISUSE_RISK"],
        justification="The assets are too small for an international request.",
    )
    assert rejected.status_code == 201
    assert status_of(client, case["id"], cw) == "rejected"
    assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 409


def test_only_screeners_decide_and_see_the_queue(client: FlaskClient, login: Login) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = submitted_case(client, cw, urgency="urgent")
    for role in ("caseworker", "evaluator", "admin"):
        headers = cw if role == "caseworker" else login(role)
        assert client.get("/api/v1/screening/queue", headers=headers).status_code == 403
        assert decide(client, case["id"], headers, decision="approve").status_code == 403
    other_agency = login("caseworker", "OM")
    assert (
        client.get(f"/api/v1/cases/{case['id']}/decisions", headers=other_agency).status_code == 404
    )
    unknown = decide(client, case["id"], screener, decision="approve", bogus=1)
    assert unknown.status_code == 422
    assert "bogus" in unknown.json["errors"]


def test_the_queue_puts_urgent_cases_first_then_the_oldest(
    client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "POLITIE"), login("screener")
    normal_old = submitted_case(client, cw)
    urgent_new = submitted_case(client, cw, urgency="urgent")
    normal_new = submitted_case(client, cw)
    queue = whole_queue(client, screener)
    ids = [r["id"] for r in queue]
    assert ids.index(urgent_new["id"]) < ids.index(normal_old["id"]) < ids.index(normal_new["id"])
    urgent = [r for r in queue if r["urgency"] == "urgent"]
    assert queue[: len(urgent)] == urgent
    row = next(r for r in queue if r["id"] == normal_old["id"])
    assert row["verdict"] in ("needs_review", "clear")
    assert "title" not in row
    first_page = client.get("/api/v1/screening/queue?page_size=2", headers=screener)
    assert len(first_page.json) == 2 and first_page.json == queue[:2]
    assert int(first_page.headers["X-Total-Count"]) == len(queue)


def test_two_screeners_racing_for_the_last_quota_slot_cannot_both_win(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    cw = login("caseworker", "FIOD")
    one, two = submitted_case(client, cw), submitted_case(client, cw)
    with svc.uow() as uow:
        used = uow.cases.quota_used()
    tight: Flask = create_app({**os.environ, "SILVER_QUOTA": str(used + 1)})
    try:
        screeners = [login("screener"), login("screener")]
        barrier = threading.Barrier(2)
        results: dict[str, Any] = {}

        def approve(case_id: str, headers: dict[str, str]) -> None:
            racer = tight.test_client()
            barrier.wait()
            results[case_id] = decide(
                racer,
                case_id,
                headers,
                decision="approve",
                instrument="diffusion",
                countries=["ES"],
            )

        threads = [
            threading.Thread(target=approve, args=(case["id"], headers))
            for case, headers in zip((one, two), screeners, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        tight.extensions["silver"].close()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [201, 409], [r.json for r in results.values()]
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "INTERPOL.QUOTA" in loser.json["detail"]
    statuses = sorted(status_of(client, c["id"], cw) for c in (one, two))
    assert statuses == ["approved", "submitted"]
    with svc.uow() as uow:
        assert uow.cases.quota_used() == used + 1
