"""Concurrent intake: the case number and the audit chain's head are taken at the end of each
transaction (not at its start), and that must still give unique, gap-free numbers and one
intact, witnessed chain."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from silver.bootstrap import Silver as Services
from silver.domain.cases import case_number_prefix
from silver.domain.errors import Contention
from silver.services import intake
from silver.services.retry import on_contention
from tests.integration.conftest import Login
from tests.support.cases import case_body, nl_iban


def _query(svc: Services, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = svc.driver.execute_query(cypher, params, database_=svc.settings.neo4j_database)
    return [dict(r) for r in records]


def test_concurrent_creates_get_gap_free_numbers_and_a_verifiable_chain(
    app: Flask, login: Login, svc: Services
) -> None:
    cw = login("caseworker", "FIOD")
    shared_iban = nl_iban()  # every other case holds the same account: shared Identifier nodes
    bodies = []
    for i in range(40):
        body = case_body(target_countries=["ES", "BE", "FR"][: 1 + i % 3])
        if i % 2:
            body["assets"][0]["iban"] = shared_iban
        bodies.append(body)
    year = datetime.now(UTC).year

    def create(body: dict[str, Any]) -> tuple[str, str]:
        response = app.test_client().post("/api/v1/cases", json=body, headers=cw)
        assert response.status_code == 201, response.json
        return str(response.json["id"]), str(response.json["number"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(pool.map(create, bodies))

    # Unique and without gaps: the 40 numbers are 40 consecutive ones of this year, and the
    # year's counter stands at the last of them.
    prefix = case_number_prefix(year)
    assert all(number.startswith(prefix) for _, number in created)
    sequences = sorted(int(number.removeprefix(prefix)) for _, number in created)
    assert sequences == list(range(sequences[0], sequences[0] + 40))
    [counter] = _query(svc, "MATCH (k:CaseCounter {year: $year}) RETURN k.n AS n", year=year)
    assert counter["n"] == sequences[-1]

    # Each case is stored under the number it was given, with its whole projection.
    rows = _query(
        svc,
        """
        UNWIND $ids AS id
        MATCH (c:Case {id: id})
        RETURN c.id AS id, c.number AS number,
               COUNT { (c)-[:HAS_SUBJECT|HAS_ASSET]->() } AS nodes,
               COUNT { (c)-[:TARGETS]->(:Country) } AS targets
        """,
        ids=[case_id for case_id, _ in created],
    )
    stored = {r["id"]: r for r in rows}
    for i, (case_id, number) in enumerate(created):
        assert stored[case_id]["number"] == number
        assert stored[case_id]["nodes"] == 4
        assert stored[case_id]["targets"] == 1 + i % 3
    [account] = _query(
        svc,
        """
        MATCH (c:Case)-[:HAS_ASSET]->(:Asset)-[:HAS_IDENTIFIER]->(i:Identifier {kind: 'iban'})
        WHERE c.id IN $ids
        WITH i, count(DISTINCT c) AS cases WHERE cases > 1
        RETURN cases
        """,
        ids=[case_id for case_id, _ in created],
    )
    assert account["cases"] == 20

    # One creation event per case, naming its number, in one chain that verifies (links, MACs,
    # head node and witness file).
    events = _query(
        svc,
        """
        MATCH (e:AuditEvent {action: 'case.create'}) WHERE e.case_id IN $ids
        RETURN e.case_id AS id, e.detail AS detail
        """,
        ids=[case_id for case_id, _ in created],
    )
    numbers = dict(created)
    assert len(events) == 40
    assert all(f'"number": "{numbers[e["id"]]}"' in e["detail"] for e in events)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_a_deadlock_is_contention_and_trying_again_succeeds(svc: Services, login: Login) -> None:
    """Two transactions locking two cases in opposite orders: Neo4j fails one of them, the unit
    of work turns that into Contention (nothing stored), and the work run again succeeds."""
    cw = login("caseworker", "FIOD")
    user = svc.services.users.authenticate(cw["Authorization"].removeprefix("Bearer "))
    first, second = (
        intake.create_case(case_body(), user, svc.uow(), svc.keys).id for _ in range(2)
    )
    both_locked_one = threading.Barrier(2, timeout=30)

    def lock_in_order(a: str, b: str) -> str:
        with svc.uow() as uow:
            uow.cases.get(a, for_update=True)
            both_locked_one.wait()
            uow.cases.get(b, for_update=True)
            uow.commit()
        return "committed"

    def attempt(a: str, b: str) -> str:
        try:
            return lock_in_order(a, b)
        except Contention:
            return "contention"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, (first, second), (second, first)))
    assert outcomes == ["committed", "contention"]
    both_locked_one = threading.Barrier(1)
    assert on_contention(lambda: lock_in_order(second, first)) == "committed"
