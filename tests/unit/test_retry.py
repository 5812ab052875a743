"""Work that the database gave up on for lock contention is tried again, a few times."""

from __future__ import annotations

import pytest

from silver.domain.errors import Conflict, Contention
from silver.services.retry import on_contention


def test_contention_is_tried_again_until_the_work_succeeds() -> None:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise Contention("deadlock")
        return "done"

    assert on_contention(work) == "done"
    assert len(calls) == 3


def test_contention_that_lasts_reaches_the_caller_after_the_last_attempt() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise Contention("deadlock")

    with pytest.raises(Contention):
        on_contention(work, attempts=3)
    assert len(calls) == 3


def test_other_errors_are_not_tried_again() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise Conflict("not in this status")

    with pytest.raises(Conflict):
        on_contention(work)
    assert len(calls) == 1
