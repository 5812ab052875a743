"""Audit events in Neo4j, appended to one keyed chain (silver/domain/audit.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import neo4j

from silver.domain.audit import GENESIS, LEGACY, AuditChain, AuditEvent, StoredEvent


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


class AuditRepository:
    """`appended` collects what this transaction appended, for the witness after commit.
    `chain` is called on the first append only (it may load the audit key)."""

    def __init__(self, tx: neo4j.Transaction, chain: Callable[[], AuditChain]) -> None:
        self._tx = tx
        self._chain = chain
        self.appended: list[StoredEvent] = []

    def head(self) -> tuple[int, str] | None:
        record = self._tx.run(
            "MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash"
        ).single()
        return (int(record["seq"]), str(record["hash"])) if record else None

    def append(self, event: AuditEvent) -> StoredEvent:
        """Append to the chain. The head node's write lock orders concurrent appends."""
        head = self._tx.run(
            """
            MERGE (h:AuditHead {id: 'main'})
            ON CREATE SET h.seq = 0, h.hash = $genesis
            SET h._lock = true REMOVE h._lock
            RETURN h.seq AS seq, h.hash AS hash
            """,
            genesis=GENESIS,
        ).single()
        assert head is not None
        seq = int(head["seq"]) + 1
        prev = str(head["hash"])
        stored = self._chain().link(seq, prev, event)
        self._tx.run(
            """
            MATCH (h:AuditHead {id: 'main'})
            CREATE (e:AuditEvent {seq: $seq, prev_hash: $prev, hash: $hash, v: $v,
                                  action: $action, actor: $actor, at: $at, case_id: $case_id,
                                  reason: $reason, detail: $detail})
            SET h.seq = $seq, h.hash = $hash
            """,
            seq=seq,
            prev=prev,
            hash=stored.hash,
            v=stored.version,
            action=event.action,
            actor=event.actor,
            at=event.at,
            case_id=event.case_id,
            reason=event.reason,
            detail=json.dumps(dict(event.detail), sort_keys=True, default=str),
        )
        self.appended.append(stored)
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
