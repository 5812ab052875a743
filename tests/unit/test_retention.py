"""When a case's personal data is due for erasure (pure policy)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from silver.services.retention import RetentionPolicy

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
POLICY = RetentionPolicy(days=30, pilot_end=date(2027, 12, 31))


def test_a_closed_case_is_due_once_the_period_has_passed() -> None:
    assert POLICY.due("closed", NOW - timedelta(days=30, seconds=1), NOW)
    assert not POLICY.due("closed", NOW - timedelta(days=29, hours=23), NOW)


def test_an_open_case_is_not_due_before_the_pilot_ended_plus_the_period() -> None:
    assert not POLICY.due("disseminated", None, NOW)
    assert not POLICY.due("closed", None, NOW)


def test_every_case_is_due_once_the_pilot_ended_plus_the_period() -> None:
    after = datetime(2028, 1, 31, 0, 0, 1, tzinfo=UTC)
    assert POLICY.due("submitted", None, after)
    assert not POLICY.due("submitted", None, datetime(2028, 1, 30, 23, 59, tzinfo=UTC))
