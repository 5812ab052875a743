"""The pages, one module per kind of work; importing this package registers their routes."""

from web import pages  # noqa: F401 - hooks and error pages
from web.views import (
    accessibility,
    admin,
    answers,
    auth,
    cases,
    ftm,
    privacy,
    report,
    screening,
    trace,
)

__all__ = [
    "accessibility",
    "admin",
    "answers",
    "auth",
    "cases",
    "ftm",
    "privacy",
    "report",
    "screening",
    "trace",
]
