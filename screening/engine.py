"""The screening engine: a case and the countries' profiles in, findings and risks out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from screening import case_rules, country_rules
from screening.model import (
    CountryAssessment,
    CountryReason,
    Finding,
    QuotaState,
    ScreeningConfig,
    ScreeningInput,
    ScreeningResult,
    Verdict,
    max_risk,
)
from screening.registry import CASE_RULES, COUNTRY_RULES
from screening.view import CaseView, CountryView
from silver.domain.cases import REQUESTER
from silver.domain.countries import DEFAULT_PARTICIPANTS, CountryProfile

RULE_MODULES = (case_rules, country_rules)  # importing them registers their rules


def screen(inp: ScreeningInput) -> ScreeningResult:
    case = CaseView(inp)
    findings = tuple(
        Finding(rule.id, rule.severity, hit.field, hit.message, rule.legal_basis)
        for rule in CASE_RULES
        for hit in rule.check(case)
    )
    countries = tuple(
        assess_country(case, CountryView(code, code in inp.participants, inp.profiles.get(code)))
        for code in candidate_countries(case)
    )
    return ScreeningResult(_verdict(findings, countries), findings, countries, inp.quota)


def screen_case(
    case: Mapping[str, Any],
    *,
    profiles: Mapping[str, CountryProfile],
    quota: QuotaState,
    today: date,
    now: datetime,
    participants: frozenset[str] = DEFAULT_PARTICIPANTS,
    config: ScreeningConfig | None = None,
) -> ScreeningResult:
    return screen(
        ScreeningInput(
            case=case,
            profiles=profiles,
            quota=quota,
            today=today,
            now=now,
            participants=participants,
            config=config or ScreeningConfig(),
        )
    )


def candidate_countries(case: CaseView) -> list[str]:
    """Every participant and every non-participating target country; never the requester."""
    codes = set(case.input.participants) | set(case.target_countries)
    codes.discard(REQUESTER)
    return sorted(codes)


def assess_country(case: CaseView, country: CountryView) -> CountryAssessment:
    reasons = tuple(
        CountryReason(rule.id, hit.risk, hit.message, rule.legal_basis)
        for rule in COUNTRY_RULES
        for hit in rule.check(case, country)
    )
    basis, allowed = country_rules.transfer_bases(country.profile)
    return CountryAssessment(
        country=country.code,
        participant=country.participant,
        risk=max_risk(*(reason.risk for reason in reasons)),
        reasons=reasons,
        transfer_basis=basis,
        allowed_transfer_bases=allowed,
    )


def _verdict(findings: tuple[Finding, ...], countries: tuple[CountryAssessment, ...]) -> Verdict:
    if any(f.severity == "block" for f in findings):
        return "blocked"
    if any(f.severity == "warn" for f in findings) or any(c.risk == "high" for c in countries):
        return "needs_review"
    return "clear"
