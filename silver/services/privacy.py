"""Data-subject rights: the privacy officer's search, report, rectification, erasure and
restriction (LED arts. 14-18 as implemented in the Wpg and Wjsg).

A person is found by the keyed blind index of their normalised name and date of birth, which
the case projection already keeps for matching: one index lookup, then only the cases found are
opened to name the subject's key. Nothing is decrypted to search, and neither the name nor the
date reaches the graph or the audit trail in plaintext.

A rectification or an erasure is a new case version; what it replaced stays only sealed (with
the case's key) in the audit event that records it. Every recipient whose message carried the
subject gets one signed message saying what changed (LED art. 16(6)), recorded as a `Notice`
with the message already built, and delivered by the same rq job as a dissemination: the same
stored bytes on every attempt and a deterministic message id, so each recipient gets it exactly
once whatever fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from silver.domain import privacy, projection
from silver.domain.audit import AuditEvent
from silver.domain.blind_index import blind_index
from silver.domain.cases import REQUESTER, Case, Status, StatusChange
from silver.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from silver.domain.ports import CaseChanges, CaseRow, NoticeDraft, NoticeRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.domain.versions import check_version
from silver.infra.keys import KeyMaterial
from silver.services import messages
from silver.services.case_store import (
    history_json,
    load,
    open_case,
    reseal_body,
    restrictions,
    seal_restrictions,
    seal_text,
    unseal_text,
    utcnow,
)
from silver.services.decisions import decisions_in
from silver.services.dissemination import message_context
from silver.services.intake import plain_fields

Enqueue = Callable[[list[str]], None]

# Audit actions that read a case's personal data: what an access request lists as its reads.
READ_ACTIONS = frozenset(
    {"case.read", "case.links", "case.decisions.read", "privacy.report", "privacy.search"}
)
DELIVERED = ("sent", "acknowledged")


def check_officer(user: User) -> None:
    if user.role is not Role.PRIVACY_OFFICER:
        raise Forbidden("data-subject requests are handled by the privacy officer")


# --- Search ---------------------------------------------------------------------------------


def subject_search(
    raw: object, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> list[dict[str, Any]]:
    """Every case of any agency with a person of this name (normalised as in matching) and
    date of birth: case id, number, agency, status and the subject's key. Audited with the
    officer and the request reference, never with the name."""
    check_officer(user)
    query = privacy.validate_search(raw)
    kind, value = privacy.search_key(query["full_name"], query["date_of_birth"])
    index = blind_index(keys.index_key, kind, value)
    items: list[dict[str, Any]] = []
    with uow:
        for hit in uow.cases.persons_indexed(index):
            row = load(uow, hit["case_id"])
            case = open_case(row, keys)
            position = int(hit["uid"].rsplit("/s", 1)[1])
            subjects = case.body.get("subjects") or []
            if position >= len(subjects):
                continue
            items.append(
                {
                    "case_id": case.id,
                    "number": case.number,
                    "agency": case.agency,
                    "status": case.status.value,
                    "subject": subjects[position]["key"],
                }
            )
        uow.audit.append(
            AuditEvent(
                "privacy.search",
                user.username,
                utcnow(),
                reason=query["request_reference"],
                detail={
                    "request_reference": query["request_reference"],
                    "cases": [i["number"] for i in items],
                },
            )
        )
        uow.commit()
    return items


# --- Report ---------------------------------------------------------------------------------


def _message(row: CaseRow, keys: KeyMaterial, notice: NoticeRow) -> dict[str, Any] | None:
    if not notice.get("message"):
        return None
    text = unseal_text(row, keys, message_context(notice["id"]), notice.get("message"))
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _transfer(notice: NoticeRow, message: dict[str, Any] | None, key: str) -> dict[str, Any]:
    payload = (message or {}).get("payload") or {}
    if notice["instrument"] in privacy.CORRECTIONS:
        carried = payload.get("subject") == key
    else:
        carried = message is not None and messages.received_subject(message, key) is not None
    return {
        "recipient": notice["recipient"],
        "instrument": notice["instrument"],
        "status": notice["status"],
        "sent_at": notice.get("sent_at"),
        "message_id": notice["message_id"],
        "categories": list(notice.get("categories") or []),
        "legal_basis": list(notice.get("transfer_bases") or []),
        "countries": list(notice.get("countries") or []),
        "subject_included": carried,
        "corrected_fields": sorted(payload.get("corrected_fields") or {})
        if notice["instrument"] in privacy.CORRECTIONS
        else [],
    }


def subject_report(
    case_id: str,
    subject_key: str,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    request_reference: str | None = None,
) -> dict[str, Any]:
    """What Silver holds on the person in the case, the case's decisions (who, when, what),
    every transfer of the case (recipient, time, message id, categories, legal basis, whether it
    carried this person) and every read of the case in the audit trail (who, when, purpose):
    what an access request (LED art. 14) needs."""
    check_officer(user)
    now = utcnow()
    with uow:
        row = load(uow, case_id)
        case = open_case(row, keys)
        index = privacy.subject_index(case.body, subject_key)
        if index is None:
            raise NotFound("the case holds no subject with this key")
        marks = restrictions(row, keys)
        notices = [
            n
            for n in [
                *uow.disseminations.of_case(case_id),
                *uow.disseminations.corrections_of(case_id),
            ]
            if n["status"] in DELIVERED
        ]
        transfers = [_transfer(n, _message(row, keys, n), subject_key) for n in notices]
        transfers.sort(key=lambda t: (t["sent_at"] or now, t["recipient"]))
        decisions = [
            {
                k: d[k]
                for k in ("decision", "stage", "outcome", "instrument", "countries", "by", "at")
            }
            | {"reason_codes": d["reason_codes"]}
            for d in decisions_in(uow, row, keys)
        ]
        reads = _reads(uow, case_id)
        uow.audit.append(
            AuditEvent(
                "privacy.report",
                user.username,
                now,
                case_id,
                reason=request_reference,
                detail={"subject": subject_key, "request_reference": request_reference},
            )
        )
        uow.commit()
    restriction = marks.get(subject_key)
    return {
        "case": {
            "id": case.id,
            "number": case.number,
            "agency": case.agency,
            "status": case.status.value,
            "created_at": case.created_at,
        },
        "subject": case.body["subjects"][index],
        "restricted": (
            {"at": restriction["at"], "by": restriction["by"], "reason": restriction["reason"]}
            if restriction
            else None
        ),
        "decisions": decisions,
        "transfers": transfers,
        "reads": reads,
        "generated_at": now,
        "request_reference": request_reference,
    }


def _reads(uow: AbstractUnitOfWork, case_id: str) -> list[dict[str, Any]]:
    reads: list[dict[str, Any]] = []
    skip, batch = 0, 1000
    while True:
        events, total = uow.audit.page(case_id, skip, batch)
        for stored in events:
            event = stored.event
            if event.action in READ_ACTIONS:
                reads.append(
                    {
                        "by": event.actor,
                        "at": event.at,
                        "action": event.action,
                        "purpose": event.reason,
                    }
                )
        skip += batch
        if skip >= total or not events:
            return reads


# --- Rectification, erasure, restriction ----------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """What a rectification or an erasure did, and whom it told."""

    id: str
    case: Case
    instrument: str
    subject: str
    fields: list[str]
    recipients: list[str]
    closed: bool = False

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case.id,
            "number": self.case.number,
            "status": self.case.status.value,
            "version": self.case.version,
            "instrument": self.instrument,
            "subject": self.subject,
            "fields": self.fields,
            "recipients": self.recipients,
            "case_closed": self.closed,
        }


def _check_rectifier(user: User, row: CaseRow) -> None:
    """The owning agency's caseworkers and the privacy officer; others as for any case."""
    if user.role is Role.PRIVACY_OFFICER:
        return
    if user.role is not Role.CASEWORKER:
        raise Forbidden("a rectification is made by the owning caseworker or the privacy officer")
    if user.agency is None or user.agency.value != row["agency"]:
        raise NotFound("no such case")


def _store_body(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    case: Case,
    body: dict[str, Any],
    keys: KeyMaterial,
    now: datetime,
    extra: CaseChanges | None = None,
) -> None:
    changes: CaseChanges = {
        **plain_fields(body),
        "body": reseal_body(row, keys, body),
        "updated_at": now,
        **(extra or {}),
    }
    if not uow.cases.save(case.id, case.version, changes):
        raise ValidationFailed({"_body": ["the case changed meanwhile: try again"]})
    uow.cases.replace_projection(
        case.id, projection.project(case.id, body, keys.index_key, row["agency"])
    )
    case.body, case.version, case.updated_at = body, case.version + 1, now


def _tell_recipients(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    case: Case,
    keys: KeyMaterial,
    *,
    correction_id: str,
    instrument: str,
    subject_key: str,
    corrected: dict[str, Any],
    reason: str,
    now: datetime,
    ttl_days: int,
    enqueue: Enqueue,
    delivered_only: bool = False,
) -> list[str]:
    """Record one signed correction for each recipient whose message carried the subject, to be
    sent (`enqueue`) once the transaction has committed; the message is built, signed and
    sealed now, so every attempt sends the same bytes. Returns the recipients told.

    A recipient whose message is built but not delivered yet (a retry pending) is told too,
    since those bytes still go; one whose message is not built yet gets the corrected case.
    With `delivered_only` (the case was closed and its pending messages cancelled) only the
    recipients that received it are told."""
    drafts: list[NoticeDraft] = []
    for notice in uow.disseminations.of_case(case.id):
        if notice["status"] not in DELIVERED and (delivered_only or not notice.get("message")):
            continue
        message = _message(row, keys, notice)
        received = messages.received_subject(message, subject_key) if message else None
        if received is None:
            continue
        payload = messages.correction_payload(
            instrument, received, corrected, reason, notice["message_id"]
        )
        if payload is None:
            continue
        recipient = notice["recipient"]
        notice_id = str(uuid.uuid4())
        message_id = messages.correction_message_id(case.id, recipient, correction_id)
        data = messages.encode(
            messages.build_correction(
                message_id=message_id,
                case_number=case.number,
                instrument=instrument,
                recipient=recipient,
                created_at=now,
                expires_at=now + timedelta(days=ttl_days),
                sender=REQUESTER,
                payload=payload,
            )
        )
        drafts.append(
            {
                "countries": list(notice.get("countries") or [recipient]),
                "props": {
                    "id": notice_id,
                    "case_id": case.id,
                    "correction_id": correction_id,
                    "corrects": notice["message_id"],
                    "recipient": recipient,
                    "instrument": instrument,
                    "status": "queued",
                    "attempts": 0,
                    "retry_base": 0,
                    "last_error": None,
                    "message_id": message_id,
                    "queued_at": now,
                    "overdue": False,
                    "transfer_bases": list(notice.get("transfer_bases") or []),
                    "message": seal_text(row, keys, message_context(notice_id), data.decode()),
                    "signature": messages.sign(keys.signing, data),
                    "key_id": keys.signing.key_id,
                    "jws": messages.sign_jws(keys.signing, data),
                    "categories": messages.correction_categories(payload),
                    "message_created_at": now,
                },
            }
        )
    if drafts:
        uow.disseminations.add_corrections(case.id, drafts)
        ids = [str(d["props"]["id"]) for d in drafts]
        uow.after_commit(lambda: enqueue(ids))
    return [str(d["props"]["recipient"]) for d in drafts]


def rectify(
    case_id: str,
    raw: object,
    expected_version: int | None,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    enqueue: Enqueue,
    ttl_days: int,
) -> Correction:
    """Correct fields of one subject (LED art. 16(1)): a new case version; the old values only
    sealed in the audit trail; one signed `rectification` to every recipient that received
    them."""
    if not isinstance(raw, dict):
        raise ValidationFailed({"_body": ["Invalid input type."]})
    unknown = set(raw) - {"subject", "changes", "reason"}
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    reason = privacy.check_reason(raw.get("reason"))
    now = utcnow()
    correction_id = str(uuid.uuid4())
    with uow:
        row = load(uow, case_id, for_update=True)
        _check_rectifier(user, row)
        check_version("the case", int(row["version"]), expected_version, required=False)
        case = open_case(row, keys)
        done = privacy.rectify(case.body, raw.get("subject"), raw.get("changes"))
        subject_key = str(done.subject["key"])
        _store_body(uow, row, case, done.body, keys, now)
        recipients = _tell_recipients(
            uow,
            row,
            case,
            keys,
            correction_id=correction_id,
            instrument=privacy.RECTIFICATION,
            subject_key=subject_key,
            corrected=done.corrected,
            reason=reason,
            now=now,
            ttl_days=ttl_days,
            enqueue=enqueue,
        )
        uow.audit.append(
            AuditEvent(
                "privacy.rectification",
                user.username,
                now,
                case_id,
                reason=f"rectification {correction_id}",
                detail={
                    "subject": subject_key,
                    "fields": done.fields,
                    "version": case.version,
                    "previous": seal_text(
                        row,
                        keys,
                        f"rectification:{correction_id}",
                        json.dumps(done.previous, sort_keys=True),
                    ),
                    "reason": seal_text(row, keys, f"rectification:{correction_id}/reason", reason),
                    "recipients": recipients,
                },
            )
        )
        uow.commit()
    return Correction(
        correction_id,
        case,
        privacy.RECTIFICATION,
        subject_key,
        done.fields,
        recipients,
    )


def erase(
    case_id: str,
    subject_key: str,
    raw: object,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    enqueue: Enqueue,
    ttl_days: int,
) -> Correction:
    """Remove a person from the case (LED art. 16(2)): a valid case remains; when no suspect or
    convicted person is left the case is closed (its undelivered messages cancelled). Every
    recipient that received the person gets one signed `erasure`."""
    check_officer(user)
    reason = _reason_of(raw)
    now = utcnow()
    correction_id = str(uuid.uuid4())
    with uow:
        row = load(uow, case_id, for_update=True)
        case = open_case(row, keys)
        done = privacy.erase(case.body, subject_key)
        extra: CaseChanges = {}
        marks = restrictions(row, keys)
        if subject_key in marks:
            del marks[subject_key]
            extra["restrictions"] = seal_restrictions(row, keys, marks)
        closed = done.closes_case and case.status is not Status.CLOSED
        if closed:
            uow.disseminations.cancel_queued(
                case_id, "cancelled: the case was closed after an erasure", now
            )
            case.status = Status.CLOSED
            case.history.append(StatusChange(Status.CLOSED, now, user.username))
            extra.update(
                {
                    "status": Status.CLOSED.value,
                    "closed_at": now,
                    "history": history_json(case.history),
                }
            )
        _store_body(uow, row, case, done.body, keys, now, extra)
        recipients = _tell_recipients(
            uow,
            row,
            case,
            keys,
            correction_id=correction_id,
            instrument=privacy.ERASURE,
            subject_key=subject_key,
            corrected={},
            reason=reason,
            now=now,
            ttl_days=ttl_days,
            enqueue=enqueue,
            delivered_only=closed,
        )
        uow.audit.append(
            AuditEvent(
                "privacy.erasure",
                user.username,
                now,
                case_id,
                reason=f"erasure {correction_id}",
                detail={
                    "subject": subject_key,
                    "version": case.version,
                    "case_closed": closed,
                    "reason": seal_text(row, keys, f"erasure:{correction_id}/reason", reason),
                    "recipients": recipients,
                },
            )
        )
        uow.commit()
    return Correction(
        correction_id,
        case,
        privacy.ERASURE,
        subject_key,
        [],
        recipients,
        closed,
    )


def _reason_of(raw: object) -> str:
    if not isinstance(raw, dict):
        raise ValidationFailed({"_body": ["Invalid input type."]})
    unknown = set(raw) - {"reason"}
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    return privacy.check_reason(raw.get("reason"))


def restrict(
    case_id: str,
    subject_key: str,
    raw: object,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
) -> dict[str, Any]:
    """Mark a subject so that no new dissemination of the case carries them (LED art. 16(3));
    what was sent stays as it was. Audited; the reason is sealed with the case."""
    check_officer(user)
    reason = _reason_of(raw)
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        case = open_case(row, keys)
        if privacy.subject_index(case.body, subject_key) is None:
            raise NotFound("the case holds no subject with this key")
        marks = restrictions(row, keys)
        marks[subject_key] = {"at": now.isoformat(), "by": user.username, "reason": reason}
        sealed = seal_restrictions(row, keys, marks)
        uow.cases.save(case_id, case.version, {"restrictions": sealed, "updated_at": now})
        uow.audit.append(
            AuditEvent(
                "privacy.restriction",
                user.username,
                now,
                case_id,
                detail={
                    "subject": subject_key,
                    "reason": seal_text(row, keys, f"restriction:{subject_key}/reason", reason),
                },
            )
        )
        uow.commit()
    return {
        "case_id": case_id,
        "number": case.number,
        "subject": subject_key,
        "restricted_at": now,
        "restricted_by": user.username,
        "version": case.version + 1,
    }


def corrections(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> list[dict[str, Any]]:
    """What each recipient was told of rectifications and erasures, and when."""
    check_officer(user)
    with uow:
        row = load(uow, case_id)
        rows = uow.disseminations.corrections_of(case_id)
        out = []
        for notice in rows:
            message = _message(row, keys, notice) or {}
            payload = message.get("payload") or {}
            out.append(
                {
                    "recipient": notice["recipient"],
                    "instrument": notice["instrument"],
                    "status": notice["status"],
                    "queued_at": notice.get("queued_at"),
                    "sent_at": notice.get("sent_at"),
                    "message_id": notice["message_id"],
                    "subject": payload.get("subject"),
                    "corrected_fields": payload.get("corrected_fields") or {},
                    "reason": payload.get("reason"),
                    "last_error": notice.get("last_error"),
                }
            )
    return out


def retry_correction(
    case_id: str, message_id: str, user: User, uow: AbstractUnitOfWork, enqueue: Enqueue
) -> dict[str, Any]:
    """Send a failed correction again (the gateway refused it, or gave up): the same message,
    the same id, so a recipient that did get it keeps one copy."""
    check_officer(user)
    now = utcnow()
    with uow:
        load(uow, case_id)
        found = [
            n for n in uow.disseminations.corrections_of(case_id) if n["message_id"] == message_id
        ]
        if not found:
            raise NotFound("the case has no correction message with this id")
        notice = found[0]
        if notice["status"] != "failed":
            raise Conflict(
                f"only a failed correction can be sent again; this one is '{notice['status']}'"
            )
        uow.disseminations.update(
            notice["id"],
            {"status": "queued", "retry_base": notice.get("attempts") or 0, "queued_at": now},
        )
        uow.audit.append(
            AuditEvent(
                "transfer.retry",
                user.username,
                now,
                case_id,
                detail={"recipient": notice["recipient"], "message_id": message_id},
            )
        )
        uow.after_commit(lambda: enqueue([notice["id"]]))
        uow.commit()
    return {"recipient": notice["recipient"], "message_id": message_id, "status": "queued"}
