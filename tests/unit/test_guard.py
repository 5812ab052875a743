from __future__ import annotations

import pytest

from silver.domain.errors import Forbidden
from silver.domain.users import Agency, Role, User
from silver.services.auth import require_agency, require_role

FIOD_WORKER = User("cw", Role.CASEWORKER, Agency.FIOD)
SCREENER = User("sc", Role.SCREENER, None)
EVALUATOR = User("ev", Role.EVALUATOR, None)


def test_role_guard_lets_the_named_roles_through() -> None:
    require_role(SCREENER, Role.SCREENER, Role.ADMIN)
    require_role(FIOD_WORKER, Role.CASEWORKER)


@pytest.mark.parametrize("user", [FIOD_WORKER, EVALUATOR])
def test_role_guard_refuses_other_roles(user: User) -> None:
    with pytest.raises(Forbidden) as caught:
        require_role(user, Role.SCREENER, Role.ADMIN)
    assert "screener or admin" in caught.value.detail


def test_agency_guard_keeps_caseworkers_to_their_agency() -> None:
    require_agency(FIOD_WORKER, "FIOD")
    with pytest.raises(Forbidden):
        require_agency(FIOD_WORKER, "OM")
    require_agency(SCREENER, "OM")
