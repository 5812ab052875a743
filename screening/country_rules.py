"""Country-level rules (docs/domain.md, "Screening", second table), and the transfer basis.

A country's risk is the highest risk among the reasons its rules give; `low` when none does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from screening.crime_types import capital_mapping
from screening.model import Risk, TransferBasis
from screening.registry import RiskHit, country_rule
from screening.view import CaseView, CountryView
from silver.domain.countries import CountryProfile

CPI_HIGH_BELOW = 40
CPI_MEDIUM_BELOW = 60
CONCERNS_QUOTED_CHARS = 200


@country_rule("MISUSE.NOT_PARTICIPANT", risk="prohibited", basis="pilot rules")
def not_participant(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    if not country.participant:
        yield RiskHit("prohibited", f"{country.name} does not take part in the pilot")


@country_rule(
    "MISUSE.DEATH_PENALTY",
    risk="prohibited",
    basis="LED recital 71; Elgizouli [2020] UKSC 10",
)
def death_penalty(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    profile = country.profile
    status = profile.death_penalty_status if profile else None
    if profile is None or status is None:
        yield RiskHit("medium", f"the death-penalty status of {country.name} is not known")
        return
    # Crimes in the pilot's scope are ordinary crimes: "abolished for ordinary crimes" keeps the
    # death penalty only for wartime or military offences.
    if status not in ("retentionist", "abolished_in_practice"):
        return
    status_text = status.replace("_", " ")
    if not profile.capital_offences:
        yield RiskHit(
            "high",
            f"{country.name} is {status_text} and its capital offences are not recorded",
        )
        return
    offences = set(profile.capital_offences)
    crime_types = case.crime_types or ("other",)
    definite = sorted(t for t in crime_types if capital_mapping(t).definite & offences)
    possible = sorted(t for t in crime_types if capital_mapping(t).possible & offences)
    if definite:
        risk: Risk = "prohibited" if status == "retentionist" else "high"
        yield RiskHit(
            risk,
            f"{_join(definite)} can carry the death penalty in {country.name} ({status_text})",
        )
    elif possible:
        yield RiskHit(
            "high",
            f"{_join(possible)} may involve offences that carry the death penalty in "
            f"{country.name} ({status_text}: {_join(sorted(offences))})",
        )


def _join(items: list[str]) -> str:
    return ", ".join(items)


@country_rule(
    "MISUSE.REFUGEE",
    risk="prohibited",
    basis="INTERPOL refugee policy (GA-2017-86-RES-09)",
)
def refugee(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    for subject in case.refugees.get(country.code, ()):
        yield RiskHit("prohibited", f"{subject.label} has refugee status from {country.name}")


@country_rule(
    "MISUSE.HUMAN_RIGHTS",
    risk="high",
    basis="LED art. 38(2), Constitution art. 2",
)
def human_rights(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    profile = country.profile
    if profile is None:
        return
    concerns = " ".join(profile.human_rights_concerns.split())
    if concerns:
        if len(concerns) > CONCERNS_QUOTED_CHARS:
            concerns = concerns[: CONCERNS_QUOTED_CHARS - 1] + "\u2026"
        yield RiskHit("high", f"human-rights concerns recorded for {country.name}: {concerns}")
    if profile.freedom_house_status == "Not Free" and not profile.human_rights_concern_cleared:
        detail = profile.freedom_house_detail or "Not Free"
        yield RiskHit("high", f"Freedom House rates {country.name} {detail}")


@country_rule("MISUSE.CORRUPTION", risk="high", basis="design criterion (TI CPI)")
def corruption(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    profile = country.profile
    score = profile.cpi_score if profile else None
    if profile is None or score is None:
        yield RiskHit("medium", f"the corruption score (TI CPI) of {country.name} is not known")
        return
    edition = f"CPI {profile.cpi_year}" if profile.cpi_year else "CPI"
    if score < CPI_HIGH_BELOW:
        yield RiskHit("high", f"{edition} score {score} is below {CPI_HIGH_BELOW}")
    elif score < CPI_MEDIUM_BELOW:
        yield RiskHit("medium", f"{edition} score {score} is below {CPI_MEDIUM_BELOW}")


@country_rule("MISUSE.SUBJECT_TIES", risk="high", basis="persecution and tipping-off risk")
def subject_ties(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    for subject, how in case.ties.get(country.code, ()):
        yield RiskHit("high", f"{subject.label} {how} {country.name}")


@country_rule("MISUSE.PROFILE_STALE", risk="medium", basis="keeps the data honest")
def profile_stale(case: CaseView, country: CountryView) -> Iterator[RiskHit]:
    profile = country.profile
    if profile is None:
        yield RiskHit("medium", f"there is no risk profile for {country.name}")
        return
    if profile.reviewed_at is None:
        yield RiskHit("medium", f"the risk profile of {country.name} was never reviewed")
        return
    max_age = timedelta(days=case.config.profile_max_age_days)
    if _utc(case.now) - _utc(profile.reviewed_at) > max_age:
        yield RiskHit(
            "medium",
            f"the risk profile of {country.name} was last reviewed on "
            f"{_utc(profile.reviewed_at).date().isoformat()}, more than "
            f"{case.config.profile_max_age_days} days ago",
        )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


TRANSFER_BASIS_RULE = "TRANSFER.BASIS"
TRANSFER_BASIS_LEGAL_BASIS = "LED art. 35\u201338"


def transfer_bases(
    profile: CountryProfile | None,
) -> tuple[TransferBasis, tuple[TransferBasis, ...]]:
    """The default basis for a transfer to the country, and the bases a screener may choose.

    Within the EU there is no third-country transfer; the UK has an LED adequacy decision; any
    other country needs appropriate safeguards (art. 37) or, case by case, a derogation (art. 38).
    """
    if profile is not None and profile.eu_member:
        return "eu_member", ("eu_member",)
    if profile is not None and profile.led_adequacy:
        return "adequacy", ("adequacy",)
    return "appropriate_safeguards", ("appropriate_safeguards", "derogation")
