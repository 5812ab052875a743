"""When a recipient's answer is due, and when it is overdue.

EU partners answer within the deadlines of Directive (EU) 2023/977, art. 5(1): 8 hours for an
urgent request for information directly available to them, 3 days for other urgent requests,
7 days for all others (calendar days, so plain timedeltas). Other recipients, the General
Secretariat included, have no binding deadline; the window for them is configuration
(default 30 days).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

URGENCIES = ("normal", "urgent")


@dataclass(frozen=True)
class ResponseWindows:
    eu_urgent_direct_hours: int = 8
    eu_urgent_days: int = 3
    eu_normal_days: int = 7
    other_days: int = 30

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) <= 0:
                raise ValueError(f"response window {field.name} must be positive")


def window(
    *,
    eu_member: bool,
    urgency: str,
    directly_available: bool = False,
    windows: ResponseWindows = ResponseWindows(),
) -> timedelta:
    """How long a recipient has to answer.

    `directly_available` (the information is in a database the partner's police can consult
    themselves) shortens only an urgent EU request; callers that cannot know it leave it False.
    """
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, not {urgency!r}")
    if not eu_member:
        return timedelta(days=windows.other_days)
    if urgency == "normal":
        return timedelta(days=windows.eu_normal_days)
    if directly_available:
        return timedelta(hours=windows.eu_urgent_direct_hours)
    return timedelta(days=windows.eu_urgent_days)


def due_by(
    sent_at: datetime,
    *,
    eu_member: bool,
    urgency: str,
    directly_available: bool = False,
    windows: ResponseWindows = ResponseWindows(),
) -> datetime:
    """The moment an answer to a message sent at `sent_at` (timezone-aware) is due."""
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at must be timezone-aware")
    return sent_at + window(
        eu_member=eu_member,
        urgency=urgency,
        directly_available=directly_available,
        windows=windows,
    )


def is_overdue(due_by: datetime, now: datetime) -> bool:
    """Overdue only after the due moment: an answer exactly at `due_by` is on time."""
    return now > due_by
