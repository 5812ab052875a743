"""The engine: registry, verdict, the contract's JSON, partial drafts and speed."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from screening import CASE_RULES, COUNTRY_RULES, QuotaState, rule_catalogue
from screening.registry import case_rule
from tests.unit.test_screening_fixtures import (
    organisation,
    person,
    run,
    seed_profiles,
    valid_case,
)

DOMAIN_CASE_RULES = {
    "CASE.MIN_DATA": ("block", "pilot rules, RPD minimum data"),
    "CASE.PENALTY_THRESHOLD": ("block", "pilot rules"),
    "GDPR.SPECIAL_CATEGORY": ("block", "LED art. 10"),
    "GDPR.NATIONAL_ID": ("block", "minimisation, Wabb"),
    "GDPR.MINOR": ("block", "LED art. 6, RPD care for minors"),
    "GDPR.THIRD_PARTY": ("warn", "LED art. 6(d)"),
    "GDPR.MINIMISATION": ("warn", "LED art. 4(1)(c)"),
    "INTERPOL.ART3": ("warn", "Constitution art. 3"),
    "INTERPOL.QUOTA": ("block", "pilot rules"),
}
DOMAIN_COUNTRY_RULES = {
    "MISUSE.NOT_PARTICIPANT": ("prohibited", "pilot rules"),
    "MISUSE.DEATH_PENALTY": ("prohibited", "LED recital 71; Elgizouli [2020] UKSC 10"),
    "MISUSE.REFUGEE": ("prohibited", "INTERPOL refugee policy (GA-2017-86-RES-09)"),
    "MISUSE.HUMAN_RIGHTS": ("high", "LED art. 38(2), Constitution art. 2"),
    "MISUSE.CORRUPTION": ("high", "design criterion (TI CPI)"),
    "MISUSE.SUBJECT_TIES": ("high", "persecution and tipping-off risk"),
    "MISUSE.PROFILE_STALE": ("medium", "keeps the data honest"),
}


def test_registry_holds_the_domain_tables() -> None:
    assert {r.id: (r.severity, r.legal_basis) for r in CASE_RULES} == DOMAIN_CASE_RULES
    assert {r.id: (r.risk, r.legal_basis) for r in COUNTRY_RULES} == DOMAIN_COUNTRY_RULES
    catalogue = {row["rule"]: row for row in rule_catalogue()}
    assert catalogue["TRANSFER.BASIS"]["legal_basis"] == "LED art. 35\u201338"
    assert len(catalogue) == len(DOMAIN_CASE_RULES) + len(DOMAIN_COUNTRY_RULES) + 1


def test_a_rule_id_registers_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        case_rule("GDPR.MINOR", severity="block", basis="x")(lambda case: iter(()))


def test_findings_carry_rule_metadata() -> None:
    result = run(valid_case(max_penalty_years=2))
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.legal_basis) == (
        "CASE.PENALTY_THRESHOLD",
        "block",
        "pilot rules",
    )


# --- verdict -----------------------------------------------------------------------------------


def test_verdict_blocked_on_any_block_finding() -> None:
    result = run(valid_case(offence_summary=""))
    assert result.verdict == "blocked"
    assert result.rules_with("block") == ("CASE.MIN_DATA",)


def test_verdict_needs_review_on_a_warning() -> None:
    result = run(
        valid_case(target_countries=["SE"], subjects=[person(), organisation()]),
        participants=frozenset({"NL", "SE"}),
    )
    assert result.rules_with("warn") == ("GDPR.THIRD_PARTY",)
    assert all(c.risk != "high" for c in result.countries)
    assert result.verdict == "needs_review"


def test_verdict_needs_review_on_a_high_risk_country() -> None:
    result = run(valid_case(target_countries=["VE"]), participants=frozenset({"NL", "VE"}))
    assert result.findings == ()
    assert result.country("VE") is not None
    assert result.verdict == "needs_review"


def test_verdict_clear_with_medium_risk_only() -> None:
    result = run(valid_case(target_countries=["SE"]), participants=frozenset({"NL", "SE"}))
    assert [c.risk for c in result.countries] == ["medium"]
    assert result.verdict == "clear"


def test_seed_profiles_make_every_case_reviewable() -> None:
    assert run(valid_case()).verdict == "needs_review"


# --- the JSON of GET /api/v1/cases/{id}/screening ----------------------------------------------


def test_to_dict_is_the_contract_shape() -> None:
    subjects = [person(), person("s2", role="third_party", justification="zus")]
    result = run(valid_case(subjects=subjects, target_countries=["TH"]), quota=QuotaState(9, 4))
    body = json.loads(json.dumps(result.to_dict()))
    assert set(body) == {"verdict", "findings", "countries", "quota"}
    assert body["verdict"] in ("blocked", "needs_review", "clear")
    assert body["quota"] == {"limit": 9, "used": 4, "remaining": 5}
    for finding in body["findings"]:
        assert set(finding) == {"rule", "severity", "field", "message", "legal_basis"}
        assert finding["severity"] in ("block", "warn", "info")
    for country in body["countries"]:
        assert set(country) == {
            "country", "participant", "risk", "reasons", "transfer_basis",
            "allowed_transfer_bases",
        }  # fmt: skip
        assert country["risk"] in ("low", "medium", "high", "prohibited")
        assert country["transfer_basis"] in country["allowed_transfer_bases"]
        for reason in country["reasons"]:
            assert set(reason) == {"rule", "risk", "message", "legal_basis"}
    assert {c["country"] for c in body["countries"]} >= {"TH", "SG", "GB"}
    assert "NL" not in {c["country"] for c in body["countries"]}


def test_messages_never_quote_personal_data() -> None:
    subjects = [
        person(
            full_name="Johanna Geheimnaam",
            aliases=["Jo G."],
            remarks="BSN 111222333, mail jo@example.nl, tel 06-12345678",
            refugee_status={"country_of_origin": "VE"},
            nationalities=["CO"],
        )
    ]
    body = json.dumps(run(valid_case(subjects=subjects)).to_dict())
    for value in ("Geheimnaam", "Jo G.", "111222333", "jo@example.nl", "12345678"):
        assert value not in body


# --- partial drafts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"subjects": None, "assets": None, "crime_types": None, "target_countries": None},
        {"subjects": "s1", "assets": {"a": 1}, "crime_types": "fraud", "legal_basis": "x"},
        {"subjects": [None, 3, "x", {"kind": None, "nationalities": None, "identifiers": [None]}]},
        {"subjects": [{"refugee_status": "VE", "date_of_birth": 2015, "role": ["suspect"]}]},
        {"max_penalty_years": {"years": 6}, "offence_summary": 42, "title": ["t"]},
        {"assets": [{"description": None, "estimated_value": None}], "target_countries": [None]},
        {"target_countries": ["ZZ", "", "nld", 31], "contains_special_categories": "yes"},
        {"subjects": [{"full_name": "A", "date_of_birth": "2020-13-45"}]},
    ],
)
def test_partial_drafts_never_raise(case: dict[str, Any]) -> None:
    result = run(case)
    assert result.verdict == "blocked"
    assert "CASE.MIN_DATA" in result.rules_with("block")
    json.dumps(result.to_dict())


def test_a_non_mapping_case_is_screened_as_empty() -> None:
    assert run(["not", "a", "case"]).rules_with("block")[:2] == (
        "CASE.MIN_DATA",
        "CASE.PENALTY_THRESHOLD",
    )


def test_deeply_nested_values_do_not_raise() -> None:
    deep: Any = "111222333"
    for _ in range(200):
        deep = [deep]
    run(valid_case(relations=deep))


def test_screening_does_not_change_its_input() -> None:
    case = valid_case(subjects=[person(), organisation()])
    before = json.dumps(case, sort_keys=True)
    run(case)
    assert json.dumps(case, sort_keys=True) == before


# --- speed -------------------------------------------------------------------------------------


def big_case(subjects: int = 50, assets: int = 200) -> dict[str, Any]:
    rng = random.Random(7)
    codes = sorted(seed_profiles())
    sentences = [
        "De verdachte kocht via een stroman een villa aan de Kerkstraat in Marbella.",
        "Mr Christensen transferred EUR 250,000 to an account held by a shell company.",
        "Het vermogen is ondergebracht in een trust op Malta; de begunstigde is onbekend.",
        "The suspect owns a yacht registered under a flag of convenience since 2019.",
        "Betaald vanaf NL91 ABNA 0417 1643 00 op 12-03-2024 naar een notaris.",
    ]

    def text(n: int) -> str:
        return " ".join(rng.choice(sentences) for _ in range(n))

    return valid_case(
        offence_summary=text(12),
        target_countries=["ES", "AE", "TH"],
        subjects=[
            person(
                f"s{i}",
                role="suspect" if i == 0 else "third_party",
                justification=text(1),
                nationalities=["NL", rng.choice(codes)],
                residence_country=rng.choice(codes),
                aliases=[f"Alias {i}"],
                remarks=text(4),
            )
            for i in range(subjects)
        ],
        assets=[
            {
                "key": f"a{i}",
                "type": "bank_account",
                "iban": "NL91ABNA0417164300",
                "country": rng.choice(codes),
                "estimated_value": {"amount": "125000.00", "currency": "EUR"},
                "description": text(3),
            }
            for i in range(assets)
        ],
        holdings=[
            {"subject": "s0", "asset": f"a{i}", "relation": "owns", "share": 1}
            for i in range(assets)
        ],
    )


def test_a_large_case_is_screened_against_every_participant() -> None:
    result = run(big_case(), profiles=seed_profiles())
    assert len(result.countries) == 51
    assert {row.country for row in result.countries} >= {"ES", "SG", "CN", "GB"}
