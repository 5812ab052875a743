"""Country profiles kept in the graph: seeded from the sourced CSV by `graph init`, reviewed
and corrected by screeners, the participant list kept by admins, every change kept."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from silver.domain.audit import AuditEvent
from silver.domain.countries import (
    CountryProfile,
    InvalidProfileError,
    all_iso_countries,
    load_seed_profiles,
    profile_from_dict,
    profile_to_dict,
)
from silver.domain.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    Unavailable,
    ValidationFailed,
)
from silver.domain.ports import CountryRow, CountrySeedRow
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Role, User
from silver.domain.versions import check_version

# Set by the server, never by a request body.
SYSTEM_FIELDS = frozenset({"code", "name", "reviewed_by", "reviewed_at"})


def seed_rows() -> list[CountrySeedRow]:
    """Every ISO 3166-1 country: the 51 participants with their sourced profile, the others
    with an empty, non-participant one."""
    seed = load_seed_profiles()
    rows: list[CountrySeedRow] = []
    for iso in all_iso_countries():
        profile = seed.get(iso.code) or CountryProfile(code=iso.code, name=iso.name)
        rows.append(
            {
                "code": iso.code,
                "name": profile.name or iso.name,
                "participant": profile.participant,
                "profile": json.dumps(profile_to_dict(profile)),
            }
        )
    return rows


def seed_countries(uow: AbstractUnitOfWork) -> int:
    with uow:
        created = int(uow.countries.seed(seed_rows()))
        uow.commit()
    return created


def _profile(row: CountryRow) -> CountryProfile:
    data = json.loads(row["profile"])
    data["participant"] = bool(row["participant"])
    return profile_from_dict(data)


def render(row: CountryRow) -> dict[str, Any]:
    profile = profile_to_dict(_profile(row))
    return {
        "code": row["code"],
        "name": row["name"],
        "participant": bool(row["participant"]),
        "version": int(row["version"]),
        "profile": {k: v for k, v in profile.items() if k not in ("code", "name", "participant")},
    }


def list_countries(
    uow: AbstractUnitOfWork, participant: bool | None = None
) -> list[dict[str, Any]]:
    with uow:
        return [render(r) for r in uow.countries.all(participant)]


def get_country(code: str, uow: AbstractUnitOfWork) -> dict[str, Any]:
    with uow:
        row = uow.countries.get(code.upper())
    if row is None:
        raise NotFound(f"no country with ISO 3166-1 alpha-2 code {code!r}")
    return render(row)


def profile_history(code: str, uow: AbstractUnitOfWork) -> list[dict[str, Any]]:
    with uow:
        if uow.countries.get(code.upper()) is None:
            raise NotFound(f"no country with ISO 3166-1 alpha-2 code {code!r}")
        rows = uow.countries.history(code.upper())
    return [{**r, "profile": json.loads(r["profile"])} for r in rows]


def load_profiles(
    uow: AbstractUnitOfWork, target_countries: list[str]
) -> tuple[dict[str, CountryProfile], frozenset[str]]:
    """The profiles a screening needs (inside the caller's transaction) and the participants."""
    profiles = {r["code"]: _profile(r) for r in uow.countries.profiles_for(target_countries)}
    participants = frozenset(code for code, p in profiles.items() if p.participant)
    if not participants:
        raise Unavailable(
            "the country profiles are missing: run `flask --app wsgi graph init` once"
        )
    return profiles, participants


def update_profile(
    code: str,
    changes: dict[str, Any],
    expected_version: int | None,
    user: User,
    uow: AbstractUnitOfWork,
    now: datetime,
) -> dict[str, Any]:
    """Screeners review and correct the indicators; only an admin changes who participates.

    Fields not given keep their stored value; `reviewed_by` and `reviewed_at` are the caller
    and now. The If-Match version guards against overwriting a colleague's review.
    """
    if user.role not in (Role.SCREENER, Role.ADMIN):
        raise Forbidden("only a screener or an admin maintains country profiles")
    code = code.upper()
    with uow:
        row = uow.countries.get(code, for_update=True)
        if row is None:
            raise NotFound(f"no country with ISO 3166-1 alpha-2 code {code!r}")
        check_version(f"the profile of {code}", int(row["version"]), expected_version)
        current = profile_to_dict(_profile(row))
        changes_participation = (
            changes.get("participant", current["participant"]) != current["participant"]
        )
        if changes_participation and user.role is not Role.ADMIN:
            raise Forbidden("only an admin changes the list of participating countries")
        merged = {**current, **changes, "reviewed_by": user.username, "reviewed_at": now}
        try:
            profile = profile_from_dict(merged)
        except InvalidProfileError as err:
            raise ValidationFailed({err.field: [err.message]}) from None
        changed = sorted(k for k in changes if changes[k] != current.get(k))
        new = profile_to_dict(profile)
        version = uow.countries.save_profile(
            code,
            int(row["version"]),
            json.dumps(new),
            profile.participant,
            user.username,
            now,
            changed,
        )
        if version is None:
            raise PreconditionFailed(f"the profile of {code} was changed by someone else")
        uow.audit.append(
            AuditEvent(
                "country.profile_update",
                user.username,
                now,
                detail={"country": code, "changed": changed, "version": version},
            )
        )
        uow.commit()
    return render(
        {
            "code": code,
            "name": row["name"],
            "participant": profile.participant,
            "profile": json.dumps(new),
            "version": version,
        }
    )


def profile_of(uow: AbstractUnitOfWork, code: str) -> CountryProfile | None:
    """One country's stored profile, inside the caller's transaction."""
    return stored_profile(uow.countries.get(code))


def stored_profile(row: CountryRow | None) -> CountryProfile | None:
    """The profile of a country row read by another query (None: no stored profile)."""
    return _profile(row) if row else None
