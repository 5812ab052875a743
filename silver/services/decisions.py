"""Screeners' decisions: approve (with four eyes where the risk calls for it), reject, return.

The policy is pure (`screening.decisions.rule_on`); this service feeds it a fresh screening of
the case inside the transaction that records the decision, takes the quota slot atomically,
keeps the decision (immutable, its justification sealed with the case's key) and audits it.
Dissemination is enqueued only after the approval has committed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from screening.decisions import DecisionRequest, FirstApproval, Instrument, Ruling, rule_on
from silver.domain import access
from silver.domain.audit import AuditEvent
from silver.domain.cases import Status
from silver.domain.errors import Conflict, Forbidden, PreconditionFailed
from silver.domain.ports import CaseChanges, CaseRow, DecisionRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.domain.versions import check_version
from silver.infra.keys import KeyMaterial
from silver.services import dissemination
from silver.services.case_store import history_json, load, open_case, seal_text, unseal_text, utcnow
from silver.services.screening import screen, screen_before_own_edits

D = TypeVar("D", bound=Mapping[str, object])
DECIDABLE = frozenset({Status.SUBMITTED, Status.AWAITING_SECOND_APPROVAL})


def _justification_context(decision_id: str) -> str:
    return f"decision:{decision_id}/justification"


def pending_first_approval(status: Status, decisions: Sequence[D]) -> D | None:
    """The approval a second screener is asked to confirm: the latest decision, when the case
    awaits its second approval and that decision is a first-stage approval."""
    if status is Status.AWAITING_SECOND_APPROVAL and decisions:
        latest = decisions[-1]
        if latest.get("stage") == "first":
            return latest
    return None


def _first_approval(status: Status, decisions: list[DecisionRow]) -> FirstApproval | None:
    d = pending_first_approval(status, decisions)
    if d is None:
        return None
    return FirstApproval(
        by=d["by"],
        instrument=cast(Instrument, d["instrument"]),
        countries=tuple(d.get("countries") or ()),
        acknowledged_rules=tuple(d.get("acknowledged_rules") or ()),
        transfer_bases=json.loads(d.get("transfer_bases") or "{}"),
    )


def decide(
    case_id: str,
    request: DecisionRequest,
    expected_version: int | None,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    quota_limit: int,
    threshold_years: float,
    enqueue: Callable[[list[str]], None] | None = None,
) -> dict[str, Any]:
    """Decide on a case. An approval records a queued Notice per recipient in the same
    transaction and hands their ids to `enqueue` once it has committed."""
    if user.role is not Role.SCREENER:
        raise Forbidden("only a screener decides on a case")
    now = utcnow()
    with uow:
        row = load(uow, case_id, for_update=True)
        access.check_visible(user, row["agency"], row["status"])
        check_version("the case", int(row["version"]), expected_version, required=False)
        case = open_case(row, keys)
        if case.status not in DECIDABLE:
            raise Conflict(
                f"a case in status '{case.status}' cannot be decided; only a submitted case "
                "or one awaiting its second approval can"
            )
        decisions = uow.cases.decisions(case_id)
        first = _first_approval(case.status, decisions)
        result = screen(uow, case, quota_limit, threshold_years, now)
        before_own_edits = (
            screen_before_own_edits(uow, case, user.username, quota_limit, threshold_years, now)
            if request.decision == "approve" and first is None
            else None
        )
        ruling = rule_on(
            request,
            result,
            actor=user.username,
            target_countries=tuple(case.body.get("target_countries") or ()),
            first=first,
            before_own_edits=before_own_edits,
        )
        if ruling.approves and uow.cases.take_quota_slot(quota_limit) is None:
            raise Conflict(
                "approval refused: INTERPOL.QUOTA (no notices or diffusions left in the quota "
                f"of {quota_limit}; another approval took the last one)"
            )
        case.transition(Status(ruling.outcome), user.username, now)
        changes: CaseChanges = {
            "status": case.status.value,
            "history": history_json(case.history),
            "updated_at": now,
        }
        if ruling.stage != "first":
            changes["decided_at"] = now
        if ruling.approves:
            changes["approved_at"] = now
            changes["instrument"] = ruling.instrument
        if not uow.cases.save(case_id, case.version, changes):
            raise PreconditionFailed("the case was changed by someone else: read it again")
        decision = _record(uow, row, keys, request, ruling, user, now, len(decisions) + 1)
        if ruling.approves and ruling.kept_out:
            uow.cases.add_kept_out(
                case_id,
                [{"country": k.country, "rule": k.rule, "risk": k.risk} for k in ruling.kept_out],
                now,
            )
        uow.audit.append(
            AuditEvent(
                f"case.decision.{request.decision}",
                user.username,
                now,
                case_id,
                reason="; ".join(request.reason_codes) or None,
                detail={
                    "decision_id": decision["id"],
                    "stage": ruling.stage,
                    "status": case.status.value,
                    "instrument": ruling.instrument,
                    "countries": list(ruling.countries),
                    "reason_codes": list(request.reason_codes),
                    "acknowledged_rules": list(ruling.acknowledged_rules),
                    "transfer_bases": dict(ruling.transfer_bases),
                    "four_eyes": list(ruling.four_eyes_reasons),
                },
            )
        )
        if ruling.approves:
            notice_ids = dissemination.plan(uow, case_id, ruling, decision["id"], now)
            if enqueue is not None:
                uow.after_commit(lambda: enqueue(notice_ids))
        uow.commit()
    return {
        **decision,
        "justification": request.justification,
        "case_status": case.status.value,
        "case_version": case.version + 1,
        "recipients": list(ruling.recipients),
        "four_eyes": {
            "required": bool(ruling.four_eyes_reasons),
            "reasons": list(ruling.four_eyes_reasons),
        },
    }


def _record(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    keys: KeyMaterial,
    request: DecisionRequest,
    ruling: Ruling,
    user: User,
    now: datetime,
    seq: int,
) -> dict[str, Any]:
    decision_id = str(uuid.uuid4())
    stored: DecisionRow = {
        "id": decision_id,
        "case_id": row["id"],
        "seq": seq,
        "decision": request.decision,
        "stage": ruling.stage,
        "outcome": ruling.outcome,
        "instrument": ruling.instrument,
        "countries": list(ruling.countries),
        "reason_codes": list(request.reason_codes),
        "acknowledged_rules": list(ruling.acknowledged_rules),
        "transfer_bases": json.dumps(dict(ruling.transfer_bases), sort_keys=True),
        "by": user.username,
        "at": now,
        "case_version": int(row["version"]),
        "justification": seal_text(
            row, keys, _justification_context(decision_id), request.justification
        ),
    }
    uow.cases.add_decision(stored)
    return _render(stored, request.justification)


def _render(stored: DecisionRow, justification: str) -> dict[str, Any]:
    return {
        "id": stored["id"],
        "case_id": stored["case_id"],
        "decision": stored["decision"],
        "stage": stored["stage"],
        "outcome": stored.get("outcome"),
        "instrument": stored.get("instrument"),
        "countries": list(stored.get("countries") or []),
        "reason_codes": list(stored.get("reason_codes") or []),
        "acknowledged_rules": list(stored.get("acknowledged_rules") or []),
        "transfer_bases": json.loads(stored.get("transfer_bases") or "{}"),
        "justification": justification,
        "by": stored["by"],
        "at": stored["at"],
    }


def decisions_in(uow: AbstractUnitOfWork, row: CaseRow, keys: KeyMaterial) -> list[dict[str, Any]]:
    """Inside an open unit of work: every decision on the case, oldest first, justifications
    unsealed."""
    return [
        _render(d, unseal_text(row, keys, _justification_context(d["id"]), d.get("justification")))
        for d in uow.cases.decisions(row["id"])
    ]


def decisions_of(
    case_id: str, user: User, uow: AbstractUnitOfWork, keys: KeyMaterial
) -> list[dict[str, Any]]:
    """Every decision on the case: for the screeners, and the owning caseworker (who needs the
    reasons of a return)."""
    with uow:
        row = load(uow, case_id)
        access.check_visible(user, row["agency"], row["status"])
        decisions = decisions_in(uow, row, keys)
        uow.audit.append(AuditEvent("case.decisions.read", user.username, utcnow(), case_id))
        uow.commit()
    return decisions


def queue(
    user: User, page: int, page_size: int, uow: AbstractUnitOfWork
) -> tuple[list[dict[str, Any]], int]:
    """The screeners' queue: submitted cases and those awaiting a second approval, urgent first,
    then oldest submission first. No personal data: the screener opens the case to read it."""
    if user.role is not Role.SCREENER:
        raise Forbidden("the screening queue is for screeners")
    with uow:
        rows, total = uow.cases.queue((page - 1) * page_size, page_size)
    out = []
    for r in rows:
        verdict = r["screening_verdict"]
        current = verdict is not None and r["screened_version"] == r["version"]
        listed = {k: v for k, v in r.items() if k not in ("screening_verdict", "screened_version")}
        out.append({**listed, "verdict": verdict, "screening_current": current})
    return out, total
