"""Audit events and their hash chain (pure: the graph stores them, this computes and checks).

Every read of personal data, every decision and every transfer writes an event. Each event's
hash covers its fields and the previous event's hash, so changing, removing or reordering an
event breaks the chain, which `flask --app wsgi audit verify` detects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    action: str
    actor: str
    at: datetime
    case_id: str | None = None
    reason: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def event_hash(seq: int, prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "prev": prev_hash,
            "action": event.action,
            "actor": event.actor,
            "at": event.at.isoformat(),
            "case_id": event.case_id,
            "reason": event.reason,
            "detail": dict(event.detail),
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    prev_hash: str
    hash: str
    event: AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]


def verify_chain(events: Iterable[StoredEvent]) -> ChainReport:
    problems: list[str] = []
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for stored in events:
        checked += 1
        if stored.seq != expected_seq:
            problems.append(f"event {stored.seq}: expected sequence number {expected_seq}")
        if stored.prev_hash != expected_prev:
            problems.append(
                f"event {stored.seq}: previous hash does not match event {stored.seq - 1}"
            )
        if event_hash(stored.seq, stored.prev_hash, stored.event) != stored.hash:
            problems.append(f"event {stored.seq}: content does not match its hash")
        expected_prev = stored.hash
        expected_seq = stored.seq + 1
    return ChainReport(ok=not problems, checked=checked, problems=problems)
