from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from silver.domain.audit import GENESIS, AuditEvent, StoredEvent, event_hash, verify_chain


def _chain(n: int) -> list[StoredEvent]:
    out: list[StoredEvent] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        event = AuditEvent("case.read", f"user{seq}", datetime(2026, 1, seq, tzinfo=UTC), "c1")
        digest = event_hash(seq, prev, event)
        out.append(StoredEvent(seq, prev, digest, event))
        prev = digest
    return out


def test_an_intact_chain_verifies() -> None:
    report = verify_chain(_chain(5))
    assert report.ok and report.checked == 5


def test_a_changed_event_breaks_the_chain() -> None:
    events = _chain(5)
    tampered = dataclasses.replace(events[2].event, actor="mallory")
    events[2] = dataclasses.replace(events[2], event=tampered)
    report = verify_chain(events)
    assert not report.ok and any("event 3" in p for p in report.problems)


def test_a_removed_event_breaks_the_chain() -> None:
    events = _chain(5)
    del events[1]
    assert not verify_chain(events).ok
