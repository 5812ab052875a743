from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from silver.domain.windows import ResponseWindows, due_by, is_overdue

SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("eu_member", "urgency", "directly_available", "window"),
    [
        (True, "urgent", True, timedelta(hours=8)),
        (True, "urgent", False, timedelta(days=3)),
        (True, "normal", False, timedelta(days=7)),
        (True, "normal", True, timedelta(days=7)),
        (False, "urgent", True, timedelta(days=30)),
        (False, "urgent", False, timedelta(days=30)),
        (False, "normal", False, timedelta(days=30)),
    ],
)
def test_each_window(
    eu_member: bool, urgency: str, directly_available: bool, window: timedelta
) -> None:
    due = due_by(SENT, eu_member=eu_member, urgency=urgency, directly_available=directly_available)
    assert due == SENT + window


def test_the_windows_are_configurable() -> None:
    windows = ResponseWindows(
        eu_urgent_direct_hours=4, eu_urgent_days=2, eu_normal_days=5, other_days=45
    )
    assert due_by(SENT, eu_member=False, urgency="normal", windows=windows) == SENT + timedelta(
        days=45
    )
    assert due_by(
        SENT, eu_member=True, urgency="urgent", directly_available=True, windows=windows
    ) == SENT + timedelta(hours=4)
    assert due_by(SENT, eu_member=True, urgency="urgent", windows=windows) == SENT + timedelta(
        days=2
    )
    assert due_by(SENT, eu_member=True, urgency="normal", windows=windows) == SENT + timedelta(
        days=5
    )


def test_days_are_calendar_days_and_keep_the_senders_offset() -> None:
    sent = datetime(2026, 3, 27, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    due = due_by(sent, eu_member=True, urgency="urgent")
    assert due == datetime(2026, 3, 30, 17, 0, tzinfo=UTC)


def test_overdue_only_after_the_due_moment() -> None:
    due = due_by(SENT, eu_member=True, urgency="normal")
    assert not is_overdue(due, due - timedelta(seconds=1))
    assert not is_overdue(due, due)
    assert is_overdue(due, due + timedelta(seconds=1))


def test_an_unknown_urgency_is_refused() -> None:
    with pytest.raises(ValueError, match="urgency"):
        due_by(SENT, eu_member=True, urgency="asap")


def test_a_naive_send_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_by(datetime(2026, 3, 2, 9, 30), eu_member=True, urgency="normal")


@pytest.mark.parametrize(
    "field", ["eu_urgent_direct_hours", "eu_urgent_days", "eu_normal_days", "other_days"]
)
def test_a_window_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        ResponseWindows(**{field: 0})
