"""Need-to-know: who may see which case."""

from __future__ import annotations

from silver.domain.cases import Status
from silver.domain.errors import Forbidden, NotFound
from silver.domain.users import Role, User

CASE_ROLES = (Role.CASEWORKER, Role.SCREENER)


def may_see(user: User, agency: str, status: str) -> bool:
    if user.role is Role.CASEWORKER:
        return user.agency is not None and user.agency.value == agency
    if user.role is Role.SCREENER:
        return status != Status.DRAFT.value
    return False


def check_case_role(user: User) -> None:
    """Only caseworkers and screeners work with cases; evaluators and admins never see one."""
    if user.role not in CASE_ROLES:
        raise Forbidden("this role does not see cases")


def check_visible(user: User, agency: str, status: str) -> None:
    """404 when the case must not even be known to exist for this user; 403 for other roles."""
    check_case_role(user)
    if not may_see(user, agency, status):
        raise NotFound("no such case")


def check_owner(user: User, agency: str) -> None:
    """Only a caseworker of the owning agency may change a case's content."""
    if user.role is not Role.CASEWORKER:
        raise Forbidden("only the owning agency's caseworkers change a case")
    if user.agency is None or user.agency.value != agency:
        raise NotFound("no such case")


def check_actor(user: User, agency: str, status: str) -> None:
    """The owning agency's caseworkers and the screeners may act on a case (close it, record
    an answer); everyone else gets what `check_visible` or `check_owner` would say."""
    if user.role is Role.SCREENER:
        check_visible(user, agency, status)
    else:
        check_owner(user, agency)
