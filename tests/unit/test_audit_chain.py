from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from silver.domain.audit import (
    GENESIS,
    LEGACY,
    AuditChain,
    AuditEvent,
    StoredEvent,
    event_hash,
)

CHAIN = AuditChain(b"k" * 32)


def _event(seq: int) -> AuditEvent:
    return AuditEvent("case.read", f"user{seq}", datetime(2026, 1, seq, tzinfo=UTC), "c1")


def _chain(n: int, chain: AuditChain = CHAIN) -> list[StoredEvent]:
    out: list[StoredEvent] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        stored = chain.link(seq, prev, _event(seq))
        out.append(stored)
        prev = stored.hash
    return out


def _legacy(n: int) -> list[StoredEvent]:
    out: list[StoredEvent] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        digest = event_hash(seq, prev, _event(seq))
        out.append(StoredEvent(seq, prev, digest, _event(seq), version=LEGACY))
        prev = digest
    return out


def _witness(events: list[StoredEvent]) -> list[tuple[int, str]]:
    return [(e.seq, e.hash) for e in events]


def test_an_intact_chain_verifies() -> None:
    events = _chain(5)
    report = CHAIN.verify(events, witnessed=_witness(events), head=(5, events[-1].hash))
    assert report.ok and report.checked == 5 and report.notes == []


def test_a_changed_event_breaks_the_chain() -> None:
    events = _chain(5)
    tampered = dataclasses.replace(events[2].event, actor="mallory")
    events[2] = dataclasses.replace(events[2], event=tampered)
    report = CHAIN.verify(events, witnessed=_witness(events))
    assert not report.ok and any("event 3" in p for p in report.problems)


def test_a_removed_event_breaks_the_chain() -> None:
    events = _chain(5)
    witnessed = _witness(events)
    del events[1]
    report = CHAIN.verify(events, witnessed=witnessed)
    assert not report.ok and any("event 2 missing" in p for p in report.problems)


def test_a_chain_written_with_another_key_does_not_verify() -> None:
    forged = _chain(3, AuditChain(b"m" * 32))
    report = CHAIN.verify(forged, witnessed=_witness(forged))
    assert [p.split(":")[0] for p in report.problems] == ["event 1", "event 2", "event 3"]


def test_cutting_off_the_last_events_is_caught_by_the_witness_and_the_head() -> None:
    events = _chain(6)
    witnessed = _witness(events)
    cut = events[:4]
    assert CHAIN.verify(cut, witnessed=witnessed[:4]).ok, "consistent in itself"
    report = CHAIN.verify(cut, witnessed=witnessed)
    assert not report.ok
    assert any(p.startswith("events 5..6 missing") for p in report.problems)
    stale_head = CHAIN.verify(cut, witnessed=witnessed[:4], head=(6, events[-1].hash))
    assert any("events 5..6 missing" in p for p in stale_head.problems)


def test_a_chain_cut_back_and_written_again_differs_from_its_witness() -> None:
    events = _chain(6)
    witnessed = _witness(events)
    regrown = events[:4]
    for seq in (5, 6, 7):
        other = AuditEvent("auth.login", "mallory", datetime(2026, 2, seq, tzinfo=UTC))
        regrown.append(CHAIN.link(seq, regrown[-1].hash, other))
    report = CHAIN.verify(regrown, witnessed=[*witnessed, (7, regrown[-1].hash)])
    assert {p.split(":")[0] for p in report.problems} == {"event 5", "event 6"}


def test_the_witness_may_lag_behind_but_never_lead() -> None:
    events = _chain(5)
    report = CHAIN.verify(events, witnessed=_witness(events[:3]))
    assert report.ok and report.notes == [
        "2 event(s) after event 3 not yet in the witness file (being written, or their "
        "process stopped before it could)"
    ]


def test_a_keyed_chain_without_its_witness_file_fails() -> None:
    report = CHAIN.verify(_chain(2), witnessed=None, witness_name="var/audit/head")
    assert report.problems == [
        "var/audit/head is missing: the keyed chain began at event 1, so deleting the last "
        "events could not be detected"
    ]


def test_a_malformed_witness_line_fails() -> None:
    events = _chain(2)
    report = CHAIN.verify(events, witnessed=[*_witness(events), (-1, "garbage")])
    assert not report.ok and "garbage" in report.problems[0]


def test_a_plain_chain_from_before_the_key_verifies_and_the_keyed_chain_continues_it() -> None:
    old = _legacy(3)
    only_old = CHAIN.verify(old, witnessed=None)
    assert only_old.ok and only_old.notes == ["all 3 events predate the audit key (plain SHA-256)"]
    new = CHAIN.link(4, old[-1].hash, _event(4))
    both = CHAIN.verify([*old, new], witnessed=[(4, new.hash)])
    assert both.ok
    assert both.notes == [
        "events 1..3 predate the audit key (plain SHA-256); the MAC of event 4 covers them"
    ]
    # Rewriting the plain prefix consistently still breaks the first keyed link.
    rewritten: list[StoredEvent] = []
    prev = GENESIS
    for seq in (1, 2, 3):
        event = dataclasses.replace(_event(seq), actor="mallory") if seq == 2 else _event(seq)
        rewritten.append(StoredEvent(seq, prev, event_hash(seq, prev, event), event, LEGACY))
        prev = rewritten[-1].hash
    report = CHAIN.verify([*rewritten, new], witnessed=[(4, new.hash)])
    assert report.problems == ["event 4: previous hash does not match event 3"]


def test_a_plain_event_after_the_keyed_chain_began_is_refused() -> None:
    events = _chain(2)
    sneaked = StoredEvent(
        3, events[-1].hash, event_hash(3, events[-1].hash, _event(3)), _event(3), version=LEGACY
    )
    report = CHAIN.verify([*events, sneaked], witnessed=_witness(events))
    assert report.problems == ["event 3: an unkeyed event after the keyed chain began at event 1"]


def test_the_audit_key_is_long_enough() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        AuditChain(b"short")
