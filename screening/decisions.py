"""The screener's decision policy (`POST /api/v1/cases/{id}/decisions`): pure.

`rule_on` takes a decision request, a fresh screening of the case and, for a case awaiting its
second approval, the first approval. It either returns the ruling (new status, recipients,
whether four eyes are needed) or raises: `Conflict` (409) for what the case's state forbids,
naming the rules, and `ValidationFailed` (422) for what the request itself gets wrong, naming
the country and the reason. The quota slot itself is taken by the caller, atomically, when a
ruling approves (two screeners must not both win the last slot).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from screening.model import CountryAssessment, ScreeningResult
from screening.registry import CASE_RULES, COUNTRY_RULES
from silver.domain.cases import GENERAL_SECRETARIAT, REQUESTER
from silver.domain.errors import Conflict, ValidationFailed

DecisionKind = Literal["approve", "reject", "return"]
Instrument = Literal["notice", "diffusion"]
Outcome = Literal["approved", "awaiting_second_approval", "rejected", "returned"]
Stage = Literal["single", "first", "second"]

DECISIONS: tuple[DecisionKind, ...] = ("approve", "reject", "return")
INSTRUMENTS: tuple[Instrument, ...] = ("notice", "diffusion")
REASON_CODES: tuple[str, ...] = (
    "INSUFFICIENT_DATA",
    "PENALTY_THRESHOLD",
    "GDPR_SPECIAL_CATEGORY",
    "GDPR_NATIONAL_ID",
    "GDPR_MINOR",
    "GDPR_MINIMISATION",
    "GDPR_THIRD_PARTY",
    "MISUSE_RISK",
    "ART3_NEUTRALITY",
    "NOT_PROPORTIONATE",
    "QUOTA",
    "OTHER",
)
# Country risks that keep a country out of an approval, and those that call for four eyes.
EXCLUDING_RISKS = frozenset({"prohibited", "high"})


@dataclass(frozen=True)
class DecisionRequest:
    decision: DecisionKind
    instrument: Instrument | None = None
    countries: tuple[str, ...] = ()
    reason_codes: tuple[str, ...] = ()
    justification: str = ""
    acknowledged_rules: tuple[str, ...] = ()
    transfer_bases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> DecisionRequest:
        """From the validated body of `POST /api/v1/cases/{id}/decisions` (or its form)."""
        return cls(
            decision=body["decision"],
            instrument=body.get("instrument"),
            countries=tuple(body.get("countries") or ()),
            reason_codes=tuple(body.get("reason_codes") or ()),
            justification=body.get("justification") or "",
            acknowledged_rules=tuple(body.get("acknowledged_rules") or ()),
            transfer_bases=dict(body.get("transfer_bases") or {}),
        )


@dataclass(frozen=True)
class FirstApproval:
    """The approval a second screener confirms."""

    by: str
    instrument: Instrument
    countries: tuple[str, ...]
    acknowledged_rules: tuple[str, ...]
    transfer_bases: Mapping[str, str]


@dataclass(frozen=True)
class KeptOut:
    """A target country an approval does not reach because of its misuse risk."""

    country: str
    rule: str
    risk: str


@dataclass(frozen=True)
class Ruling:
    outcome: Outcome
    stage: Stage
    instrument: Instrument | None = None
    countries: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    reached: tuple[str, ...] = ()  # the countries the message reaches
    acknowledged_rules: tuple[str, ...] = ()
    transfer_bases: Mapping[str, str] = field(default_factory=dict)
    four_eyes_reasons: tuple[str, ...] = ()
    kept_out: tuple[KeptOut, ...] = ()

    @property
    def approves(self) -> bool:
        return self.outcome == "approved"


def rule_on(
    request: DecisionRequest,
    result: ScreeningResult,
    *,
    actor: str,
    target_countries: tuple[str, ...] = (),
    first: FirstApproval | None = None,
    before_own_edits: ScreeningResult | None = None,
) -> Ruling:
    """The outcome of a screener's decision. `before_own_edits` is the screening without the
    deciding screener's own latest edits of the country profiles (None when they made none):
    a country that was high-risk or prohibited before their edits still calls for four eyes."""
    if request.decision in ("reject", "return"):
        return _refusal(request, first)
    if request.decision != "approve":
        raise ValidationFailed({"decision": [f"must be one of {', '.join(DECISIONS)}"]})
    if first is not None:
        return _second_approval(request, result, actor, target_countries, first)
    return _approval(request, result, target_countries, before_own_edits)


def _refusal(request: DecisionRequest, first: FirstApproval | None) -> Ruling:
    errors: dict[str, list[str]] = {}
    if not request.reason_codes:
        errors["reason_codes"] = [
            f"a {request.decision} needs at least one reason code: {', '.join(REASON_CODES)}"
        ]
    unknown = [code for code in request.reason_codes if code not in REASON_CODES]
    if unknown:
        errors["reason_codes"] = [
            f"unknown reason code {code!r}; use one of {', '.join(REASON_CODES)}"
            for code in unknown
        ]
    if not request.justification.strip():
        errors["justification"] = [f"a {request.decision} needs a justification"]
    if errors:
        raise ValidationFailed(errors)
    outcome: Outcome = "rejected" if request.decision == "reject" else "returned"
    return Ruling(outcome=outcome, stage="second" if first else "single")


def _second_approval(
    request: DecisionRequest,
    result: ScreeningResult,
    actor: str,
    target_countries: tuple[str, ...],
    first: FirstApproval,
) -> Ruling:
    if actor == first.by:
        raise Conflict(
            "four eyes: the second approval must come from a different screener than "
            f"the first ({first.by})"
        )
    if request.instrument is not None and request.instrument != first.instrument:
        raise Conflict(
            f"the first approval chose a {first.instrument}; a second approval confirms it "
            "as it is (return or reject the case to change it)"
        )
    if request.countries and sorted(request.countries) != sorted(first.countries):
        raise Conflict(
            "the first approval chose the countries "
            f"{', '.join(sorted(first.countries)) or '(none: a notice)'}; a second approval "
            "confirms them as they are (return or reject the case to change them)"
        )
    confirmed = DecisionRequest(
        decision="approve",
        instrument=first.instrument,
        countries=first.countries,
        acknowledged_rules=first.acknowledged_rules,
        transfer_bases=first.transfer_bases,
    )
    ruling = _approval(confirmed, result, target_countries)
    return Ruling(
        outcome="approved",
        stage="second",
        instrument=ruling.instrument,
        countries=ruling.countries,
        recipients=ruling.recipients,
        reached=ruling.reached,
        acknowledged_rules=ruling.acknowledged_rules,
        transfer_bases=ruling.transfer_bases,
        four_eyes_reasons=ruling.four_eyes_reasons,
        kept_out=ruling.kept_out,
    )


def _approval(
    request: DecisionRequest,
    result: ScreeningResult,
    target_countries: tuple[str, ...],
    before_own_edits: ScreeningResult | None = None,
) -> Ruling:
    _check_findings(request, result)
    if request.instrument not in INSTRUMENTS:
        raise ValidationFailed({"instrument": ["choose 'notice' or 'diffusion' to approve"]})
    if request.reason_codes:
        raise ValidationFailed({"reason_codes": ["reason codes belong to a reject or a return"]})
    reached = (
        _notice_countries(request, result)
        if request.instrument == "notice"
        else _diffusion_countries(request, result)
    )
    bases = _transfer_bases(request, result, reached)
    four_eyes = _four_eyes_reasons(request, result, reached, before_own_edits)
    recipients = (GENERAL_SECRETARIAT,) if request.instrument == "notice" else reached
    return Ruling(
        outcome="awaiting_second_approval" if four_eyes else "approved",
        stage="first" if four_eyes else "single",
        instrument=request.instrument,
        countries=reached if request.instrument == "diffusion" else (),
        recipients=recipients,
        reached=reached,
        acknowledged_rules=tuple(sorted(set(request.acknowledged_rules))),
        transfer_bases=bases,
        four_eyes_reasons=four_eyes,
        kept_out=_kept_out(result, reached, target_countries),
    )


def _check_findings(request: DecisionRequest, result: ScreeningResult) -> None:
    known = {rule.id for rule in CASE_RULES} | {rule.id for rule in COUNTRY_RULES}
    unknown = [rule for rule in request.acknowledged_rules if rule not in known]
    if unknown:
        raise ValidationFailed(
            {"acknowledged_rules": [f"{rule!r} is not a screening rule" for rule in unknown]}
        )
    blocks = result.rules_with("block")
    if blocks:
        raise Conflict(
            "approval refused: a block finding stands: "
            + "; ".join(_describe(result, rule) for rule in blocks)
        )
    unacknowledged = [r for r in result.rules_with("warn") if r not in request.acknowledged_rules]
    if unacknowledged:
        raise Conflict(
            "approval refused: acknowledge each warning in acknowledged_rules first: "
            + "; ".join(_describe(result, rule) for rule in unacknowledged)
        )


def _describe(result: ScreeningResult, rule: str) -> str:
    messages = [f.message for f in result.findings if f.rule == rule]
    return f"{rule} ({messages[0]})" if messages else rule


def _notice_countries(request: DecisionRequest, result: ScreeningResult) -> tuple[str, ...]:
    if request.countries:
        raise ValidationFailed(
            {
                "countries": [
                    "a notice reaches every participating country through INTERPOL's General "
                    "Secretariat; leave countries empty, or choose a diffusion"
                ]
            }
        )
    prohibited = [c for c in result.countries if c.participant and c.risk == "prohibited"]
    if prohibited:
        raise ValidationFailed(
            {
                "instrument": [
                    "a notice reaches every participant, and the case is prohibited for "
                    + "; ".join(f"{c.country} ({_reasons(c)})" for c in prohibited)
                    + ": only a diffusion to chosen countries is possible"
                ]
            }
        )
    return tuple(c.country for c in result.countries if c.participant)


def _diffusion_countries(request: DecisionRequest, result: ScreeningResult) -> tuple[str, ...]:
    if not request.countries:
        raise ValidationFailed({"countries": ["a diffusion needs at least one country"]})
    errors: list[str] = []
    seen: set[str] = set()
    for code in request.countries:
        if code in seen:
            errors.append(f"{code}: listed twice")
            continue
        seen.add(code)
        row = result.country(code)
        if code == REQUESTER:
            errors.append(f"{code}: the Netherlands is the requester, never a recipient")
        elif row is None or not row.participant:
            errors.append(f"{code}: not a participant of the pilot (MISUSE.NOT_PARTICIPANT)")
        elif row.risk == "prohibited":
            errors.append(f"{code}: prohibited for this case ({_reasons(row)})")
    if errors:
        raise ValidationFailed({"countries": errors})
    return tuple(sorted(seen))


def _reasons(row: CountryAssessment, risks: frozenset[str] = frozenset({"prohibited"})) -> str:
    return "; ".join(f"{r.rule}: {r.message}" for r in row.reasons if r.risk in risks)


def _transfer_bases(
    request: DecisionRequest, result: ScreeningResult, reached: tuple[str, ...]
) -> dict[str, str]:
    """Every third country needs the screener's confirmed basis (LED art. 35-38)."""
    errors: dict[str, list[str]] = {}
    bases: dict[str, str] = {}
    for code in request.transfer_bases:
        if code not in reached:
            errors[f"transfer_bases.{code}"] = ["not a recipient of this approval"]
    for code in reached:
        row = result.country(code)
        assert row is not None
        given = request.transfer_bases.get(code)
        if row.transfer_basis == "eu_member":
            if given not in (None, "eu_member"):
                errors[f"transfer_bases.{code}"] = [
                    "an EU member state: no third-country transfer, the basis is eu_member"
                ]
            bases[code] = "eu_member"
        elif given is None:
            errors[f"transfer_bases.{code}"] = [
                "a third country: confirm the transfer basis, one of "
                + ", ".join(row.allowed_transfer_bases)
            ]
        elif given not in row.allowed_transfer_bases:
            errors[f"transfer_bases.{code}"] = [
                f"{given!r} is not available for {code}; choose one of "
                + ", ".join(row.allowed_transfer_bases)
            ]
        else:
            bases[code] = given
    if errors:
        raise ValidationFailed(errors)
    return bases


def _four_eyes_reasons(
    request: DecisionRequest,
    result: ScreeningResult,
    reached: tuple[str, ...],
    before_own_edits: ScreeningResult | None = None,
) -> tuple[str, ...]:
    reasons = [
        f"{code} is a high-risk country for this case ({_reasons(row, frozenset({'high'}))})"
        for code in reached
        if (row := result.country(code)) is not None and row.risk == "high"
    ]
    if before_own_edits is not None:
        # Four eyes cannot be bypassed by editing a profile: what was high-risk or prohibited
        # before the approving screener's own edits still needs a second screener.
        reasons.extend(
            f"{code} was {was.risk} for this case before the approving screener's own edits "
            "of its risk profile"
            for code in reached
            if (was := before_own_edits.country(code)) is not None
            and was.risk in EXCLUDING_RISKS
            and (now := result.country(code)) is not None
            and now.risk != "high"
        )
    acknowledged = [r for r in result.rules_with("warn") if r in request.acknowledged_rules]
    if acknowledged:
        reasons.append("acknowledged warnings: " + ", ".join(acknowledged))
    return tuple(reasons)


def _kept_out(
    result: ScreeningResult, reached: tuple[str, ...], target_countries: tuple[str, ...]
) -> tuple[KeptOut, ...]:
    out: list[KeptOut] = []
    for code in sorted(set(target_countries) - set(reached) - {REQUESTER}):
        row = result.country(code)
        if row is None:
            continue
        out.extend(
            KeptOut(code, reason.rule, reason.risk)
            for reason in row.reasons
            if reason.risk in EXCLUDING_RISKS
        )
    return tuple(out)
