"""Audit events and their keyed chain (pure: the graph stores them, this computes and checks).

Every read of personal data, every decision, every transfer, every failed login and every
refused request writes an event. Each event carries an HMAC-SHA256, under an audit key of its
own, over its fields, its sequence number and the previous event's MAC.

Why an HMAC and not signed checkpoints with the Ed25519 key: the HMAC covers every event the
moment it is written, where a checkpoint would leave the events since the last one open to a
silent rewrite; it costs a microsecond per event inside the append's transaction, against tens
for a signature; and a key of its own keeps the trail's integrity apart from the keys that seal
data and sign messages to partners (their rotation or compromise does not touch the trail, and
vice versa). What an HMAC cannot give, verification by an outsider without the key, is not
needed: `flask --app wsgi audit verify` runs here, and an auditor runs it with the key.

What is guaranteed, precisely:

- Nobody without the audit key can change, insert, remove or reorder an event before the last
  one, nor write a new valid event: `verify` names the first event whose MAC or link breaks.
- Truncation, i.e. deleting the last events (and setting the chain's head node back, so that
  the graph is consistent again), is caught by the *witness*: after each transaction that
  appended events commits, and before the request that wrote them answers, the process appends
  `seq mac` lines to a file outside Neo4j (`var/audit/head`; see silver/infra/audit_head.py,
  also for what a crash of the whole machine may cost).
  The file is only ever written after a commit, so every line names an event that exists in an
  intact chain: `verify` requires each witnessed event to be in the chain with the same MAC,
  with no tolerance at all. One missing event, or one cut back and written again, fails it.
- Not covered: an event whose process died between its commit and the witness write (a few
  milliseconds) is in the chain but not in the file, so deleting exactly such trailing events
  goes unnoticed; `verify` reports how many trailing events are not witnessed yet. Nor can
  anyone who holds the audit key *and* can write both Neo4j and the witness file be stopped
  by this: keep the key and the file away from the database's administrators.

Chains written before the key (plain SHA-256, `version` 1) are not rewritten (rewriting a trail
would destroy evidence): they verify as a prefix, and the first keyed event's MAC covers the
last plain hash, so the prefix is protected from then on. A plain event after a keyed one is
refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
LEGACY = 1  # plain SHA-256 chain, before the audit key
KEYED = 2  # HMAC-SHA256 under the audit key


@dataclass(frozen=True)
class AuditEvent:
    action: str
    actor: str
    at: datetime
    case_id: str | None = None
    reason: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def _body(seq: int, prev_hash: str, event: AuditEvent, version: int | None) -> bytes:
    fields: dict[str, Any] = {
        "seq": seq,
        "prev": prev_hash,
        "action": event.action,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "case_id": event.case_id,
        "reason": event.reason,
        "detail": dict(event.detail),
    }
    if version is not None:
        fields["v"] = version
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(seq: int, prev_hash: str, event: AuditEvent) -> str:
    """The plain SHA-256 link of a chain written before the audit key (version 1)."""
    return hashlib.sha256(_body(seq, prev_hash, event, None)).hexdigest()


def event_mac(key: bytes, seq: int, prev_hash: str, event: AuditEvent) -> str:
    """The keyed link (version 2): HMAC-SHA256 under the audit key."""
    return hmac.new(key, _body(seq, prev_hash, event, KEYED), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    prev_hash: str
    hash: str
    event: AuditEvent
    version: int = KEYED


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]
    notes: list[str] = field(default_factory=list)


def _span(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first}..{last}"


class AuditChain:
    """Links new events into the chain and verifies a stored chain, with the audit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the audit key must be at least 32 bytes")
        self._key = key

    def link(self, seq: int, prev_hash: str, event: AuditEvent) -> StoredEvent:
        return StoredEvent(seq, prev_hash, event_mac(self._key, seq, prev_hash, event), event)

    def verify(
        self,
        events: Iterable[StoredEvent],
        *,
        witnessed: Iterable[tuple[int, str]] | None = None,
        head: tuple[int, str] | None = None,
        witness_name: str = "the witness file",
    ) -> ChainReport:
        """Check every link, then the chain against what was recorded outside it.

        `witnessed` are the (seq, mac) lines of the witness file (None: there is no file);
        `head` is the graph's head node. Both must be read *before* `events`, so that anything
        they name was committed before the chain is read, and a concurrent append cannot make
        an intact chain look cut short.
        """
        problems: list[str] = []
        witness: dict[int, str] = {}
        for seq, mac in witnessed or ():
            if seq < 1:
                problems.append(f"{witness_name} holds a line that is not 'seq mac': {mac!r}")
            elif witness.setdefault(seq, mac) != mac:
                problems.append(
                    f"event {seq}: {witness_name} holds two different MACs for it "
                    "(the chain was cut back and written again)"
                )
        expected_prev, expected_seq = GENESIS, 1
        checked = legacy = 0
        keyed_from: int | None = None
        last: StoredEvent | None = None
        for stored in events:
            checked += 1
            seq = stored.seq
            if seq != expected_seq:
                problems.append(
                    f"{_span(expected_seq, seq - 1)} missing before event {seq}"
                    if seq > expected_seq
                    else f"event {seq}: expected sequence number {expected_seq}"
                )
            if stored.prev_hash != expected_prev:
                problems.append(f"event {seq}: previous hash does not match event {seq - 1}")
            if stored.version == LEGACY:
                legacy += 1
                if keyed_from is not None:
                    problems.append(
                        f"event {seq}: an unkeyed event after the keyed chain began at "
                        f"event {keyed_from}"
                    )
                elif event_hash(seq, stored.prev_hash, stored.event) != stored.hash:
                    problems.append(f"event {seq}: content does not match its hash")
            elif stored.version == KEYED:
                keyed_from = seq if keyed_from is None else keyed_from
                mac = event_mac(self._key, seq, stored.prev_hash, stored.event)
                if not hmac.compare_digest(mac, stored.hash):
                    problems.append(
                        f"event {seq}: content does not match its MAC (changed, or not written "
                        "with this audit key)"
                    )
            else:
                problems.append(f"event {seq}: unknown chain version {stored.version}")
            if seq in witness and witness[seq] != stored.hash:
                problems.append(f"event {seq}: differs from the copy witnessed in {witness_name}")
            expected_prev, expected_seq, last = stored.hash, seq + 1, stored

        last_seq = last.seq if last else 0
        notes: list[str] = []
        if witnessed is None and keyed_from is not None:
            problems.append(
                f"{witness_name} is missing: the keyed chain began at event {keyed_from}, so "
                "deleting the last events could not be detected"
            )
        if witness:
            highest = max(witness)
            if highest > last_seq:
                problems.append(
                    f"{_span(last_seq + 1, highest)} missing: the chain ends at event "
                    f"{last_seq}, but {witness_name} recorded event {highest}"
                )
            elif highest < last_seq:
                notes.append(
                    f"{last_seq - highest} event(s) after event {highest} not yet in "
                    f"{witness_name} (being written, or their process stopped before it could)"
                )
        if head is not None:
            head_seq, head_hash = head
            if head_seq > last_seq:
                problems.append(
                    f"{_span(last_seq + 1, head_seq)} missing: the chain's head node names "
                    f"event {head_seq}, but the chain ends at event {last_seq}"
                )
            elif head_seq == last_seq and last is not None and head_hash != last.hash:
                problems.append(f"event {head_seq}: differs from the chain's head node")
        if legacy and keyed_from is not None:
            notes.append(
                f"events 1..{keyed_from - 1} predate the audit key (plain SHA-256); the MAC of "
                f"event {keyed_from} covers them"
            )
        elif legacy:
            notes.append(f"all {legacy} events predate the audit key (plain SHA-256)")
        return ChainReport(ok=not problems, checked=checked, problems=problems, notes=notes)
