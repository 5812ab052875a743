"""Users, roles and agencies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SCREENER = "screener"
    EVALUATOR = "evaluator"
    ADMIN = "admin"
    # Handles data-subject requests (LED arts. 14-18): finds a person's cases across agencies,
    # reports what is held and sent, corrects, erases, restricts. No agency; no case list.
    PRIVACY_OFFICER = "privacy_officer"


class Agency(StrEnum):
    FIOD = "FIOD"
    OM = "OM"
    POLITIE = "POLITIE"


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12
# The one answer to too many login attempts, whichever limit or lockout was hit and whether or
# not the username exists, so that the answer tells an attacker nothing.
LOGIN_THROTTLED = "Too many login attempts. Try again later (see Retry-After)."


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    agency: Agency | None
    password_hash: str = ""
    failed_logins: int = 0
    locked_until: datetime | None = None
    active: bool = True
    must_change_password: bool = False
    version: int = 1
    last_login_at: datetime | None = None

    def public(self) -> dict[str, str | None]:
        return {
            "username": self.username,
            "role": self.role.value,
            "agency": self.agency.value if self.agency else None,
        }


def role_and_agency_errors(role: str | None, agency: str | None) -> dict[str, list[str]]:
    """What is wrong with a role and agency together: a caseworker belongs to an agency, no
    one else does. Empty when they fit."""
    errors: dict[str, list[str]] = {}
    try:
        role_value = Role(role) if role is not None else None
    except ValueError:
        return {"role": [f"must be one of {', '.join(r.value for r in Role)}"]}
    if agency:
        try:
            Agency(agency)
        except ValueError:
            return {"agency": [f"must be one of {', '.join(a.value for a in Agency)}"]}
    if role_value is Role.CASEWORKER and not agency:
        errors["agency"] = ["a caseworker belongs to an agency (FIOD, OM or POLITIE)"]
    if role_value not in (None, Role.CASEWORKER) and agency:
        errors["agency"] = ["only caseworkers belong to an agency"]
    return errors
