"""The rules of people management, in memory: who may change what, and that someone can always
still manage the users."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from silver.domain.audit import AuditEvent
from silver.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from silver.domain.ports import UserChanges
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import Agency, Role, User, role_and_agency_errors
from silver.services import people

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Users:
    def __init__(self, users: list[User]) -> None:
        self.users = {u.username: u for u in users}
        self.revoked: list[str] = []

    def get(self, username: str) -> User | None:
        return self.users.get(username)

    lock_for_update = get

    def all_users(self) -> list[User]:
        return sorted(self.users.values(), key=lambda u: u.username)

    def update(self, username: str, changes: UserChanges) -> User | None:
        user = self.users.get(username)
        if user is None:
            return None
        values: dict[str, Any] = dict(changes)
        if "role" in values:
            values["role"] = Role(values["role"])
        if "agency" in values:
            values["agency"] = Agency(values["agency"]) if values["agency"] else None
        self.users[username] = replace(user, **values, version=user.version + 1)
        return self.users[username]

    def revoke_tokens(self, username: str, now: datetime) -> int:
        self.revoked.append(username)
        return 1


class Audit:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self.events.append(event)


class Uow(AbstractUnitOfWork):
    def __init__(self, users: Users, audit: Audit) -> None:
        super().__init__()
        self.users = users  # type: ignore[assignment]
        self.audit = audit  # type: ignore[assignment]

    def _commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


ADMIN = User("root", Role.ADMIN, None)


def _world(*others: User) -> tuple[Users, Audit, Uow]:
    users, audit = Users([ADMIN, *others]), Audit()
    return users, audit, Uow(users, audit)


def test_role_and_agency_fit_together() -> None:
    assert role_and_agency_errors("caseworker", "FIOD") == {}
    assert role_and_agency_errors("screener", None) == {}
    assert "agency" in role_and_agency_errors("caseworker", None)
    assert "agency" in role_and_agency_errors("admin", "OM")
    assert "role" in role_and_agency_errors("boss", None)
    assert "agency" in role_and_agency_errors("caseworker", "FBI")


def test_only_an_admin_manages_users() -> None:
    worker = User("cw", Role.CASEWORKER, Agency.OM)
    _, _, uow = _world(worker)
    with pytest.raises(Forbidden):
        people.update_user(worker, "cw", {"active": False}, 1, uow, NOW)
    with pytest.raises(Forbidden):
        people.reset_password(worker, "cw", uow, NOW)


def test_the_last_active_admin_stays() -> None:
    users, _, uow = _world()
    with pytest.raises(Conflict, match="last active admin"):
        people.update_user(ADMIN, "root", {"active": False}, 1, uow, NOW)
    with pytest.raises(Conflict, match="last active admin"):
        people.update_user(ADMIN, "root", {"role": "screener"}, 1, uow, NOW)
    users.users["second"] = User("second", Role.ADMIN, None)
    people.update_user(ADMIN, "root", {"role": "evaluator"}, 1, uow, NOW)
    assert users.users["root"].role is Role.EVALUATOR


def test_changes_are_checked_versioned_and_audited() -> None:
    users, audit, uow = _world(User("cw", Role.CASEWORKER, Agency.OM, version=3))
    with pytest.raises(PreconditionFailed):
        people.update_user(ADMIN, "cw", {"agency": "FIOD"}, 2, uow, NOW)
    with pytest.raises(ValidationFailed) as refused:
        people.update_user(ADMIN, "cw", {"agency": None}, 3, uow, NOW)
    assert "agency" in refused.value.errors
    with pytest.raises(ValidationFailed):
        people.update_user(ADMIN, "cw", {"password_hash": "x"}, 3, uow, NOW)
    with pytest.raises(NotFound):
        people.update_user(ADMIN, "ghost", {"active": False}, 1, uow, NOW)
    unchanged = people.update_user(ADMIN, "cw", {"agency": "OM"}, 3, uow, NOW)
    assert unchanged.version == 3 and audit.events == []
    off = people.update_user(ADMIN, "cw", {"active": False}, 3, uow, NOW)
    assert off.version == 4 and not off.active and users.revoked == ["cw"]
    assert [(e.action, e.actor, dict(e.detail)) for e in audit.events] == [
        ("user.deactivate", "root", {"username": "cw", "changes": {"active": [True, False]}})
    ]


def test_a_reset_gives_a_one_time_password_and_requires_a_change() -> None:
    locked = User("cw", Role.CASEWORKER, Agency.OM, failed_logins=4, locked_until=NOW)
    users, audit, uow = _world(locked)
    reset = people.reset_password(ADMIN, "cw", uow, NOW)
    assert len(reset.one_time_password) >= 12
    stored = users.users["cw"]
    assert stored.must_change_password and stored.locked_until is None
    assert stored.failed_logins == 0 and reset.one_time_password not in stored.password_hash
    assert users.revoked == ["cw"]
    assert audit.events[0].action == "user.password_reset"
    assert reset.one_time_password not in str(audit.events[0].detail)
    with pytest.raises(ValidationFailed):
        people.change_password("cw", reset.one_time_password, "too-short", uow, NOW)
    people.change_password("cw", reset.one_time_password, "long-enough-password", uow, NOW)
    assert not users.users["cw"].must_change_password
