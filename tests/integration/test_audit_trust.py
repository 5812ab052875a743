"""The audit trail can be trusted: rewriting an event or cutting off the last ones is caught by
`audit verify`, and refusals (failed logins, 403s, invalid tokens) are in it.

The tamper tests change the real (shared) chain and put it back exactly as it was, whatever
happens; nothing else appends meanwhile, as the suite runs one test at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from graph.repositories.audit import HeadHint
from graph.uow import Neo4jUnitOfWork
from silver.bootstrap import Silver as Services
from silver.domain.audit import AuditEvent


def _query(svc: Services, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = svc.driver.execute_query(cypher, params, database_=svc.settings.neo4j_database)
    return [dict(r) for r in records]


def _verify(client: FlaskClient) -> tuple[int, str]:
    result = client.application.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def _last_event(svc: Services) -> dict[str, Any]:
    [row] = _query(
        svc, "MATCH (e:AuditEvent) RETURN properties(e) AS e ORDER BY e.seq DESC LIMIT 1"
    )
    event: dict[str, Any] = row["e"]
    return event


@contextmanager
def _last_event_deleted(svc: Services) -> Iterator[int]:
    """Delete the last event and set the head node back to the one before: the graph alone
    then looks like an intact, shorter chain."""
    last = _last_event(svc)
    [before] = _query(
        svc, "MATCH (e:AuditEvent {seq: $seq}) RETURN e.hash AS hash", seq=last["seq"] - 1
    )
    _query(
        svc,
        """
        MATCH (e:AuditEvent {seq: $seq}) DELETE e
        WITH 1 AS one MATCH (h:AuditHead {id: 'main'}) SET h.seq = $seq - 1, h.hash = $prev
        """,
        seq=last["seq"],
        prev=before["hash"],
    )
    try:
        yield int(last["seq"])
    finally:
        _query(
            svc,
            """
            CREATE (e:AuditEvent) SET e = $props
            WITH e MATCH (h:AuditHead {id: 'main'}) SET h.seq = e.seq, h.hash = e.hash
            """,
            props=last,
        )


def test_deleting_the_last_event_is_caught_and_named(
    svc: Services, client: FlaskClient, unique: str
) -> None:
    client.post("/api/v1/auth/token", json={"username": f"nobody-{unique}", "password": "x"})
    assert _last_event(svc)["actor"] == f"nobody-{unique}", "a failed login is audited"
    code, output = _verify(client)
    assert code == 0, output

    with _last_event_deleted(svc) as seq:
        code, output = _verify(client)
        assert code == 1
        assert f"event {seq} missing" in output
        assert str(svc.settings.audit_dir / "head") in output
    code, output = _verify(client)
    assert code == 0, output


def test_editing_an_event_in_the_middle_is_caught_and_named(
    svc: Services, client: FlaskClient, unique: str
) -> None:
    for n in range(3):
        client.post(
            "/api/v1/auth/token", json={"username": f"nobody-{n}-{unique}", "password": "x"}
        )
    middle = int(_last_event(svc)["seq"]) - 1
    [row] = _query(svc, "MATCH (e:AuditEvent {seq: $seq}) RETURN e.actor AS actor", seq=middle)
    _query(svc, "MATCH (e:AuditEvent {seq: $seq}) SET e.actor = 'mallory'", seq=middle)
    try:
        code, output = _verify(client)
        assert code == 1
        assert f"event {middle}: content does not match its MAC" in output
        assert f"event {middle + 1}" not in output, "only the changed event is named"
    finally:
        _query(svc, "MATCH (e:AuditEvent {seq: $seq}) SET e.actor = $actor", seq=middle, **row)
    code, output = _verify(client)
    assert code == 0, output


def test_processes_that_each_guess_the_head_still_write_one_unbroken_chain(
    client: FlaskClient, svc: Services
) -> None:
    """Each process links its events to the head it last wrote (HeadHint); with several
    processes appending in turn every guess after the other's append is wrong, and each must
    be caught under the head's lock and the events linked to the real head."""
    hints = [HeadHint(), HeadHint(), HeadHint()]
    start = _last_event(svc)["seq"]
    for round_ in range(4):
        for n, hint in enumerate(hints):
            uow = Neo4jUnitOfWork(
                svc.driver, svc.settings.neo4j_database, svc.audit_chain, None, hint
            )
            with uow:
                for k in range(2):
                    uow.audit.append(
                        AuditEvent(
                            "probe.append",
                            f"process-{n}",
                            datetime.now(UTC),
                            None,
                            reason=f"round {round_} event {k}",
                        )
                    )
                uow.commit()
    rows = _query(
        svc,
        "MATCH (e:AuditEvent) WHERE e.seq > $start "
        "RETURN e.seq AS seq, e.hash AS hash, e.actor AS actor ORDER BY e.seq",
        start=start,
    )
    assert [r["seq"] for r in rows] == list(range(start + 1, start + 25))
    # In the order they were appended: two events of process 0, two of 1, two of 2, ...
    assert [r["actor"] for r in rows] == [f"process-{(i // 2) % 3}" for i in range(24)]
    assert [h.head for h in hints] == [(r["seq"], r["hash"]) for r in rows[-5::2]]
    code, output = _verify(client)
    assert code == 0, output
