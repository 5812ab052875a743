"""Runs the automated screening for a case: on submit (stored with the version it judged)
and on demand. Country profiles are the sourced seed data until screeners review them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from screening import QuotaState, ScreeningConfig, ScreeningResult, screen_case
from silver.domain import access
from silver.domain.cases import Case
from silver.domain.ports import CaseRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.infra.keys import KeyMaterial
from silver.services.case_store import load, open_case, utcnow
from silver.services.countries import load_profiles


def screen(
    uow: AbstractUnitOfWork,
    case: Case,
    quota_limit: int,
    threshold_years: float,
    now: datetime,
) -> ScreeningResult:
    """Screen `case` against the stored country profiles and the quota, inside `uow`."""
    profiles, participants = load_profiles(uow, list(case.body.get("target_countries") or []))
    return screen_case(
        case.body,
        profiles=profiles,
        participants=participants,
        quota=QuotaState(limit=quota_limit, used=uow.cases.quota_used()),
        today=now.date(),
        now=now,
        config=ScreeningConfig(penalty_threshold_years=threshold_years),
    )


def screen_on_submit(
    quota_limit: int, threshold_years: float
) -> Callable[[AbstractUnitOfWork, Case], None]:
    """The hook `intake.submit_case` runs inside its transaction."""

    def hook(uow: AbstractUnitOfWork, case: Case) -> None:
        now = utcnow()
        result = screen(uow, case, quota_limit, threshold_years, now)
        uow.cases.store_screening(case.id, case.version, json.dumps(result.to_dict()), now)

    return hook


def screening_in(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    case: Case,
    user: User,
    quota_limit: int,
    threshold_years: float,
) -> dict[str, Any]:
    """Inside an open unit of work: the stored result when it judged the current version,
    else a fresh one. The owning caseworker sees the case-level findings; a screener also sees
    the countries."""
    stored = row.get("screening")
    if stored and row.get("screened_version") == row["version"]:
        result: dict[str, Any] = json.loads(stored)
        judged_at = row.get("screened_at")
    else:
        now = utcnow()
        result = screen(uow, case, quota_limit, threshold_years, now).to_dict()
        judged_at = now
    result["case_version"] = row["version"]
    result["screened_at"] = judged_at
    if user.role is Role.CASEWORKER:
        result.pop("countries", None)
    return result


def screening_of(
    case_id: str,
    user: User,
    uow: AbstractUnitOfWork,
    keys: KeyMaterial,
    quota_limit: int,
    threshold_years: float,
) -> dict[str, Any]:
    with uow:
        row = load(uow, case_id)
        access.check_visible(user, row["agency"], row["status"])
        return screening_in(uow, row, open_case(row, keys), user, quota_limit, threshold_years)
