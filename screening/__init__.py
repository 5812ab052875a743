"""Automated screening of Silver cases: pure functions, no I/O, no clock.

`screen_case(case, profiles=..., quota=..., today=..., now=...)` takes the case as the JSON
body of `POST /api/v1/cases` (a draft may be partial) and the countries' risk profiles, and
returns a `ScreeningResult` whose `to_dict()` is the body of `GET /api/v1/cases/{id}/screening`.
Rules live in `case_rules.py` and `country_rules.py`, one decorated function each.
"""

from screening.catalogue import rule_catalogue
from screening.engine import assess_country, candidate_countries, screen, screen_case
from screening.model import (
    RISKS,
    SEVERITIES,
    CountryAssessment,
    CountryReason,
    Finding,
    QuotaState,
    ScreeningConfig,
    ScreeningInput,
    ScreeningResult,
)
from screening.registry import CASE_RULES, COUNTRY_RULES
from silver.domain.identifiers import is_bsn

__all__ = [
    "CASE_RULES",
    "COUNTRY_RULES",
    "RISKS",
    "SEVERITIES",
    "CountryAssessment",
    "CountryReason",
    "Finding",
    "QuotaState",
    "ScreeningConfig",
    "ScreeningInput",
    "ScreeningResult",
    "assess_country",
    "candidate_countries",
    "is_bsn",
    "rule_catalogue",
    "screen",
    "screen_case",
]
