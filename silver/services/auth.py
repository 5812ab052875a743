"""Identity services: users, login with lockout, tokens that expire and can be revoked.

A login is answered the same way whether the username exists or not: the password is always
checked (against a dummy hash for an unknown user, so the time taken is the same), failures are
counted for any username (`LoginThrottle`), and a lockout is the same 429. Every failure (an
unknown user, a wrong password, an inactive or locked account) is audited with the client's
address; the rate limits in front of the login bound how many one address can cause.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from silver.domain.audit import AuditEvent
from silver.domain.errors import (
    Conflict,
    Forbidden,
    PasswordChangeRequired,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
)
from silver.domain.ports import LoginThrottle
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import (
    LOGIN_THROTTLED,
    MIN_PASSWORD_LENGTH,
    USERNAME_RE,
    Agency,
    Role,
    User,
)
from silver.infra import passwords

# (token hash, now) -> the token's active user, or None.
TokenReader = Callable[[str, datetime], User | None]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    username: str,
    role: str,
    agency: str | None,
    password: str,
    uow: AbstractUnitOfWork,
    actor: str = "cli",
) -> User:
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = ["2-63 characters: lower-case letters, digits, '.', '_' or '-'"]
    try:
        role_value = Role(role)
    except ValueError:
        errors["role"] = [f"must be one of {', '.join(r.value for r in Role)}"]
        role_value = None
    agency_value: Agency | None = None
    if agency:
        try:
            agency_value = Agency(agency)
        except ValueError:
            errors["agency"] = [f"must be one of {', '.join(a.value for a in Agency)}"]
    if role_value is Role.CASEWORKER and agency_value is None and "agency" not in errors:
        errors["agency"] = ["a caseworker belongs to an agency (FIOD, OM or POLITIE)"]
    if role_value not in (None, Role.CASEWORKER) and agency:
        errors["agency"] = ["only caseworkers belong to an agency"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"must be at least {MIN_PASSWORD_LENGTH} characters"]
    if errors:
        raise ValidationFailed(errors)
    assert role_value is not None
    user = User(username, role_value, agency_value, passwords.hash_password(password))
    with uow:
        if not uow.users.add(user, utcnow()):
            raise Conflict(f"user {username!r} exists already")
        uow.audit.append(
            AuditEvent(
                "user.create",
                actor,
                utcnow(),
                detail={"username": username, "role": role_value.value},
            )
        )
        uow.commit()
    return user


def list_users(actor: User, uow: AbstractUnitOfWork) -> list[User]:
    """Every user, by username (an admin's overview; password hashes stay in the domain)."""
    require_role(actor, Role.ADMIN)
    with uow:
        return list(uow.users.all_users())


def _failure(
    username: str, now: datetime, reason: str, client: str | None, locked: bool
) -> AuditEvent:
    """A failed login as an audit event; the actor is the username as typed (cut short)."""
    return AuditEvent(
        "auth.failure",
        username[:64],
        now,
        detail={"reason": reason, "locked": locked, "client": client},
    )


def issue_token(
    username: str,
    password: str,
    uow: AbstractUnitOfWork,
    *,
    throttle: LoginThrottle,
    ttl_seconds: int,
    lockout_threshold: int,
    lockout_seconds: int,
    client: str | None = None,
    now: datetime | None = None,
    changing_password: bool = False,
) -> IssuedToken:
    """A token for the right password. A user whose password an admin reset gets none
    (PasswordChangeRequired) unless the login is the first step of changing it
    (`changing_password`, silver.services.people)."""
    now = now or utcnow()
    retry = throttle.locked_for(username, now)
    if retry:
        with uow:
            uow.audit.append(_failure(username, now, "locked", client, locked=True))
            uow.commit()
        raise TooManyAttempts(LOGIN_THROTTLED, retry_after=retry)
    with uow:
        user = uow.users.lock_for_update(username)
        # Checked even for an unknown user (against a dummy hash): the time taken must not
        # tell whether the username exists.
        matches = passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not user.active or not matches:
            reason = (
                "unknown user"
                if user is None
                else "inactive account"
                if not user.active
                else "wrong password"
            )
            locked = throttle.failed(username, now, lockout_threshold, lockout_seconds)
            if user is not None:
                uow.users.record_failure(username, locked)  # shown to admins
            uow.audit.append(_failure(username, now, reason, client, locked=locked is not None))
            uow.commit()
            raise Unauthenticated("unknown username or wrong password")
        throttle.succeeded(username)
        if user.must_change_password and not changing_password:
            raise PasswordChangeRequired(
                "the password was reset by an admin and must be changed first: POST "
                "/api/v1/auth/password with your username, the current password and a new one"
            )
        token = secrets.token_urlsafe(32)
        uow.users.record_success(username, now)
        uow.users.add_token(token_hash(token), username, now, now + timedelta(seconds=ttl_seconds))
        uow.audit.append(AuditEvent("auth.login", username, now, detail={"client": client}))
        uow.commit()
    return IssuedToken(token, ttl_seconds)


def authenticate(
    token: str,
    uow: AbstractUnitOfWork,
    now: datetime | None = None,
    reader: TokenReader | None = None,
) -> User:
    """The user of a valid token. `reader` (bound by the composition root) reads it without a
    unit of work, which every request would otherwise open just for this."""
    if reader is not None:
        user = reader(token_hash(token), now or utcnow())
    else:
        with uow:
            user = uow.users.user_for_token(token_hash(token), now or utcnow())
    if user is None:
        raise Unauthenticated("the token is unknown, expired or revoked")
    return user


def revoke(token: str, actor: User, uow: AbstractUnitOfWork) -> None:
    now = utcnow()
    with uow:
        uow.users.revoke_token(token_hash(token), now)
        uow.audit.append(AuditEvent("auth.logout", actor.username, now))
        uow.commit()


def require_role(user: User, *roles: Role) -> None:
    """The one role guard every endpoint goes through."""
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")


def require_agency(user: User, agency: str) -> None:
    """A caseworker acts only on their own agency's records; other roles pass."""
    if user.role is Role.CASEWORKER and (user.agency is None or user.agency.value != agency):
        raise Forbidden("this belongs to another agency")
