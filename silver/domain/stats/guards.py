"""Guards that keep the evaluators' figures from pointing at a person.

Suppressing counts below `SILVER_SUPPRESS_BELOW` protects a public table, but not a public
table of one day: a window that holds a single case lets anyone who knows that case's date
read its figures (its agency, crime type, countries, results) off the table, suppression or not,
by differencing two windows. So the public audience gets windows of at least a calendar month,
and an evaluator, whose figures travel furthest, gets the public audience unless they ask for
the internal one.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from silver.domain.errors import ValidationFailed
from silver.domain.users import Role, User

PUBLIC = "public"
INTERNAL = "internal"


def default_audience(user: User | None) -> str:
    """`public` for an evaluator, `internal` for anyone else (an admin checking figures)."""
    return PUBLIC if user is not None and user.role is Role.EVALUATOR else INTERNAL


def one_month_after(day: date) -> date:
    """The same day a month later (the month's last day when it has no such day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_public_window(period_from: date | None, period_to: date | None, today: date) -> None:
    """Refuse a public window shorter than a month: [from, to] (an open `to` is today) must
    reach at least the day before the same day a month later. An open `from` reaches back to
    the pilot's beginning and is long enough."""
    if period_from is None:
        return
    end = period_to or today
    last_short_day = one_month_after(period_from) - timedelta(days=1)
    if end < last_short_day:
        raise ValidationFailed(
            {
                "from": [
                    f"public figures cover at least a month (from {period_from.isoformat()} to "
                    f"{last_short_day.isoformat()} or later), so that a short window cannot "
                    "single out a case"
                ]
            }
        )
