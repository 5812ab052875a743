"""Reading the audit trail (admin): who read, decided or sent what, and when."""

from __future__ import annotations

from typing import Any

from silver.domain.errors import Forbidden, NotFound
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User


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
