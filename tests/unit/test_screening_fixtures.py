"""Builders shared by the screening tests, and the tests that keep them honest.

`valid_case()` is a clean, fictional case in the JSON shape of `POST /api/v1/cases`: it raises
no case-level finding, so each rule test adds exactly the data that should make its rule fire.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from screening import CountryAssessment, QuotaState, ScreeningConfig, ScreeningResult, screen_case
from silver.domain.countries import CountryProfile, load_seed_profiles

TODAY = date(2025, 10, 1)
NOW = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
QUOTA = QuotaState(limit=9, used=2)


@cache
def _seed() -> dict[str, CountryProfile]:
    return load_seed_profiles()


def seed_profiles() -> dict[str, CountryProfile]:
    return dict(_seed())


def person(key: str = "s1", **fields: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "key": key,
        "kind": "person",
        "role": "suspect",
        "justification": "",
        "full_name": "Jan Jansen",
        "aliases": [],
        "date_of_birth": "1970-05-17",
        "nationalities": ["NL"],
        "residence_country": "NL",
        "refugee_status": None,
        "identifiers": [{"type": "passport", "value": "NW92BD2F1", "country": "NL"}],
        "remarks": "",
    }
    subject.update(fields)
    return subject


def organisation(key: str = "o1", **fields: Any) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "key": key,
        "kind": "organisation",
        "role": "third_party",
        "justification": "The company holds the villa for the suspect.",
        "name": "Zilverreiger Holding B.V.",
        "registration_number": "NL-KVK-87654321",
        "jurisdiction": "NL",
        "lei": "724500VKKSH9QOLTFR81",
        "remarks": "",
    }
    subject.update(fields)
    return subject


def valid_case(**fields: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "title": "Operatie Zilverreiger",
        "national_reference": "ON-2025-0042",
        "crime_types": ["fraud"],
        "offence_summary": (
            "The suspect ran a fake investment fund and took EUR 4 million from investors."
        ),
        "max_penalty_years": 6,
        "legal_basis": {"type": "criminal_investigation", "reference": "RC Rotterdam 2025/17"},
        "urgency": "normal",
        "requested_instrument": "diffusion",
        "target_countries": ["ES"],
        "contains_special_categories": False,
        "special_categories_justification": "",
        "subjects": [person()],
        "assets": [
            {
                "key": "a1",
                "type": "real_estate",
                "country": "ES",
                "estimated_value": {"amount": "850000.00", "currency": "EUR"},
                "description": "Villa with a pool, bought in cash through a lawyer.",
                "address": "Calle Mayor 1, Marbella",
                "cadastral_reference": "9872023VH5797S0001WX",
            }
        ],
        "holdings": [{"subject": "s1", "asset": "a1", "relation": "owns", "share": 1}],
        "relations": [],
    }
    case.update(copy.deepcopy(fields))
    return case


def run(
    case: Any,
    *,
    profiles: dict[str, CountryProfile] | None = None,
    quota: QuotaState = QUOTA,
    today: date = TODAY,
    now: datetime = NOW,
    participants: frozenset[str] | None = None,
    config: ScreeningConfig | None = None,
) -> ScreeningResult:
    kwargs: dict[str, Any] = {}
    if participants is not None:
        kwargs["participants"] = participants
    return screen_case(
        case,
        profiles=seed_profiles() if profiles is None else profiles,
        quota=quota,
        today=today,
        now=now,
        config=config,
        **kwargs,
    )


def rule_fields(result: ScreeningResult, rule: str) -> list[str | None]:
    return [f.field for f in result.findings if f.rule == rule]


def row(result: ScreeningResult, country: str) -> CountryAssessment:
    found = result.country(country)
    assert found is not None, f"no row for {country}"
    return found


def reasons(result: ScreeningResult, country: str, rule: str | None = None) -> list[str]:
    """The risks of the country's reasons (of one rule, if given)."""
    return [r.risk for r in row(result, country).reasons if rule is None or r.rule == rule]


def message(result: ScreeningResult, country: str, rule: str) -> str:
    return next(r.message for r in row(result, country).reasons if r.rule == rule)


def test_valid_case_raises_no_case_finding() -> None:
    assert run(valid_case()).findings == ()


def test_valid_case_with_an_organisation_only_warns_about_the_third_party() -> None:
    result = run(valid_case(subjects=[person(), organisation()]))
    assert [f.rule for f in result.findings] == ["GDPR.THIRD_PARTY"]
