"""Retention (docs/domain.md, "Data protection by design"): a case's personal data is erased a
configurable period after its closure, or after the pilot's end for a case never closed.

Erasure is crypto-shredding plus clean-up: the case's wrapped data key goes, so everything
sealed with it (the case body, justifications, notes, the messages sent) is unreadable even in
a backup, and the sealed values and the graph projection are removed too. What statistics need
and holds no personal data stays: status, dates, counts, crime types, decisions' reason codes,
recipients, outcome stages and values, and the screening's verdict (blocked, needs_review or
clear: a fact about the case, not about a person). The sealed screening result goes.

The outbox files of the case's messages (plaintext: what the recipients got) are deleted once
the erasure has committed; should that fail, `flask --app wsgi outbox prune` deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from silver.domain.audit import AuditEvent
from silver.domain.cases import Status
from silver.domain.errors import Conflict
from silver.domain.ports import Outbox, PurgeRow
from silver.domain.uow import AbstractUnitOfWork
from silver.services.case_store import load
from silver.services.outbox import remove_messages

SYSTEM_ACTOR = "system:retention"


@dataclass(frozen=True)
class RetentionPolicy:
    days: int
    pilot_end: date

    def closed_before(self, now: datetime) -> datetime:
        """Cases closed before this moment are due."""
        return now - timedelta(days=self.days)

    def pilot_over(self, now: datetime) -> bool:
        """After the pilot's end plus the period, every case is due, closed or not."""
        end = datetime.combine(self.pilot_end, time.max, tzinfo=UTC)
        return now > end + timedelta(days=self.days)

    def due(self, status: str, closed_at: datetime | None, now: datetime) -> bool:
        if self.pilot_over(now):
            return True
        return (
            status == Status.CLOSED
            and closed_at is not None
            and closed_at < self.closed_before(now)
        )


def due_cases(uow: AbstractUnitOfWork, policy: RetentionPolicy, now: datetime) -> list[PurgeRow]:
    with uow:
        return list(uow.cases.due_for_purge(policy.closed_before(now), policy.pilot_over(now)))


def purge_case(
    case_id: str,
    uow: AbstractUnitOfWork,
    policy: RetentionPolicy,
    now: datetime,
    *,
    outbox: Outbox,
    actor: str = SYSTEM_ACTOR,
) -> str:
    """Erase one case's personal data (and its messages in the outbox); refuses a case that is
    not due."""
    with uow:
        row = load(uow, case_id, for_update=True)
        if not policy.due(row["status"], row.get("closed_at"), now):
            raise Conflict(
                f"case {row['number']} is not due for erasure: it must be closed for "
                f"{policy.days} days, or the pilot must have ended {policy.days} days ago"
            )
        message_ids = [n["message_id"] for n in uow.disseminations.of_case(case_id)]
        uow.cases.purge(case_id, now)

        def remove_files() -> None:
            remove_messages(outbox, message_ids)

        uow.after_commit(remove_files)
        uow.audit.append(
            AuditEvent("case.purge", actor, now, case_id, detail={"number": row["number"]})
        )
        uow.commit()
    return str(row["number"])
