"""The answers to chase, against the real graph: overdue and due soon, by country and by case,
for the caseworker's agency or for every agency (a screener); the API and the page."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from tests.integration import test_dissemination, test_web
from tests.integration.conftest import Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient, run_jobs
from tests.integration.test_web import WebLogin

transport = test_dissemination.transport
web = test_web.web


def _due_in(svc: Services, case_id: str, recipient: str, delta: timedelta) -> None:
    with svc.uow() as uow:
        uow._tx.run(  # type: ignore[attr-defined]
            """
            MATCH (:Case {id: $id})-[:DISSEMINATED_AS]->(n:Notice {recipient: $recipient})
            SET n.due_by = $due
            """,
            id=case_id,
            recipient=recipient,
            due=datetime.now(UTC) + delta,
        )
        uow.commit()


def _cases(svc: Services, client: FlaskClient, login: Login) -> tuple[Any, Any, Any]:
    """A POLITIE case sent to ES (overdue) and BE (due in 3 days), and another due in 20."""
    case, cw, screener = approved_case(client, login, agency="POLITIE", countries=["ES", "BE"])
    later, _, _ = approved_case(client, login, agency="POLITIE", countries=["PT"])
    run_jobs(svc)
    _due_in(svc, case["id"], "ES", -timedelta(days=2))
    _due_in(svc, case["id"], "BE", timedelta(days=3, hours=1))
    _due_in(svc, later["id"], "PT", timedelta(days=20, hours=1))
    return case, later, (cw, screener)


def test_the_api_lists_overdue_and_due_soon_by_country_and_case(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, later, (cw, screener) = _cases(svc, client, login)
    due = client.get("/api/v1/disseminations/due", headers=cw)
    assert due.status_code == 200, due.json
    doc = due.json
    assert doc["within_days"] == 7
    mine = {i["recipient"]: i for i in doc["items"] if i["case_id"] == case["id"]}
    assert set(mine) == {"ES", "BE"}
    assert mine["ES"]["overdue"] is True and mine["ES"]["due_soon"] is False
    assert mine["BE"]["overdue"] is False and mine["BE"]["due_soon"] is True
    assert mine["BE"]["days_left"] == 3
    assert mine["ES"]["case_number"] == case["number"] and mine["ES"]["agency"] == "POLITIE"
    assert mine["ES"]["countries"] == ["ES"]
    assert later["id"] not in {i["case_id"] for i in doc["items"]}
    [row] = [c for c in doc["by_case"] if c["case_id"] == case["id"]]
    assert (row["overdue"], row["due_soon"]) == (1, 1)
    # The counts add up to the list they summarise.
    for state in ("overdue", "due_soon"):
        assert doc[state] == sum(1 for i in doc["items"] if i[state])
        per_country = Counter(c for i in doc["items"] if i[state] for c in i["countries"])
        assert {c["country"]: c[state] for c in doc["by_country"] if c[state]} == per_country
    dues = [i["due_by"] for i in doc["items"]]
    assert dues == sorted(dues)
    # Over a longer window the later case is due too.
    wider = client.get("/api/v1/disseminations/due?within_days=30", headers=cw).json
    assert later["id"] in {i["case_id"] for i in wider["items"]}
    # Another agency sees none of it; a screener sees every agency; an evaluator nothing.
    other = client.get("/api/v1/disseminations/due", headers=login("caseworker", "OM")).json
    assert case["id"] not in {i["case_id"] for i in other["items"]}
    everyone = client.get("/api/v1/disseminations/due", headers=screener).json
    assert case["id"] in {i["case_id"] for i in everyone["items"]}
    assert client.get("/api/v1/disseminations/due", headers=login("evaluator")).status_code == 403
    bad = client.get("/api/v1/disseminations/due?within_days=-1", headers=cw)
    assert bad.status_code == 422 and "within_days" in bad.json["errors"]
    # An answer takes the recipient off the list.
    answer = {
        "country": "ES",
        "result": "no_information",
        "reported_on": str(datetime.now(UTC).date()),
    }
    assert (
        client.post(f"/api/v1/cases/{case['id']}/outcomes", json=answer, headers=cw).status_code
        == 201
    )
    assert rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "acknowledged"
    after = client.get("/api/v1/disseminations/due", headers=cw).json
    assert {i["recipient"] for i in after["items"] if i["case_id"] == case["id"]} == {"BE"}


def test_the_answers_page_is_linked_from_the_landing_page(
    svc: Services, client: FlaskClient, login: Login, web: WebLogin, transport: Any
) -> None:
    transport("outbox")
    case, _, _ = _cases(svc, client, login)
    caseworker = web("caseworker", "POLITIE")
    landing = caseworker.get("/cases").get_data(as_text=True)
    assert 'href="/answers"' in landing
    page = caseworker.get("/answers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert case["number"] in html and f'href="/cases/{case["id"]}"' in html
    assert 'id="answers-by-country"' in html and 'id="answers-by-case"' in html
    screener = web("screener")
    assert 'href="/answers"' in screener.get("/screening").get_data(as_text=True)
    assert case["number"] in screener.get("/answers?within_days=1").get_data(as_text=True)
    assert web("evaluator").get("/answers").status_code == 403
