"""Positive and negative examples for every case-level rule (docs/domain.md, first table)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screening import QuotaState, ScreeningConfig
from screening.case_rules import age_on
from tests.unit.test_screening_fixtures import (
    organisation,
    person,
    rule_fields,
    run,
    valid_case,
)

# --- CASE.MIN_DATA -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subjects": []}, "subjects"),
        ({"subjects": None}, "subjects"),
        ({"subjects": [organisation(role="suspect")]}, "subjects"),
        ({"subjects": [person(role="third_party", justification="partner")]}, "subjects"),
        ({"subjects": [person(full_name="")]}, "subjects.0"),
        ({"subjects": [person(date_of_birth=None, identifiers=[])]}, "subjects.0"),
        ({"subjects": [person(date_of_birth="17-05-1970", identifiers=[])]}, "subjects.0"),
        ({"subjects": [person(date_of_birth=None, identifiers=[{"value": " "}])]}, "subjects.0"),
        ({"offence_summary": ""}, "offence_summary"),
        ({"offence_summary": "   "}, "offence_summary"),
        ({"offence_summary": None}, "offence_summary"),
        ({"legal_basis": None}, "legal_basis"),
        ({"legal_basis": {"type": "criminal_investigation", "reference": ""}}, "legal_basis"),
        ({"legal_basis": {"type": "rumour", "reference": "x"}}, "legal_basis"),
        ({"assets": [], "target_countries": []}, "assets"),
        ({"assets": None, "target_countries": ["xx-invalid"]}, "assets"),
    ],
)
def test_min_data_fires(changes: dict[str, Any], field: str) -> None:
    assert field in rule_fields(run(valid_case(**changes)), "CASE.MIN_DATA")


@pytest.mark.parametrize(
    "changes",
    [
        {"subjects": [person(date_of_birth=None)]},
        {"subjects": [person(identifiers=[])]},
        {"subjects": [person(role="convicted")]},
        {"subjects": [person(key="s1", full_name=""), person(key="s2")]},
        {"assets": []},
        {"target_countries": []},
        {"legal_basis": {"type": "confiscation_order", "reference": "ECLI:NL:RBROT:2025:1"}},
    ],
)
def test_min_data_passes(changes: dict[str, Any]) -> None:
    assert rule_fields(run(valid_case(**changes)), "CASE.MIN_DATA") == []


def test_min_data_reports_each_gap() -> None:
    case = valid_case(offence_summary="", legal_basis={}, assets=[], target_countries=[])
    assert rule_fields(run(case), "CASE.MIN_DATA") == ["offence_summary", "legal_basis", "assets"]


# --- CASE.PENALTY_THRESHOLD --------------------------------------------------------------------


@pytest.mark.parametrize("years", [None, "", "four", True, 0, 3, 4, 4.0, "4", float("nan")])
def test_penalty_threshold_blocks_at_or_below_four_years(years: object) -> None:
    fields = rule_fields(run(valid_case(max_penalty_years=years)), "CASE.PENALTY_THRESHOLD")
    assert fields == ["max_penalty_years"]


def test_penalty_threshold_blocks_when_missing() -> None:
    case = valid_case()
    del case["max_penalty_years"]
    assert rule_fields(run(case), "CASE.PENALTY_THRESHOLD") == ["max_penalty_years"]


@pytest.mark.parametrize("years", [4.5, 5, 6, 12, "8"])
def test_penalty_threshold_passes_above_four_years(years: object) -> None:
    assert rule_fields(run(valid_case(max_penalty_years=years)), "CASE.PENALTY_THRESHOLD") == []


def test_penalty_threshold_is_configurable() -> None:
    config = ScreeningConfig(penalty_threshold_years=8)
    result = run(valid_case(max_penalty_years=6), config=config)
    assert rule_fields(result, "CASE.PENALTY_THRESHOLD") == ["max_penalty_years"]
    assert "8 years" in result.findings[0].message


# --- GDPR.SPECIAL_CATEGORY ---------------------------------------------------------------------

SPECIAL_POSITIVE = [
    ("offence_summary", "De verdachte is lid van de vakbond FNV.", "trade-union"),
    ("offence_summary", "The suspect is an active member of a trade union.", "trade-union"),
    ("offence_summary", "Hij is vakbondsbestuurder bij de haven.", "trade-union"),
    ("subjects.0.remarks", "Hij is moslim en bezoekt wekelijks de moskee.", "religious"),
    ("subjects.0.remarks", "Zij bezoekt de moskeeën in Rotterdam-Zuid.", "religious"),
    ("subjects.0.remarks", "She converted to Catholicism in 2010.", "religious"),
    ("subjects.0.remarks", "Betrokkene is joods en woont in Amstelveen.", "religious"),
    ("subjects.0.remarks", "The suspect attends a Christian church in Leiden.", "religious"),
    ("subjects.0.remarks", "Betrokkene heeft diabetes en gebruikt insuline.", "health"),
    ("subjects.0.remarks", "He was treated for depression in 2019.", "health"),
    ("subjects.0.remarks", "Hij is opgenomen geweest in een psychiatrische kliniek.", "health"),
    ("subjects.0.remarks", "Volgens zijn advocaat is hij ernstig ziek.", "health"),
    ("subjects.0.remarks", "De verdachte is homoseksueel.", "sex life"),
    ("subjects.0.remarks", "His sexual orientation is known to his family.", "sex life"),
    ("subjects.0.remarks", "De villa staat op naam van zijn minnares.", "sex life"),
    ("offence_summary", "Er is een DNA-profiel van de verdachte afgenomen.", "genetic"),
    ("offence_summary", "Fingerprints were taken when he entered Spain.", "biometric"),
    ("subjects.0.remarks", "Betrokkene is van Turkse afkomst.", "ethnic origin"),
    ("subjects.0.remarks", "He belongs to an ethnic minority in his country.", "ethnic origin"),
    ("subjects.0.remarks", "Hij is partijlid en zit in de gemeenteraad.", "political opinions"),
    ("subjects.0.remarks", "Zijn politieke voorkeur is bekend.", "political opinions"),
    ("assets.0.description", "Schenking aan de kerk van zijn RELIGIEUZE gemeenschap.", "relig"),
    ("subjects.0.remarks", "Ze is zwanger van haar tweede kind.", "health"),
    ("title", "Onderzoek Moskee Noord", "religious"),
]


@pytest.mark.parametrize(("field", "text", "label"), SPECIAL_POSITIVE)
def test_special_category_fires_on_sentences(field: str, text: str, label: str) -> None:
    result = run(_with_text(field, text))
    hits = [f for f in result.findings if f.rule == "GDPR.SPECIAL_CATEGORY"]
    assert [f.field for f in hits] == [field]
    assert hits[0].severity == "block"
    assert label in hits[0].message
    assert '"' in hits[0].message


SPECIAL_NEGATIVE = [
    ("offence_summary", "Mr Christensen bought a villa in Marbella for EUR 2 million."),
    ("assets.0.description", "Villa aan de Kerkstraat 12 in Zwolle, betaald in contanten."),
    ("assets.0.description", "The flat on Church Street was bought with cash."),
    ("subjects.0.remarks", "Christian Bauer, a business partner, wired the money."),
    ("subjects.0.remarks", "Mr Gay signed the loan agreement as a nominee."),
    ("assets.0.description", "Penthouse in Ras Al Khaimah, paid through a shell company."),
    ("offence_summary", "The union of the two companies hid the proceeds."),
    ("offence_summary", "Sanctions of the European Union were evaded."),
    ("assets.0.description", "Three race horses stabled in Newmarket."),
    ("offence_summary", "Zorgfraude door een thuiszorgorganisatie met valse declaraties."),
    ("offence_summary", "Hij is een groot liefhebber van moderne kunst en oldtimers."),
    ("offence_summary", "De herkomst van het geld is onduidelijk."),
    ("subjects.0.remarks", "Zijn verklaring is niet geloofwaardig."),
    ("assets.0.description", "Betaald vanaf NL91 ABNA 0417 1643 00 naar een trust."),
]


@pytest.mark.parametrize(("field", "text"), SPECIAL_NEGATIVE)
def test_special_category_ignores_names_places_and_lookalikes(field: str, text: str) -> None:
    assert rule_fields(run(_with_text(field, text)), "GDPR.SPECIAL_CATEGORY") == []


@pytest.mark.parametrize(
    ("subject_fields", "asset_fields"),
    [
        ({"full_name": "Christian Moslim", "aliases": ["Imam Kerk"]}, {}),
        ({"full_name": "Mohammed Islam"}, {"address": "Kerkplein 1, Moskeestraat"}),
        ({}, {"name": "Saint Christian"}),
    ],
)
def test_special_category_does_not_scan_names_or_addresses(
    subject_fields: dict[str, Any], asset_fields: dict[str, Any]
) -> None:
    case = valid_case(subjects=[person(**subject_fields)])
    case["assets"][0].update(asset_fields)
    assert rule_fields(run(case), "GDPR.SPECIAL_CATEGORY") == []


def test_special_category_justification_text_is_not_scanned_for_terms() -> None:
    case = valid_case(
        contains_special_categories=True,
        special_categories_justification="His religion matters: the mosque holds the funds.",
    )
    assert rule_fields(run(case), "GDPR.SPECIAL_CATEGORY") == []


@pytest.mark.parametrize("justification", ["", "   ", None])
def test_special_category_declared_without_justification(justification: str | None) -> None:
    case = valid_case(
        contains_special_categories=True, special_categories_justification=justification
    )
    fields = rule_fields(run(case), "GDPR.SPECIAL_CATEGORY")
    assert fields == ["special_categories_justification"]


def test_special_category_groups_terms_per_field_and_category() -> None:
    case = valid_case(offence_summary="Moslim, bezoekt de moskee; moskee betaald door de vakbond.")
    messages = [f.message for f in run(case).findings if f.rule == "GDPR.SPECIAL_CATEGORY"]
    assert len(messages) == 2
    assert '"moslim", "moskee"' in messages[0]
    assert '"vakbond"' in messages[1]


# --- GDPR.NATIONAL_ID --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("subjects.0.remarks", "Zijn BSN is 111222333."),
        ("subjects.0.remarks", "BSN: 1112.22.333"),
        ("subjects.0.remarks", "bsn 1112 22 333 volgens de GBA"),
        ("subjects.0.identifiers.0.value", "111222333"),
        ("subjects.0.identifiers.0.value", "1112-22-333"),
        ("national_reference", "ON/111222333"),
        ("assets.0.description", "Eenmanszaak met btw-nummer NL111222333B01."),
    ],
)
def test_national_id_blocks_a_bsn_anywhere(path: str, value: str) -> None:
    result = run(_with_text(path, value))
    assert rule_fields(result, "GDPR.NATIONAL_ID") == [path]
    assert "111222333" not in result.findings[0].message


@pytest.mark.parametrize(
    "value",
    [
        "123456789",  # fails the 11-test
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "DE89370400440532013000",
        "amount 111222333.00",
        "1111222333",
        "000000000",
        "1112.22 333",
    ],
)
def test_national_id_ignores_numbers_that_are_not_a_bsn(value: str) -> None:
    assert rule_fields(run(_with_text("subjects.0.remarks", value)), "GDPR.NATIONAL_ID") == []


# --- GDPR.MINOR --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "today", "minor"),
    [
        ("2007-10-01", date(2025, 10, 1), False),  # 18 today
        ("2007-10-02", date(2025, 10, 1), True),  # 18 tomorrow
        ("2007-09-30", date(2025, 10, 1), False),
        ("2008-02-29", date(2026, 2, 28), True),  # leap-day birthday: 18 on 1 March
        ("2008-02-29", date(2026, 3, 1), False),
        ("2008-02-29", date(2028, 2, 29), False),
        ("2015-06-01", date(2025, 10, 1), True),
        ("1970-05-17", date(2025, 10, 1), False),
    ],
)
def test_minor_on_the_day_of_submission(born: str, today: date, minor: bool) -> None:
    result = run(valid_case(subjects=[person(date_of_birth=born)]), today=today)
    assert rule_fields(result, "GDPR.MINOR") == (["subjects.0.date_of_birth"] if minor else [])


@pytest.mark.parametrize("born", ["2030-01-01", "2015-02-30", "01-01-2015", None, 20150101])
def test_minor_skips_dates_that_are_not_a_birth_date(born: object) -> None:
    assert rule_fields(run(valid_case(subjects=[person(date_of_birth=born)])), "GDPR.MINOR") == []


def test_minor_checks_every_person_subject_not_organisations() -> None:
    subjects = [
        person(),
        person("s2", role="third_party", justification="son", date_of_birth="2012-01-01"),
        organisation(date_of_birth="2020-01-01"),
    ]
    assert rule_fields(run(valid_case(subjects=subjects)), "GDPR.MINOR") == [
        "subjects.1.date_of_birth"
    ]


def test_age_on() -> None:
    assert age_on(date(2000, 1, 1), date(2017, 12, 31)) == 17
    assert age_on(date(2000, 1, 1), date(2018, 1, 1)) == 18


# --- GDPR.THIRD_PARTY --------------------------------------------------------------------------


def test_third_party_warns_for_each_non_suspect_and_quotes_the_justification_length() -> None:
    subjects = [
        person(),
        person("s2", role="third_party", justification="Echtgenote; de villa staat op haar naam."),
        person("s3", role="third_party", justification=""),
        organisation(),
    ]
    findings = [f for f in run(valid_case(subjects=subjects)).findings]
    third = [f for f in findings if f.rule == "GDPR.THIRD_PARTY"]
    assert [f.field for f in third] == [
        "subjects.1.justification",
        "subjects.2.justification",
        "subjects.3.justification",
    ]
    assert all(f.severity == "warn" for f in third)
    assert '"s2"' in third[0].message and "40 characters" in third[0].message
    assert "no justification" in third[1].message
    assert "organisation" in third[2].message


@pytest.mark.parametrize("role", ["suspect", "convicted"])
def test_third_party_silent_for_suspects(role: str) -> None:
    assert rule_fields(run(valid_case(subjects=[person(role=role)])), "GDPR.THIRD_PARTY") == []


# --- GDPR.MINIMISATION -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bereikbaar via jan.jansen@example.nl.",
        "Bel hem op 06-12345678 na zes uur.",
        "Mobiel: 06 1234 5678",
        "Tel. +31 6 12345678",
        "Tel. +31 (0)20 123 4567",
        "Kantoor 020-1234567",
        "His London number is +44 20 7946 0958.",
        "UAE mobile 00971 50 123 4567",
    ],
)
def test_minimisation_warns_about_contact_data(text: str) -> None:
    result = run(_with_text("subjects.0.remarks", text))
    assert rule_fields(result, "GDPR.MINIMISATION") == ["subjects.0.remarks"]
    assert "@" not in result.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "NL91ABNA0417164300",
        "Paid EUR 1250.00 on 2024-05-01.",
        "Rekeningnummer 0417164300",
        "Cadastral reference 9872023VH5797S0001WX",
        "Flight KL1234 on 12-03-2024",
    ],
)
def test_minimisation_ignores_other_numbers(text: str) -> None:
    assert rule_fields(run(_with_text("subjects.0.remarks", text)), "GDPR.MINIMISATION") == []


def test_minimisation_warns_about_long_free_text() -> None:
    config = ScreeningConfig(free_text_max_chars=100)
    short = run(valid_case(offence_summary="x" * 100), config=config)
    long = run(valid_case(offence_summary="x" * 101), config=config)
    assert rule_fields(short, "GDPR.MINIMISATION") == []
    assert rule_fields(long, "GDPR.MINIMISATION") == ["offence_summary"]


def test_minimisation_default_limit_is_2000_characters() -> None:
    case = valid_case(subjects=[person(remarks="Betaald in contanten. " * 100)])
    assert rule_fields(run(case), "GDPR.MINIMISATION") == ["subjects.0.remarks"]


# --- INTERPOL.ART3 -----------------------------------------------------------------------------

ART3_POSITIVE = [
    ("subjects.0.remarks", "The suspect is a well-known opposition leader.", "political"),
    ("subjects.0.remarks", "Hij is een bekende oppositieleider in zijn land.", "political"),
    ("offence_summary", "Hij financierde in 2021 een staatsgreep.", "political"),
    ("offence_summary", "The funds paid for a coup attempt.", "political"),
    ("subjects.0.remarks", "Zij werkt als journalist voor een krant.", "political"),
    ("subjects.0.remarks", "He organised protests against the government.", "political"),
    ("subjects.0.remarks", "Hij nam deel aan demonstraties in de hoofdstad.", "political"),
    ("subjects.0.remarks", "De verdachte is officier in het leger.", "military"),
    ("subjects.0.remarks", "He served as a colonel in the army.", "military"),
    ("subjects.0.remarks", "Hij steunt een separatistische beweging.", "military"),
    ("subjects.0.remarks", "The imam of the mosque collected the money.", "religious"),
    ("subjects.0.remarks", "He is accused of blasphemy at home.", "religious"),
    ("offence_summary", "Beschuldigd van etnische zuivering.", "racial"),
]


@pytest.mark.parametrize(("field", "text", "label"), ART3_POSITIVE)
def test_article_3_warns_on_sentences(field: str, text: str, label: str) -> None:
    result = run(_with_text(field, text))
    hits = [f for f in result.findings if f.rule == "INTERPOL.ART3"]
    assert [f.field for f in hits] == [field]
    assert hits[0].severity == "warn"
    assert label in hits[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Mr Leger bought shares in the company.",
        "De verdachte verkocht een auto aan mevrouw Rebel.",
        "The suspect laundered money through a car dealership.",
        "Hij maakte bezwaar tegen de beslaglegging.",
        "Hij trouwde in 2001 in een protestantse kerk.",
    ],
)
def test_article_3_quiet_on_ordinary_sentences(text: str) -> None:
    assert rule_fields(run(_with_text("subjects.0.remarks", text)), "INTERPOL.ART3") == []


def test_article_3_cannot_tell_homographs_apart() -> None:
    """A warning is cheap: the screener reads "leger" (emptier) and acknowledges it."""
    case = _with_text("subjects.0.remarks", "De bankrekening is leger dan verwacht.")
    assert rule_fields(run(case), "INTERPOL.ART3") == ["subjects.0.remarks"]


# --- INTERPOL.QUOTA ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "used", "fires"),
    [(9, 9, True), (9, 12, True), (0, 0, True), (9, 8, False), (9, 0, False)],
)
def test_quota(limit: int, used: int, fires: bool) -> None:
    result = run(valid_case(), quota=QuotaState(limit, used))
    assert rule_fields(result, "INTERPOL.QUOTA") == ([None] if fires else [])
    assert result.quota.remaining == max(0, limit - used)


# --- helpers -----------------------------------------------------------------------------------


def _with_text(path: str, text: str) -> dict[str, Any]:
    """The valid case with `text` at a dotted path (list indices as numbers)."""
    case = valid_case()
    *parents, last = path.split(".")
    node: Any = case
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = text
    else:
        node[last] = text
    return case
