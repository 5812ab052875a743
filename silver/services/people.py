"""People management: an admin changes a user's role, agency or whether they may log in, and
resets a forgotten password; a user changes their own password. Every change is audited.

- Deactivating a user revokes their tokens, and authentication only knows active users, so
  they are out at once, on the API and the pages alike; reactivating them lets them log in
  again (with their password; no old token comes back).
- A reset gives the admin a one-time password to hand over, once; the account is unlocked
  (the login throttle's count too), every token revoked, and the user must choose a new
  password before they get a token (`PasswordChangeRequired`, a 403 naming
  `POST /api/v1/auth/password`).
- Edits carry the version the admin read (the ETag, If-Match), like every other edit, so two
  admins cannot overwrite each other unknowingly.
- The last active admin can be neither deactivated nor given another role: someone must be
  able to manage the users.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from silver.domain.audit import AuditEvent
from silver.domain.errors import Conflict, NotFound, ValidationFailed
from silver.domain.ports import LoginThrottle, UserChanges
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import MIN_PASSWORD_LENGTH, Role, User, role_and_agency_errors
from silver.domain.versions import check_version
from silver.infra import passwords
from silver.services.auth import require_role, utcnow

ONE_TIME_PASSWORD_BYTES = 15  # 20 characters of base64url: well above MIN_PASSWORD_LENGTH
EDITABLE = ("role", "agency", "active")


@dataclass(frozen=True)
class PasswordReset:
    """What the admin sees once: the one-time password to hand to the user."""

    user: User
    one_time_password: str


def _get(uow: AbstractUnitOfWork, username: str, for_update: bool = False) -> User:
    found = uow.users.lock_for_update(username) if for_update else uow.users.get(username)
    if found is None:
        raise NotFound(f"there is no user {username!r}")
    return found


def get_user(actor: User, username: str, uow: AbstractUnitOfWork) -> User:
    require_role(actor, Role.ADMIN)
    with uow:
        return _get(uow, username)


def _active_admins(uow: AbstractUnitOfWork) -> set[str]:
    return {u.username for u in uow.users.all_users() if u.role is Role.ADMIN and u.active}


def update_user(
    actor: User,
    username: str,
    changes: dict[str, Any],
    version: int | None,
    uow: AbstractUnitOfWork,
    now: datetime | None = None,
    throttle: LoginThrottle | None = None,
) -> User:
    """Change the role, agency and/or `active` of a user, against the version the admin read.
    A role other than caseworker drops the agency unless one is given (which is then refused)."""
    require_role(actor, Role.ADMIN)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed({name: ["cannot be changed here"] for name in unknown})
    if "active" in changes and not isinstance(changes["active"], bool):
        raise ValidationFailed({"active": ["must be true or false"]})
    now = now or utcnow()
    with uow:
        user = _get(uow, username, for_update=True)
        check_version(f"user {username}", user.version, version)
        role = changes.get("role", user.role.value)
        if "agency" in changes:
            agency = changes["agency"] or None
        elif role != Role.CASEWORKER.value:
            agency = None
        else:
            agency = user.agency.value if user.agency else None
        errors = role_and_agency_errors(role, agency)
        if errors:
            raise ValidationFailed(errors)
        active = bool(changes.get("active", user.active))
        before: dict[str, Any] = {
            "role": user.role.value,
            "agency": user.agency.value if user.agency else None,
            "active": user.active,
        }
        after: dict[str, Any] = {"role": role, "agency": agency, "active": active}
        changed = {k: [before[k], after[k]] for k in EDITABLE if before[k] != after[k]}
        if not changed:
            return user
        demoted = user.role is Role.ADMIN and user.active and (role != "admin" or not active)
        if demoted and _active_admins(uow) <= {username}:
            raise Conflict(
                "this is the last active admin: make another user an admin first, so that "
                "someone can still manage the users"
            )
        update: UserChanges = {"role": role, "agency": agency, "active": active}
        if active and not user.active:
            # A fresh start: failures counted before the deactivation do not lock them out.
            update["failed_logins"] = 0
            update["locked_until"] = None
        updated = uow.users.update(username, update)
        assert updated is not None
        if not active:
            uow.users.revoke_tokens(username, now)
        kind = "user.update"
        if set(changed) == {"active"}:
            kind = "user.reactivate" if active else "user.deactivate"
        uow.audit.append(
            AuditEvent(kind, actor.username, now, detail={"username": username, "changes": changed})
        )
        uow.commit()
    if active and not user.active and throttle is not None:
        throttle.succeeded(username)
    return updated


def reset_password(
    actor: User,
    username: str,
    uow: AbstractUnitOfWork,
    now: datetime | None = None,
    throttle: LoginThrottle | None = None,
) -> PasswordReset:
    """A one-time password for a user who forgot theirs: shown to the admin once, never
    stored but as its hash; the user must change it at their next login."""
    require_role(actor, Role.ADMIN)
    now = now or utcnow()
    one_time = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    with uow:
        _get(uow, username, for_update=True)
        updated = uow.users.update(
            username,
            {
                "password_hash": passwords.hash_password(one_time),
                "must_change_password": True,
                "failed_logins": 0,
                "locked_until": None,
            },
        )
        assert updated is not None
        revoked = uow.users.revoke_tokens(username, now)
        uow.audit.append(
            AuditEvent(
                "user.password_reset",
                actor.username,
                now,
                detail={"username": username, "tokens_revoked": revoked},
            )
        )
        uow.commit()
    if throttle is not None:
        # A lockout from before the reset would keep the user from the new password.
        throttle.succeeded(username)
    return PasswordReset(updated, one_time)


def check_new_password(current: str, new: str) -> None:
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {"new_password": [f"must be at least {MIN_PASSWORD_LENGTH} characters"]}
        )
    if len(new) > 1024:
        raise ValidationFailed({"new_password": ["must be at most 1024 characters"]})
    if new == current:
        raise ValidationFailed({"new_password": ["must differ from the current password"]})


def change_password(
    username: str, current: str, new: str, uow: AbstractUnitOfWork, now: datetime | None = None
) -> User:
    """Set a user's new password, once their current one was checked (by the login that the
    caller ran first): every token of theirs is revoked, the must-change flag cleared."""
    check_new_password(current, new)
    now = now or utcnow()
    with uow:
        user = _get(uow, username, for_update=True)
        updated = uow.users.update(
            username,
            {"password_hash": passwords.hash_password(new), "must_change_password": False},
        )
        assert updated is not None
        uow.users.revoke_tokens(username, now)
        uow.audit.append(
            AuditEvent(
                "user.password_change",
                username,
                now,
                detail={"username": username, "required": user.must_change_password},
            )
        )
        uow.commit()
    return replace(updated, password_hash="")
