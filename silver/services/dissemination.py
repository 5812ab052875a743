"""Dissemination: one signed message per recipient, delivered exactly once.

An approval records one `Notice` per recipient (status `queued`) in its own transaction; the
jobs are enqueued only after it commits. A delivery attempt then runs in three steps:

1. In a transaction, build and sign the message once and store its exact bytes (sealed with
   the case's key) on the Notice, counting the attempt. A retry re-sends exactly these bytes.
2. Send them with the configured transport, outside any transaction. The message id is the
   idempotency key: the gateway (and the outbox, by file name) keeps one copy per id.
3. In a transaction, mark the Notice sent, give it its answer window (`due_by`), write the
   LED art. 25 transfer record to the audit trail, and when every recipient has its message,
   the case becomes `disseminated`.

A worker that dies between 2 and 3 leaves the Notice `queued`; it is sent again on restart and
the gateway recognises the id, so the recipient still holds exactly one message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from screening.decisions import Ruling
from silver.domain import access, privacy
from silver.domain.audit import AuditEvent
from silver.domain.cases import GENERAL_SECRETARIAT, REQUESTER, Status
from silver.domain.errors import Conflict, Forbidden, NotFound, StorageUnavailable
from silver.domain.ports import CaseRow, NoticeDraft, NoticeRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.domain.windows import ResponseWindows, due_by, is_overdue
from silver.infra.config import Settings
from silver.infra.keys import KeyMaterial
from silver.infra.transport import PermanentError, TransientError, Transport
from silver.services import messages
from silver.services.case_store import (
    history_json,
    load,
    open_case,
    restrictions,
    seal_text,
    unseal_text,
    utcnow,
)
from silver.services.countries import stored_profile
from silver.services.retry import on_contention

SYSTEM_ACTOR = "system:dissemination"
MESSAGE_ROUND = 1  # a case is approved once; a screener's retry re-sends the same message
NOTICE_STATUSES = ("queued", "sent", "failed", "acknowledged")

UowFactory = Callable[[], AbstractUnitOfWork]


def message_context(notice_id: str) -> str:
    """The sealing context of a Notice's stored message (a dissemination's or a correction's)."""
    return f"notice:{notice_id}/message"


def plan(
    uow: AbstractUnitOfWork, case_id: str, ruling: Ruling, decision_id: str, now: datetime
) -> list[str]:
    """Record a queued Notice for each recipient of an approval; returns their ids."""
    rows: list[NoticeDraft] = []
    for recipient in ruling.recipients:
        notice_id = str(uuid.uuid4())
        reached = list(ruling.reached) if recipient == GENERAL_SECRETARIAT else [recipient]
        rows.append(
            {
                "countries": reached,
                "props": {
                    "id": notice_id,
                    "case_id": case_id,
                    "decision_id": decision_id,
                    "recipient": recipient,
                    "instrument": ruling.instrument,
                    "status": "queued",
                    "attempts": 0,
                    "retry_base": 0,
                    "last_error": None,
                    "message_id": messages.message_id_for(case_id, recipient, MESSAGE_ROUND),
                    "queued_at": now,
                    "overdue": False,
                    "transfer_bases": [f"{code}:{ruling.transfer_bases[code]}" for code in reached],
                },
            }
        )
    uow.disseminations.add_notices(case_id, rows)
    return [row["props"]["id"] for row in rows]


class Delivery:
    """What an attempt needs besides the database: keys, transport and configuration."""

    def __init__(self, settings: Settings, keys: KeyMaterial, transport: Transport) -> None:
        self.settings = settings
        self.keys = keys
        self.transport = transport

    @property
    def max_attempts(self) -> int:
        return len(self.settings.retry_intervals) + 1

    @property
    def windows(self) -> ResponseWindows:
        return ResponseWindows(other_days=self.settings.response_days_other)


def deliver(notice_id: str, uow_factory: UowFactory, delivery: Delivery) -> str:
    """One delivery attempt. Returns `sent`, `failed` or `skipped` (nothing to do); raises
    TransientError (or StorageUnavailable) when the attempt should be retried later, and
    re-raises any other error of building or sending the message until its attempts are used
    up (then the Notice is `failed` with the reason: such a Notice never loops)."""
    prepared = None
    try:
        prepared = on_contention(lambda: _prepare(notice_id, uow_factory(), delivery))
        if prepared is None:
            return "skipped"
        notice, data, signature, key_id, jws = prepared
        receipt = delivery.transport.send(notice["message_id"], data, signature, key_id, jws)
    except PermanentError as err:
        _fail(notice_id, uow_factory(), err.reason, permanent=True)
        return "failed"
    except TransientError as err:
        attempts = int(notice["attempts"]) - int(notice.get("retry_base") or 0)
        if attempts >= delivery.max_attempts:
            _fail(
                notice_id,
                uow_factory(),
                f"gave up after {attempts} attempts; last error: {err}",
                permanent=False,
            )
            return "failed"
        _note_error(notice_id, uow_factory(), str(err))
        raise
    except StorageUnavailable:
        raise  # the database's outage: nothing was counted, the job is retried
    except Exception as err:
        if _broken_attempt(notice_id, uow_factory, delivery, err, counted=prepared is not None):
            return "failed"
        raise
    on_contention(lambda: _mark_sent(notice_id, uow_factory(), delivery, receipt))
    return "sent"


def _broken_attempt(
    notice_id: str, uow_factory: UowFactory, delivery: Delivery, err: Exception, *, counted: bool
) -> bool:
    """Count an attempt that failed neither at the gateway nor at the database (the message
    cannot be built, signed or handed over: data an older version let in that cannot be
    encoded, a key that does not open). True when the attempts are used up and the Notice has
    failed with the reason; the caller re-raises otherwise (rq retries with back-off).
    `counted`: the attempt was counted already (it failed after its message was stored)."""
    reason = f"the message could not be built or sent: {type(err).__name__}: {err}"[:500]
    with uow_factory() as uow:
        notice = uow.disseminations.get(notice_id, for_update=True)
        if notice is None or notice["status"] != "queued":
            return True
        attempts = int(notice["attempts"]) + (0 if counted else 1)
        uow.disseminations.update(
            notice_id, {"attempts": attempts, "last_attempt_at": utcnow(), "last_error": reason}
        )
        uow.commit()
    if attempts - int(notice.get("retry_base") or 0) < delivery.max_attempts:
        return False
    _fail(notice_id, uow_factory(), f"gave up after {attempts} attempts; {reason}", permanent=False)
    return True


def _prepare(
    notice_id: str, uow: AbstractUnitOfWork, delivery: Delivery
) -> tuple[dict[str, Any], bytes, str, str, str] | None:
    """The first transaction of an attempt: count it, and store the signed message the first
    time (two statements: read the Notice with its case, write the Notice)."""
    now = utcnow()
    keys = delivery.keys
    with uow:
        found = uow.disseminations.for_delivery(notice_id, lock_case=False)
        if found is None or found["notice"]["status"] != "queued":
            return None
        notice, row = found["notice"], _live(found["case"])
        changes: dict[str, Any] = {"attempts": int(notice["attempts"]) + 1, "last_attempt_at": now}
        if notice.get("message"):
            data = unseal_text(row, keys, message_context(notice_id), notice["message"]).encode()
            signature, key_id = str(notice.get("signature")), str(notice.get("key_id"))
        else:
            case = open_case(row, keys)
            # A restricted subject (LED art. 16(3)) goes with no new message.
            body = privacy.without_subjects(case.body, restrictions(row, keys))
            payload = messages.payload_for(body, notice["instrument"], notice["recipient"])
            message = messages.build_message(
                message_id=notice["message_id"],
                case_number=case.number,
                instrument=notice["instrument"],
                recipient=notice["recipient"],
                created_at=now,
                expires_at=now + timedelta(days=delivery.settings.message_ttl_days),
                sender=REQUESTER,
                payload=payload,
            )
            data = messages.encode(message)
            signature, key_id = messages.sign(keys.signing, data), keys.signing.key_id
            changes.update(
                message=seal_text(row, keys, message_context(notice_id), data.decode()),
                signature=signature,
                key_id=key_id,
                categories=messages.categories_of(payload),
                message_created_at=now,
            )
        # The JWS is made with the message and kept with it, so a retry sends the same one; a
        # message stored before JWS existed gets one by the current key (its `kid` says which).
        jws = notice.get("jws") or messages.sign_jws(keys.signing, data)
        if not notice.get("jws"):
            changes["jws"] = jws
        uow.disseminations.update(notice_id, changes)
        uow.commit()
    return {**notice, **changes}, data, signature, key_id, jws


def _live(row: CaseRow) -> CaseRow:
    """The case of a Notice, unless it was purged meanwhile (its content is gone)."""
    if row.get("purged_at") is not None:
        raise NotFound("no such case")
    return row


def _note_error(notice_id: str, uow: AbstractUnitOfWork, error: str) -> None:
    with uow:
        uow.disseminations.update(notice_id, {"last_error": error[:500]})
        uow.commit()


def _fail(notice_id: str, uow: AbstractUnitOfWork, reason: str, permanent: bool) -> None:
    now = utcnow()
    with uow:
        notice = uow.disseminations.get(notice_id, for_update=True)
        if notice is None or notice["status"] != "queued":
            return
        uow.disseminations.update(
            notice_id, {"status": "failed", "last_error": reason[:500], "failed_at": now}
        )
        uow.audit.append(
            AuditEvent(
                "transfer.failed",
                SYSTEM_ACTOR,
                now,
                notice["case_id"],
                reason=reason[:500],
                detail={
                    "recipient": notice["recipient"],
                    "message_id": notice["message_id"],
                    "attempts": notice["attempts"],
                    "refused_by_gateway": permanent,
                },
            )
        )
        uow.commit()


def _mark_sent(notice_id: str, uow: AbstractUnitOfWork, delivery: Delivery, receipt: str) -> None:
    """The second transaction of an attempt, after the send: one read (the Notice and its case,
    both locked, the recipient's profile, the case's other Notices), the Notice's update, the
    transfer record, and the case's status once every recipient has its message."""
    now = utcnow()
    with uow:
        found = uow.disseminations.for_delivery(notice_id, lock_case=True)
        if found is None or found["notice"]["status"] != "queued":
            return
        notice, row = found["notice"], _live(found["case"])
        recipient = notice["recipient"]
        correction = notice["instrument"] in privacy.CORRECTIONS
        profile = None if recipient == GENERAL_SECRETARIAT else stored_profile(found["country"])
        # A correction (rectification, erasure) expects no answer: it has no answer window.
        due = None
        if not correction:
            due = due_by(
                now,
                eu_member=bool(profile and profile.eu_member),
                urgency=row.get("urgency") or "normal",
                windows=delivery.windows,
            )
        uow.disseminations.update(
            notice_id,
            {
                "status": "sent",
                "sent_at": now,
                "due_by": due,
                "last_error": None,
                "receipt": receipt[:200],
            },
        )
        # LED art. 25: the justification (the approving decision), time, sender, recipient
        # and the categories of personal data transferred.
        uow.audit.append(
            AuditEvent(
                "transfer",
                SYSTEM_ACTOR,
                now,
                notice["case_id"],
                reason=(
                    f"{notice['instrument']} {notice.get('correction_id')}"
                    if correction
                    else f"decision {notice.get('decision_id')}"
                ),
                detail={
                    "sender": REQUESTER,
                    "recipient": recipient,
                    "instrument": notice["instrument"],
                    "message_id": notice["message_id"],
                    "key_id": notice.get("key_id"),
                    "categories": list(notice.get("categories") or []),
                    "transfer_bases": list(notice.get("transfer_bases") or []),
                    "transport": delivery.settings.transport,
                    "attempts": notice["attempts"],
                },
            )
        )
        # Corrections hang on CORRECTED_AS: `undelivered_others` counts only the originals.
        if (
            not correction
            and row["status"] == Status.APPROVED.value
            and found["undelivered_others"] == 0
        ):
            case = open_case(row, delivery.keys)
            case.transition(Status.DISSEMINATED, SYSTEM_ACTOR, now)
            uow.cases.save(
                case.id,
                case.version,
                {
                    "status": case.status.value,
                    "history": history_json(case.history),
                    "disseminated_at": now,
                    "updated_at": now,
                },
            )
        uow.commit()


def _render(notice: NoticeRow, now: datetime) -> dict[str, Any]:
    due = notice.get("due_by")
    return {
        "recipient": notice["recipient"],
        "instrument": notice.get("instrument"),
        "status": notice["status"],
        "attempts": int(notice.get("attempts") or 0),
        "last_error": notice.get("last_error"),
        "queued_at": notice.get("queued_at"),
        "sent_at": notice.get("sent_at"),
        "acknowledged_at": notice.get("acknowledged_at"),
        "message_id": notice.get("message_id"),
        "due_by": due,
        "overdue": bool(notice["status"] == "sent" and due is not None and is_overdue(due, now)),
        "countries": list(notice.get("countries") or []),
        "categories": list(notice.get("categories") or []),
    }


def notices_in(uow: AbstractUnitOfWork, case_id: str) -> list[dict[str, Any]]:
    """Inside an open unit of work: one row per recipient of the case."""
    now = utcnow()
    return [_render(n, now) for n in uow.disseminations.of_case(case_id)]


def disseminations_of(case_id: str, user: User, uow: AbstractUnitOfWork) -> list[dict[str, Any]]:
    with uow:
        row = load(uow, case_id)
        access.check_visible(user, row["agency"], row["status"])
        return notices_in(uow, case_id)


def retry(
    case_id: str,
    recipient: str,
    user: User,
    uow: AbstractUnitOfWork,
    enqueue: Callable[[list[str]], None],
) -> dict[str, Any]:
    """A screener sends a failed recipient's message again (the same message, the same id)."""
    if user.role is not Role.SCREENER:
        raise Forbidden("only a screener retries a dissemination")
    now = utcnow()
    with uow:
        row = load(uow, case_id)
        access.check_visible(user, row["agency"], row["status"])
        notice = uow.disseminations.by_recipient(case_id, recipient.upper())
        if notice is None:
            raise NotFound(f"the case was not disseminated to {recipient!r}")
        if notice["status"] != "failed":
            raise Conflict(
                f"only a failed dissemination can be retried; this one is '{notice['status']}'"
            )
        changes: dict[str, Any] = {
            "status": "queued",
            "retry_base": notice.get("attempts") or 0,
            "queued_at": now,
        }
        uow.disseminations.update(notice["id"], changes)
        uow.audit.append(
            AuditEvent(
                "transfer.retry",
                user.username,
                now,
                case_id,
                detail={"recipient": notice["recipient"], "message_id": notice["message_id"]},
            )
        )
        uow.after_commit(lambda: enqueue([notice["id"]]))
        uow.commit()
    return _render(cast(NoticeRow, {**notice, **changes}), now)


def overdue(user: User, uow: AbstractUnitOfWork) -> list[dict[str, Any]]:
    """Recipients whose answer is overdue: a caseworker's agency's cases, or all for a screener."""
    if user.role not in (Role.CASEWORKER, Role.SCREENER):
        raise Forbidden("overdue answers are for caseworkers and screeners")
    agency = user.agency.value if user.role is Role.CASEWORKER and user.agency else None
    now = utcnow()
    with uow:
        rows = uow.disseminations.overdue(agency, now)
    return [
        {**_render(r, now), "case_id": r["case_id"], "case_number": r["case_number"]} for r in rows
    ]


def count_overdue(uow: AbstractUnitOfWork) -> int:
    """How many delivered notices wait for an answer past their window (for the metrics)."""
    with uow:
        return int(uow.disseminations.count_overdue(utcnow()))


def answers_due(
    user: User, uow: AbstractUnitOfWork, within_days: int, now: datetime | None = None
) -> dict[str, Any]:
    """The answers a caseworker's agency (a screener: every agency) waits for that are overdue
    or due within `within_days` days, earliest first, and the same counted by recipient
    country and by case: what a page of answers to chase needs.

    A notice (to INTERPOL's General Secretariat) counts for every country it reached."""
    if user.role not in (Role.CASEWORKER, Role.SCREENER):
        raise Forbidden("the answers due are for caseworkers and screeners")
    if within_days < 0:
        raise ValueError("within_days must not be negative")
    agency = user.agency.value if user.role is Role.CASEWORKER and user.agency else None
    now = now or utcnow()
    with uow:
        rows = uow.disseminations.awaiting_answers(agency, now + timedelta(days=within_days))
    items: list[dict[str, Any]] = []
    by_country: dict[str, dict[str, Any]] = {}
    by_case: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = {
            **_render(row, now),
            "case_id": row["case_id"],
            "case_number": row.get("case_number"),
            "agency": row.get("agency"),
        }
        due = row.get("due_by")
        overdue = bool(item["overdue"])
        item["due_soon"] = not overdue
        item["days_left"] = (due - now).days if due is not None and not overdue else 0
        items.append(item)
        state = "overdue" if overdue else "due_soon"
        for country in item["countries"] or [row["recipient"]]:
            counts = by_country.setdefault(
                country, {"country": country, "overdue": 0, "due_soon": 0}
            )
            counts[state] += 1
        case = by_case.setdefault(
            row["case_id"],
            {
                "case_id": row["case_id"],
                "case_number": row.get("case_number"),
                "agency": row.get("agency"),
                "overdue": 0,
                "due_soon": 0,
                "earliest_due_by": due,
            },
        )
        case[state] += 1
    return {
        "as_of": now,
        "within_days": within_days,
        "overdue": sum(1 for i in items if i["overdue"]),
        "due_soon": sum(1 for i in items if i["due_soon"]),
        "items": items,
        "by_country": sorted(
            by_country.values(), key=lambda c: (-c["overdue"], -c["due_soon"], c["country"])
        ),
        "by_case": sorted(
            by_case.values(), key=lambda c: (-c["overdue"], c["earliest_due_by"], c["case_number"])
        ),
    }


def mark_overdue(uow: AbstractUnitOfWork) -> int:
    now = utcnow()
    with uow:
        count = int(uow.disseminations.mark_overdue(now))
        if count:
            uow.audit.append(
                AuditEvent("transfer.overdue", SYSTEM_ACTOR, now, detail={"count": count})
            )
        uow.commit()
    return count


def queued_notices(uow: AbstractUnitOfWork, idle_for: timedelta | None = None) -> list[str]:
    """Notices still waiting for delivery; with `idle_for`, only those nothing has tried for
    that long (their job was lost: Redis was down at approval, or a worker died)."""
    idle_since = utcnow() - idle_for if idle_for is not None else None
    with uow:
        return list(uow.disseminations.queued_ids(idle_since))
