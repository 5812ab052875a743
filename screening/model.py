"""Inputs and outputs of the screening engine: plain, frozen values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from silver.domain.countries import DEFAULT_PARTICIPANTS, CountryProfile

Severity = Literal["block", "warn", "info"]
Risk = Literal["low", "medium", "high", "prohibited"]
Verdict = Literal["blocked", "needs_review", "clear"]
TransferBasis = Literal["eu_member", "adequacy", "appropriate_safeguards", "derogation"]

SEVERITIES: tuple[Severity, ...] = ("block", "warn", "info")
RISKS: tuple[Risk, ...] = ("low", "medium", "high", "prohibited")
RISK_RANK: dict[str, int] = {risk: rank for rank, risk in enumerate(RISKS)}


def max_risk(*risks: Risk) -> Risk:
    return max(risks, key=RISK_RANK.__getitem__, default="low")


@dataclass(frozen=True)
class ScreeningConfig:
    penalty_threshold_years: float = 4
    profile_max_age_days: int = 365
    free_text_max_chars: int = 2000


@dataclass(frozen=True)
class QuotaState:
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def to_dict(self) -> dict[str, int]:
        return {"limit": self.limit, "used": self.used, "remaining": self.remaining}


@dataclass(frozen=True)
class ScreeningInput:
    """Everything a screening depends on; the case is the JSON body of `POST /api/v1/cases`."""

    case: Mapping[str, Any]
    profiles: Mapping[str, CountryProfile]
    quota: QuotaState
    today: date
    now: datetime
    participants: frozenset[str] = DEFAULT_PARTICIPANTS
    config: ScreeningConfig = field(default_factory=ScreeningConfig)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    field: str | None
    message: str
    legal_basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "legal_basis": self.legal_basis,
        }


@dataclass(frozen=True)
class CountryReason:
    rule: str
    risk: Risk
    message: str
    legal_basis: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "risk": self.risk,
            "message": self.message,
            "legal_basis": self.legal_basis,
        }


@dataclass(frozen=True)
class CountryAssessment:
    country: str
    participant: bool
    risk: Risk
    reasons: tuple[CountryReason, ...]
    transfer_basis: TransferBasis
    allowed_transfer_bases: tuple[TransferBasis, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "participant": self.participant,
            "risk": self.risk,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "transfer_basis": self.transfer_basis,
            "allowed_transfer_bases": list(self.allowed_transfer_bases),
        }


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    findings: tuple[Finding, ...]
    countries: tuple[CountryAssessment, ...]
    quota: QuotaState

    def to_dict(self) -> dict[str, Any]:
        """The body of `GET /api/v1/cases/{id}/screening`."""
        return {
            "verdict": self.verdict,
            "findings": [finding.to_dict() for finding in self.findings],
            "countries": [country.to_dict() for country in self.countries],
            "quota": self.quota.to_dict(),
        }

    def rules_with(self, severity: Severity) -> tuple[str, ...]:
        """The distinct rule ids that have a finding of this severity, in finding order."""
        return tuple(dict.fromkeys(f.rule for f in self.findings if f.severity == severity))

    def country(self, code: str) -> CountryAssessment | None:
        return next((c for c in self.countries if c.country == code), None)

    @property
    def notice_possible(self) -> bool:
        """A notice reaches every participant, so no participant may be prohibited."""
        return not any(c.participant and c.risk == "prohibited" for c in self.countries)
