"""Closing a case and erasing its personal data when its retention ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.domain.errors import Conflict
from silver.infra.transport import OutboxTransport
from silver.services import retention
from silver.services.case_store import utcnow
from tests.integration.conftest import Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient, run_jobs
from tests.support.cases import case_body

NOW_POLICY = retention.RetentionPolicy(days=0, pilot_end=date(2099, 12, 31))


def _case_props(svc: Services, case_id: str) -> dict[str, object]:
    records, _, _ = svc.driver.execute_query(
        """
        MATCH (c:Case {id: $id})
        OPTIONAL MATCH (c)-[:HAS_SUBJECT|HAS_ASSET]->(n)
        OPTIONAL MATCH (c)-[:HAS_DECISION]->(d)
        OPTIONAL MATCH (c)-[:DISSEMINATED_AS]->(m)
        OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(o)
        RETURN properties(c) AS c, count(DISTINCT n) AS nodes,
               collect(DISTINCT d.justification) AS justifications,
               collect(DISTINCT m.message) AS messages, collect(DISTINCT o.notes) AS notes,
               count(DISTINCT d) AS decisions, count(DISTINCT o) AS outcomes
        """,
        id=case_id,
        database_=svc.settings.neo4j_database,
    )
    return dict(records[0])


def test_a_closed_case_is_erased_but_its_statistics_stay(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    case, cw, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    answer = {
        "country": "ES",
        "result": "asset_located",
        "asset": "a2",
        "reported_on": str(date.today()),
        "notes": "Found in Marbella.",
    }
    assert (
        client.post(f"/api/v1/cases/{case['id']}/outcomes", json=answer, headers=cw).status_code
        == 201
    )
    twin = client.post("/api/v1/cases", json=case_body(assets=case["assets"]), headers=cw).json

    with pytest.raises(Conflict, match="not due"):
        retention.purge_case(
            case["id"],
            svc.uow(),
            NOW_POLICY,
            utcnow(),
            outbox=OutboxTransport(svc.settings.outbox_dir),
        )
    closed = client.post(f"/api/v1/cases/{case['id']}/close", headers=cw)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert client.post(f"/api/v1/cases/{case['id']}/close", headers=cw).status_code == 409
    assert client.get(f"/api/v1/cases/{twin['id']}/links", headers=cw).json, "linked before"

    due = retention.due_cases(svc.uow(), NOW_POLICY, utcnow() + timedelta(seconds=1))
    assert case["id"] in {d["id"] for d in due}
    [message_id] = [r["message_id"] for r in rows_by_recipient(client, case["id"], cw).values()]
    sent_file = svc.settings.outbox_dir / f"{message_id}.json"
    assert sent_file.exists() and sent_file.with_suffix(".sig").exists()
    number = retention.purge_case(
        case["id"],
        svc.uow(),
        NOW_POLICY,
        utcnow() + timedelta(seconds=1),
        outbox=OutboxTransport(svc.settings.outbox_dir),
    )
    assert number == case["number"]

    assert client.get(f"/api/v1/cases/{case['id']}", headers=cw).status_code == 404
    assert client.get(f"/api/v1/cases/{twin['id']}/links", headers=cw).json == []
    props = _case_props(svc, case["id"])
    stored = props["c"]
    assert isinstance(stored, dict)
    for gone in ("body", "wrapped_key", "history", "screening"):
        assert gone not in stored
    assert stored["status"] == "closed" and stored["crime_types"] == case["crime_types"]
    assert stored["purged_at"] is not None
    assert props["nodes"] == 0
    assert props["justifications"] == [] and props["messages"] == [] and props["notes"] == []
    assert props["decisions"] == 1 and props["outcomes"] == 1, "statistics keep their events"
    assert stored["screening_verdict"] in ("clear", "needs_review"), "no personal data: it stays"
    assert not sent_file.exists() and not sent_file.with_suffix(".sig").exists()
    verify = client.application.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_only_disseminated_or_rejected_cases_close(client: FlaskClient, login: Login) -> None:
    cw = login("caseworker", "OM")
    draft = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    refused = client.post(f"/api/v1/cases/{draft['id']}/close", headers=cw)
    assert refused.status_code == 409
    other = login("caseworker", "FIOD")
    assert client.post(f"/api/v1/cases/{draft['id']}/close", headers=other).status_code == 404
