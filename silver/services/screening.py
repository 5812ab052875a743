"""Runs the automated screening for a case: on submit (stored with the version it judged)
and on demand. Country profiles are the sourced seed data until screeners review them.

The stored result names subjects, minors' ages and the special-category terms found, so it is
sealed with the case's data key (and bound to the version it judged: a result cannot be passed
off as another version's). Only its verdict (`blocked`, `needs_review` or `clear`, nothing
personal) stays in the clear beside it, so the screeners' queue never decrypts a case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from screening import QuotaState, ScreeningConfig, ScreeningResult, screen_case
from silver.domain import access
from silver.domain.cases import Case
from silver.domain.countries import profile_from_dict
from silver.domain.ports import CaseRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.infra.keys import KeyMaterial
from silver.services.case_store import load, open_case, seal_text, unseal_text, utcnow
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


def screen_before_own_edits(
    uow: AbstractUnitOfWork,
    case: Case,
    actor: str,
    quota_limit: int,
    threshold_years: float,
    now: datetime,
) -> ScreeningResult | None:
    """The screening as it would be without `actor`'s latest edits of the country profiles it
    uses: each profile `actor` reviewed last is taken at the version before their run of
    edits. None when `actor` reviewed none of them (nothing to compare). A screener who
    lowered a country's risk cannot then approve to it alone (the four-eyes rule compares)."""
    profiles, participants = load_profiles(uow, list(case.body.get("target_countries") or []))
    mine = [code for code, profile in profiles.items() if profile.reviewed_by == actor]
    if not mine:
        return None
    before = dict(profiles)
    for code in mine:
        earlier = [h for h in uow.countries.history(code) if h["by"] != actor]
        if earlier:  # newest first: the latest version someone else made
            data = json.loads(earlier[0]["profile"])
            data.setdefault("participant", profiles[code].participant)
            before[code] = profile_from_dict(data)
    return screen_case(
        case.body,
        profiles=before,
        participants=participants,
        quota=QuotaState(limit=quota_limit, used=uow.cases.quota_used()),
        today=now.date(),
        now=now,
        config=ScreeningConfig(penalty_threshold_years=threshold_years),
    )


def _context(version: int) -> str:
    return f"screening/v{version}"


def seal_result(row: CaseRow, keys: KeyMaterial, version: int, result: dict[str, Any]) -> str:
    return seal_text(row, keys, _context(version), json.dumps(result))


def stored_result(row: CaseRow, keys: KeyMaterial) -> dict[str, Any] | None:
    """The stored result (decrypted) when it judged the case's current version."""
    sealed, version = row.get("screening"), row.get("screened_version")
    if not sealed or version is None or version != row["version"]:
        return None
    result: dict[str, Any] = json.loads(unseal_text(row, keys, _context(version), sealed))
    return result


def screen_on_submit(
    quota_limit: int, threshold_years: float, keys: KeyMaterial
) -> Callable[[AbstractUnitOfWork, Case], None]:
    """The hook `intake.submit_case` runs inside its transaction."""

    def hook(uow: AbstractUnitOfWork, case: Case) -> None:
        now = utcnow()
        result = screen(uow, case, quota_limit, threshold_years, now).to_dict()
        row = load(uow, case.id)
        sealed = seal_result(row, keys, case.version, result)
        uow.cases.store_screening(case.id, case.version, sealed, str(result["verdict"]), now)

    return hook


def seal_clear_results(
    uow: AbstractUnitOfWork, keys: Callable[[], KeyMaterial], batch: int = 200
) -> int:
    """Seal up to `batch` results that an older version stored in the clear (`graph init`
    runs this until none is left; the keys are loaded only when there is one). Returns how
    many it sealed."""
    sealed = 0
    with uow:
        for case_id, version, text in uow.cases.clear_screenings(batch):
            row = load(uow, case_id)
            material = keys()
            result = json.loads(text)
            uow.cases.store_screening(
                case_id,
                version,
                seal_result(row, material, version, result),
                str(result.get("verdict")),
                row.get("screened_at") or utcnow(),
            )
            sealed += 1
        uow.commit()
    return sealed


def screening_in(
    uow: AbstractUnitOfWork,
    row: CaseRow,
    case: Case,
    user: User,
    keys: KeyMaterial,
    quota_limit: int,
    threshold_years: float,
) -> dict[str, Any]:
    """Inside an open unit of work: the stored result when it judged the current version,
    else a fresh one. The owning caseworker sees the case-level findings; a screener also sees
    the countries."""
    stored = stored_result(row, keys)
    if stored is not None:
        result: dict[str, Any] = stored
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
        case = open_case(row, keys)
        return screening_in(uow, row, case, user, keys, quota_limit, threshold_years)
