"""Everything a case page shows, read in one unit of work and audited as one read.

The case page (and the screener's page) show the case, its screening, decisions, disseminations,
the countries' answers and the links to other cases. Reading them one service call at a time
would open six transactions and write several audit events for one look at one case; this
reads them together, under one snapshot, and records one `case.read` with its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from silver.domain.audit import AuditEvent
from silver.domain.cases import Case
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import User
from silver.infra.keys import KeyMaterial
from silver.services.case_store import utcnow
from silver.services.decisions import decisions_in, pending_first_approval
from silver.services.dissemination import notices_in
from silver.services.intake import links_in, read_visible
from silver.services.outcomes import outcomes_in
from silver.services.screening import screening_in


@dataclass(frozen=True)
class CaseView:
    case: Case
    screening: dict[str, Any]
    decisions: list[dict[str, Any]]
    first_approval: dict[str, Any] | None
    notices: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    links: list[dict[str, Any]]

    @property
    def reached(self) -> list[str]:
        """The countries a message was delivered to: those that may answer."""
        return sorted(
            {
                c
                for n in self.notices
                if n["status"] in ("sent", "acknowledged")
                for c in n["countries"]
            }
        )


def case_view(
    case_id: str,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    quota_limit: int,
    threshold_years: float,
    purpose: str,
) -> CaseView:
    with uow:
        row, case = read_visible(uow, case_id, user, keys)
        decisions = decisions_in(uow, row, keys)
        view = CaseView(
            case=case,
            screening=screening_in(uow, row, case, user, keys, quota_limit, threshold_years),
            decisions=decisions,
            first_approval=pending_first_approval(case.status, decisions),
            notices=notices_in(uow, case_id),
            outcomes=outcomes_in(uow, row, keys),
            links=links_in(uow, case),
        )
        uow.audit.append(
            AuditEvent("case.read", user.username, utcnow(), case_id, reason=purpose[:200])
        )
        uow.commit()
    return view
