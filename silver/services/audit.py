"""The audit trail (admin): who read, decided or sent what, and when; and what was refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from silver.domain.audit import AuditEvent
from silver.domain.errors import Forbidden, NotFound
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User


def record_refusal(
    uow: AbstractUnitOfWork,
    actor: str,
    request: str,
    status: int,
    reason: str,
    client: str | None,
    case_id: str | None,
    now: datetime,
) -> None:
    """One event per refused request: who (`anonymous` without a valid token), what (method
    and path), the answer, and from which address."""
    with uow:
        uow.audit.append(
            AuditEvent(
                "access.refused",
                actor[:64],
                now,
                case_id[:64] if case_id else None,
                reason=reason[:200],
                detail={"request": request[:300], "status": status, "client": client},
            )
        )
        uow.commit()


def trail(
    user: User, case: str | None, page: int, page_size: int, uow: AbstractUnitOfWork
) -> tuple[list[dict[str, Any]], int]:
    """The events, oldest first; `case` is a case id or its number (NL-SN-...)."""
    if user.role is not Role.ADMIN:
        raise Forbidden("the audit trail is for admins")
    with uow:
        case_id = case
        if case and case.startswith("NL-SN-"):
            case_id = uow.cases.id_of(case)
            if case_id is None:
                raise NotFound(f"no case numbered {case}")
        events, total = uow.audit.page(case_id, (page - 1) * page_size, page_size)
    return [
        {
            "seq": e.seq,
            "at": e.event.at,
            "action": e.event.action,
            "actor": e.event.actor,
            "case_id": e.event.case_id,
            "reason": e.event.reason,
            "detail": dict(e.event.detail),
            "hash": e.hash,
            "prev_hash": e.prev_hash,
        }
        for e in events
    ], total
