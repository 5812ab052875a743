from __future__ import annotations

from datetime import UTC, datetime

import pytest

from silver.domain.cases import EDITABLE, TRANSITIONS, Case, Status, case_number
from silver.domain.errors import Conflict

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def a_case(status: Status) -> Case:
    return Case("id", "NL-SN-2026-0001", "FIOD", "cw", status, 1, NOW, NOW, {"title": "t"})


def test_the_happy_path() -> None:
    case = a_case(Status.DRAFT)
    for to in (
        Status.SUBMITTED,
        Status.AWAITING_SECOND_APPROVAL,
        Status.APPROVED,
        Status.DISSEMINATED,
        Status.CLOSED,
    ):
        case.transition(to, "someone", NOW)
    assert [h.status for h in case.history][-1] is Status.CLOSED
    assert case.submitted_at == NOW


def test_returned_goes_back_to_submitted() -> None:
    case = a_case(Status.SUBMITTED)
    case.transition(Status.RETURNED, "screener", NOW)
    assert case.editable
    case.transition(Status.SUBMITTED, "cw", NOW)
    assert not case.editable


@pytest.mark.parametrize("start", list(Status))
def test_every_forbidden_transition_is_refused(start: Status) -> None:
    for to in set(Status) - TRANSITIONS[start]:
        with pytest.raises(Conflict):
            a_case(start).transition(to, "x", NOW)


def test_only_draft_and_returned_are_editable() -> None:
    assert {Status.DRAFT, Status.RETURNED} == EDITABLE
    assert case_number(2026, 7) == "NL-SN-2026-0007"
