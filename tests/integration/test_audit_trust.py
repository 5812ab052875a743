"""The audit trail can be trusted: rewriting an event or cutting off the last ones is caught by
`audit verify`, and refusals (failed logins, 403s, invalid tokens) are in it.

The tamper tests change the real (shared) chain and put it back exactly as it was, whatever
happens; nothing else appends meanwhile, as the suite runs one test at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services


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
