"""Country-level rules (docs/domain.md, second table) against the seed profiles."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from screening import ScreeningConfig
from screening.crime_types import CAPITAL_OFFENCE_MAP, CASE_CRIME_TYPES, capital_mapping
from silver.domain.countries import CAPITAL_OFFENCES, DEFAULT_PARTICIPANTS
from tests.unit.test_screening_fixtures import (
    NOW,
    message,
    organisation,
    person,
    reasons,
    row,
    run,
    seed_profiles,
    valid_case,
)

DP = "MISUSE.DEATH_PENALTY"


def _risk(case: dict[str, Any], country: str, **kwargs: Any) -> str:
    row = run(case, **kwargs).country(country)
    assert row is not None
    return row.risk


# --- MISUSE.DEATH_PENALTY ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crime_types", "country", "expected"),
    [
        (["drug_trafficking"], "SG", ["prohibited"]),
        (["drug_trafficking"], "CN", ["prohibited"]),
        (["drug_trafficking"], "US", ["prohibited"]),
        (["drug_trafficking"], "AE", ["prohibited"]),
        (["drug_trafficking"], "QA", ["prohibited"]),
        (["drug_trafficking"], "KR", ["high"]),  # abolished in practice, still in law
        (["drug_trafficking"], "DZ", []),  # in practice, but drugs are not capital there
        (["drug_trafficking"], "PK", []),  # removed for drug offences
        (["drug_trafficking"], "NG", []),
        (["drug_trafficking"], "BR", []),  # abolished for ordinary crimes
        (["drug_trafficking"], "ZW", []),
        (["drug_trafficking"], "BE", []),
        (["fraud"], "SG", []),
        (["fraud"], "CN", []),
        (["fraud", "tax_fraud", "money_laundering", "cybercrime"], "US", []),
        (["environmental_crime"], "CN", []),
        (["corruption"], "CN", ["prohibited"]),
        (["corruption"], "SG", []),
        (["human_trafficking"], "CN", ["prohibited"]),
        (["human_trafficking"], "SG", ["high"]),  # possibly "other" (kidnapping, rape)
        (["organised_crime"], "SG", ["high"]),
        (["organised_crime"], "KR", ["high"]),
        (["organised_crime"], "DZ", ["high"]),
        (["organised_crime"], "BR", []),
        (["other"], "TT", ["high"]),
        (["other"], "GB", []),
        ([], "US", ["high"]),  # no crime type yet: screened as "other"
        (["arson"], "US", ["high"]),  # not in the vocabulary: screened as "other"
        (["fraud", "drug_trafficking"], "SG", ["prohibited"]),
        (["fraud", "organised_crime"], "IN", ["high"]),
    ],
)
def test_death_penalty(crime_types: list[str], country: str, expected: list[str]) -> None:
    assert reasons(run(valid_case(crime_types=crime_types)), country, DP) == expected


def test_drug_case_prohibits_singapore_and_china_and_fraud_case_does_not() -> None:
    drugs = run(valid_case(crime_types=["drug_trafficking"]))
    fraud = run(valid_case(crime_types=["fraud"]))
    for code in ("SG", "CN"):
        assert row(drugs, code).risk == "prohibited"
        assert row(fraud, code).risk != "prohibited"
    assert not drugs.notice_possible
    assert fraud.notice_possible


def test_death_penalty_unknown_status_is_medium() -> None:
    profiles = seed_profiles()
    profiles["SG"] = dataclasses.replace(profiles["SG"], death_penalty_status=None)
    assert reasons(run(valid_case(), profiles=profiles), "SG", DP) == ["medium"]


def test_death_penalty_without_recorded_offences_is_high() -> None:
    profiles = seed_profiles()
    profiles["SG"] = dataclasses.replace(profiles["SG"], capital_offences=())
    assert reasons(run(valid_case(), profiles=profiles), "SG", DP) == ["high"]


def test_crime_type_table_covers_the_contract_vocabulary() -> None:
    assert set(CASE_CRIME_TYPES) == {
        "fraud", "corruption", "drug_trafficking", "money_laundering", "environmental_crime",
        "tax_fraud", "organised_crime", "human_trafficking", "cybercrime", "other",
    }  # fmt: skip
    for mapping in CAPITAL_OFFENCE_MAP.values():
        assert mapping.definite <= set(CAPITAL_OFFENCES)
        assert mapping.possible <= set(CAPITAL_OFFENCES)
    assert capital_mapping("not-a-type") == CAPITAL_OFFENCE_MAP["other"]


# --- MISUSE.REFUGEE ----------------------------------------------------------------------------


def test_refugee_status_prohibits_the_country_of_origin() -> None:
    subjects = [person(), person("s2", refugee_status={"country_of_origin": "VE"})]
    result = run(valid_case(subjects=subjects))
    assert reasons(result, "VE", "MISUSE.REFUGEE") == ["prohibited"]
    assert row(result, "VE").risk == "prohibited"
    assert reasons(result, "CO", "MISUSE.REFUGEE") == []


def test_refugee_status_from_a_non_participant_target() -> None:
    subjects = [person(refugee_status={"country_of_origin": "sy"})]
    result = run(valid_case(subjects=subjects, target_countries=["SY"]))
    assert reasons(result, "SY", "MISUSE.NOT_PARTICIPANT") == ["prohibited"]
    assert reasons(result, "SY", "MISUSE.REFUGEE") == ["prohibited"]


@pytest.mark.parametrize("status", [None, {}, {"country_of_origin": None}, "VE", []])
def test_refugee_status_absent_or_malformed(status: object) -> None:
    result = run(valid_case(subjects=[person(refugee_status=status)]))
    assert reasons(result, "VE", "MISUSE.REFUGEE") == []


# --- MISUSE.HUMAN_RIGHTS -----------------------------------------------------------------------


def test_not_free_is_a_human_rights_concern_until_cleared() -> None:
    profiles = seed_profiles()
    assert reasons(run(valid_case()), "KZ", "MISUSE.HUMAN_RIGHTS") == ["high"]
    profiles["KZ"] = dataclasses.replace(profiles["KZ"], human_rights_concern_cleared=True)
    assert reasons(run(valid_case(), profiles=profiles), "KZ", "MISUSE.HUMAN_RIGHTS") == []


def test_recorded_concerns_are_high_even_in_a_free_country() -> None:
    profiles = seed_profiles()
    profiles["AR"] = dataclasses.replace(
        profiles["AR"], human_rights_concerns="Reports of torture in pre-trial detention."
    )
    result = run(valid_case(), profiles=profiles)
    assert reasons(result, "AR", "MISUSE.HUMAN_RIGHTS") == ["high"]
    assert "torture" in message(result, "AR", "MISUSE.HUMAN_RIGHTS")


@pytest.mark.parametrize("code", ["SE", "SG", "GI"])
def test_no_human_rights_reason_for_free_partly_free_or_unrated(code: str) -> None:
    assert reasons(run(valid_case()), code, "MISUSE.HUMAN_RIGHTS") == []


# --- MISUSE.CORRUPTION -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [(10, ["high"]), (39, ["high"]), (40, ["medium"]), (59, ["medium"]), (60, []), (84, [])],
)
def test_corruption_thresholds(score: int, expected: list[str]) -> None:
    profiles = seed_profiles()
    profiles["SG"] = dataclasses.replace(profiles["SG"], cpi_score=score)
    assert reasons(run(valid_case(), profiles=profiles), "SG", "MISUSE.CORRUPTION") == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("VE", ["high"]), ("IT", ["medium"]), ("SE", []), ("QA", ["medium"]), ("GI", ["medium"])],
)
def test_corruption_with_seed_scores(code: str, expected: list[str]) -> None:
    result = run(valid_case())
    assert reasons(result, code, "MISUSE.CORRUPTION") == expected
    if code == "QA":
        assert "not known" in message(result, "QA", "MISUSE.CORRUPTION")


# --- MISUSE.SUBJECT_TIES -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "country"),
    [
        (person(nationalities=["NL", "MA", "be"]), "BE"),
        (person(residence_country="ES"), "ES"),
        (person("s2", role="third_party", justification="broer", nationalities=["PL"]), "PL"),
        (organisation(jurisdiction="MT"), "MT"),
    ],
)
def test_subject_ties(subject: dict[str, Any], country: str) -> None:
    result = run(valid_case(subjects=[person(), subject]))
    assert reasons(result, country, "MISUSE.SUBJECT_TIES") == ["high"]
    assert row(result, country).risk in ("high", "prohibited")


def test_no_ties_no_reason() -> None:
    assert reasons(run(valid_case()), "BE", "MISUSE.SUBJECT_TIES") == []


# --- MISUSE.PROFILE_STALE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviewed_at", "stale"),
    [
        (None, True),
        (NOW - timedelta(days=10), False),
        (NOW - timedelta(days=365), False),
        (NOW - timedelta(days=365, seconds=1), True),
        (NOW - timedelta(days=400), True),
        (datetime(2025, 9, 1, 12, 0), False),  # naive: read as UTC
    ],
)
def test_profile_stale(reviewed_at: datetime | None, stale: bool) -> None:
    profiles = seed_profiles()
    profiles["BE"] = dataclasses.replace(
        profiles["BE"], reviewed_by="screener1", reviewed_at=reviewed_at
    )
    result = run(valid_case(), profiles=profiles)
    assert reasons(result, "BE", "MISUSE.PROFILE_STALE") == (["medium"] if stale else [])


def test_profile_stale_age_is_configurable() -> None:
    profiles = seed_profiles()
    profiles["BE"] = dataclasses.replace(
        profiles["BE"], reviewed_by="s", reviewed_at=NOW - timedelta(days=40)
    )
    config = ScreeningConfig(profile_max_age_days=30)
    result = run(valid_case(), profiles=profiles, config=config)
    assert reasons(result, "BE", "MISUSE.PROFILE_STALE") == ["medium"]


def test_missing_profile_is_stale() -> None:
    profiles = seed_profiles()
    del profiles["BE"]
    result = run(valid_case(), profiles=profiles)
    assert "no risk profile" in message(result, "BE", "MISUSE.PROFILE_STALE")
    assert reasons(result, "BE", "MISUSE.PROFILE_STALE") == ["medium"]


def test_seed_profiles_are_all_stale() -> None:
    result = run(valid_case())
    assert all("MISUSE.PROFILE_STALE" in {r.rule for r in c.reasons} for c in result.countries)


# --- MISUSE.NOT_PARTICIPANT and the rows -------------------------------------------------------


def test_rows_are_the_participants_without_the_requester_plus_other_targets() -> None:
    result = run(valid_case(target_countries=["th", "NL", "ES", "TH", "not-a-code", 7]))
    codes = [c.country for c in result.countries]
    assert codes == sorted((DEFAULT_PARTICIPANTS - {"NL"}) | {"TH"})
    assert len(codes) == 51
    th = row(result, "TH")
    assert not th.participant and th.risk == "prohibited"
    assert th.reasons[0].rule == "MISUSE.NOT_PARTICIPANT"
    assert all(c.participant for c in result.countries if c.country != "TH")


def test_participants_are_configurable() -> None:
    result = run(valid_case(target_countries=["ES"]), participants=frozenset({"NL", "BE"}))
    assert [(c.country, c.participant, c.risk) for c in result.countries] == [
        ("BE", True, "medium"),
        ("ES", False, "prohibited"),
    ]


# --- TRANSFER.BASIS ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "basis", "allowed"),
    [
        ("BE", "eu_member", ("eu_member",)),
        ("MT", "eu_member", ("eu_member",)),
        ("GB", "adequacy", ("adequacy",)),
        ("GI", "appropriate_safeguards", ("appropriate_safeguards", "derogation")),
        ("US", "appropriate_safeguards", ("appropriate_safeguards", "derogation")),
        ("TH", "appropriate_safeguards", ("appropriate_safeguards", "derogation")),
    ],
)
def test_transfer_basis(code: str, basis: str, allowed: tuple[str, ...]) -> None:
    found = row(run(valid_case(target_countries=["TH"])), code)
    assert (found.transfer_basis, found.allowed_transfer_bases) == (basis, allowed)


# --- risk is the maximum -----------------------------------------------------------------------


def test_country_risk_is_the_highest_reason() -> None:
    result = run(valid_case(crime_types=["drug_trafficking"]))
    ranks = ["low", "medium", "high", "prohibited"]
    for country in result.countries:
        expected = max((r.risk for r in country.reasons), key=ranks.index, default="low")
        assert country.risk == expected


def test_low_when_no_rule_fires() -> None:
    reviewed = dataclasses.replace(
        seed_profiles()["SE"], reviewed_by="s", reviewed_at=NOW - timedelta(days=1)
    )
    case = valid_case(target_countries=["SE"])
    result = run(case, profiles={"SE": reviewed}, participants=frozenset({"NL", "SE"}))
    assert [(c.country, c.risk, c.reasons) for c in result.countries] == [("SE", "low", ())]
    assert result.verdict == "clear"
