"""Audit events in Neo4j, appended to one keyed chain (silver/domain/audit.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import neo4j

from silver.domain.audit import GENESIS, LEGACY, AuditChain, AuditEvent, StoredEvent


def _row(s: StoredEvent) -> dict[str, Any]:
    return {
        "seq": s.seq,
        "prev_hash": s.prev_hash,
        "hash": s.hash,
        "v": s.version,
        "action": s.event.action,
        "actor": s.event.actor,
        "at": s.event.at,
        "case_id": s.event.case_id,
        "reason": s.event.reason,
        "detail": json.dumps(dict(s.event.detail), sort_keys=True, default=str),
    }


def _stored(node: Any) -> StoredEvent:
    return StoredEvent(
        seq=node["seq"],
        prev_hash=node["prev_hash"],
        hash=node["hash"],
        version=node.get("v", LEGACY),
        event=AuditEvent(
            action=node["action"],
            actor=node["actor"],
            at=node["at"].to_native(),
            case_id=node.get("case_id"),
            reason=node.get("reason"),
            detail=json.loads(node.get("detail") or "{}"),
        ),
    )


class HeadHint:
    """The chain's head as this process last wrote it: a guess shared by the units of work
    of one process, so that an append is usually one statement instead of two (lock and read
    the head, then write). A wrong guess (another process appended since, or the transaction
    that wrote it rolled back) costs the second statement, never a wrong link: the guess is
    checked under the head's lock."""

    def __init__(self) -> None:
        self.head: tuple[int, str] | None = None


# Lock the head, then, if it is where the caller guessed, move it and write the events (linked
# by the caller to that head); either way return the head as it was under the lock.
APPEND = """
MERGE (h:AuditHead {id: 'main'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h._lock = true REMOVE h._lock
WITH h, h.seq AS seq, h.hash AS hash
CALL (h, seq, hash) {
    WITH h WHERE seq = $after AND hash = $prev
    SET h.seq = $seq, h.hash = $hash
    WITH h
    UNWIND $events AS e
    CREATE (x:AuditEvent)
    SET x = e
    RETURN count(x) AS written
}
RETURN seq, hash, written
"""


class AuditRepository:
    """Appends go to the chain in one go when the transaction commits: `append` only collects
    the event, and the unit of work calls `flush` as the last statement before its commit.

    Why last: the chain's head node is one global write lock. Taken at the first append, it
    would be held for the whole rest of the transaction (every query, every round trip), so
    concurrent writers would queue on it end to end; taken last, it is held for one round trip
    (two when `hint` was wrong) and the commit. The events of one transaction are linked in
    their order of `append` and written with one statement. `appended` then holds what this
    transaction wrote, for the witness after commit. `chain` is called on the first flush only
    (it may load the audit key).
    """

    def __init__(
        self,
        tx: neo4j.Transaction,
        chain: Callable[[], AuditChain],
        hint: HeadHint | None = None,
    ) -> None:
        self._tx = tx
        self._chain = chain
        self._hint = hint if hint is not None else HeadHint()
        self._pending: list[AuditEvent] = []
        self.appended: list[StoredEvent] = []

    def head(self) -> tuple[int, str] | None:
        record = self._tx.run(
            "MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash"
        ).single()
        return (int(record["seq"]), str(record["hash"])) if record else None

    def append(self, event: AuditEvent) -> None:
        """Add `event` to the chain when the transaction commits (see `flush`)."""
        self._pending.append(event)

    def flush(self) -> list[StoredEvent]:
        """Link the collected events to the chain and write them: the unit of work calls this
        right before its commit. Locks the head node (which orders concurrent appends) until
        the commit. The events are linked to the head this process last wrote (`HeadHint`);
        if the head has moved since, the statement writes nothing and returns the head as it
        is under the lock, and the events are linked to that and written (the lock is held
        by now, so the second statement cannot miss)."""
        events, self._pending = self._pending, []
        if not events:
            return []
        chain = self._chain()
        seq, prev = self._hint.head or (-1, "")
        for _attempt in range(2):
            stored = self._link(chain, seq, prev, events)
            record = self._tx.run(
                APPEND,
                genesis=GENESIS,
                after=seq,
                prev=prev,
                seq=stored[-1].seq,
                hash=stored[-1].hash,
                events=[_row(s) for s in stored],
            ).single()
            assert record is not None
            if record["written"]:
                self._hint.head = (stored[-1].seq, stored[-1].hash)
                self.appended.extend(stored)
                return stored
            seq, prev = int(record["seq"]), str(record["hash"])
        raise AssertionError("the audit head moved while this transaction held its lock")

    @staticmethod
    def _link(
        chain: AuditChain, seq: int, prev: str, events: list[AuditEvent]
    ) -> list[StoredEvent]:
        stored: list[StoredEvent] = []
        for event in events:
            seq += 1
            link = chain.link(seq, prev, event)
            stored.append(link)
            prev = link.hash
        return stored

    def page(self, case_id: str | None, skip: int, limit: int) -> tuple[list[StoredEvent], int]:
        where = "WHERE e.case_id = $case_id" if case_id else ""
        total = self._tx.run(
            f"MATCH (e:AuditEvent) {where} RETURN count(e) AS n",
            case_id=case_id,
        ).single()
        rows = self._tx.run(
            f"MATCH (e:AuditEvent) {where} RETURN e ORDER BY e.seq SKIP $skip LIMIT $limit",
            case_id=case_id,
            skip=skip,
            limit=limit,
        )
        return [_stored(r["e"]) for r in rows], int(total["n"]) if total else 0

    def iterate_all(self, batch: int = 5000) -> Iterator[StoredEvent]:
        after = 0
        while True:
            rows = list(
                self._tx.run(
                    "MATCH (e:AuditEvent) WHERE e.seq > $after RETURN e ORDER BY e.seq LIMIT $n",
                    after=after,
                    n=batch,
                )
            )
            if not rows:
                return
            for r in rows:
                yield _stored(r["e"])
            after = rows[-1]["e"]["seq"]
