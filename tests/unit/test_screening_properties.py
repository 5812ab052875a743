"""Properties of the screening engine, checked on generated cases (hypothesis)."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening import ScreeningResult
from screening.model import RISK_RANK
from silver.domain.countries import DEFAULT_PARTICIPANTS
from tests.unit.test_screening_fixtures import person, run, valid_case

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

COUNTRIES = [*sorted(DEFAULT_PARTICIPANTS), "TH", "SY", "IR"]
CRIME_TYPES = [
    "fraud", "corruption", "drug_trafficking", "money_laundering", "environmental_crime",
    "tax_fraud", "organised_crime", "human_trafficking", "cybercrime", "other",
]  # fmt: skip
SENTENCES = [
    "",
    "Betaald in contanten via een notaris.",
    "De verdachte is lid van de vakbond FNV.",
    "Mr Christensen bought a villa in Marbella.",
    "Hij is moslim en bezoekt de moskee.",
    "The suspect is a well-known opposition leader.",
    "Zijn BSN is 111222333.",
    "Bel 06-12345678 of mail jan@example.nl.",
    "Villa aan de Kerkstraat 12.",
    "He served in the army until 2015.",
    "x" * 2100,
]

codes = st.sampled_from(COUNTRIES)
texts = st.sampled_from(SENTENCES)
birthdays = st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)).map(date.isoformat)
identifiers = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["passport", "national_id", "tax_id", "other"]),
            "value": st.sampled_from(["NW92BD2F1", "111222333", "X-778812", "1112.22.333"]),
            "country": codes,
        }
    ),
    max_size=2,
)


@st.composite
def subjects(draw: st.DrawFn, key: str, main: bool = False) -> dict[str, Any]:
    role = "suspect" if main else draw(st.sampled_from(["suspect", "convicted", "third_party"]))
    return person(
        key,
        role=role,
        justification=draw(texts) if role == "third_party" else "",
        full_name="Jan Jansen",
        aliases=draw(st.lists(st.sampled_from(["J.J.", "Johnny", "Moslim Jan"]), max_size=2)),
        date_of_birth=draw(birthdays),
        nationalities=draw(st.lists(codes, max_size=2)),
        residence_country=draw(st.none() | codes),
        refugee_status=draw(st.none() | st.builds(lambda c: {"country_of_origin": c}, codes)),
        identifiers=draw(identifiers),
        remarks=draw(texts),
    )


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    extra = draw(st.integers(min_value=0, max_value=3))
    case = valid_case(
        crime_types=draw(st.lists(st.sampled_from(CRIME_TYPES), max_size=3, unique=True)),
        offence_summary=draw(texts) or "Fraude met beleggingen.",
        max_penalty_years=draw(st.sampled_from([2, 4, 4.5, 6, 12, None])),
        target_countries=draw(st.lists(codes, max_size=3)),
        contains_special_categories=draw(st.booleans()),
        special_categories_justification=draw(st.sampled_from(["", "Strikt noodzakelijk."])),
        subjects=[draw(subjects("s0", main=True))]
        + [draw(subjects(f"s{i + 1}")) for i in range(extra)],
    )
    case["assets"][0]["description"] = draw(texts)
    return case


def _risks(result: ScreeningResult) -> dict[str, int]:
    return {c.country: RISK_RANK[c.risk] for c in result.countries}


@SETTINGS
@given(case=cases(), origin=codes, today=birthdays.map(date.fromisoformat))
def test_a_refugee_subject_never_lowers_a_country_risk(
    case: dict[str, Any], origin: str, today: date
) -> None:
    before = run(case, today=today)
    with_refugee = copy.deepcopy(case)
    with_refugee["subjects"].append(
        person("refugee", role="third_party", refugee_status={"country_of_origin": origin})
    )
    after = run(with_refugee, today=today)
    risks_before, risks_after = _risks(before), _risks(after)
    assert all(risks_after[code] >= rank for code, rank in risks_before.items())
    # The Netherlands is the requester: never a candidate recipient, even as a target.
    candidate = origin in DEFAULT_PARTICIPANTS or origin in case["target_countries"]
    if candidate and origin != "NL":
        assert risks_after[origin] == RISK_RANK["prohibited"]
    else:
        assert origin not in risks_after or risks_after[origin] == risks_before.get(origin)


@st.composite
def removals(draw: st.DrawFn, case: dict[str, Any]) -> dict[str, Any]:
    """The case with some personal data taken out; the main suspect stays identifiable."""
    smaller = copy.deepcopy(case)
    subjects = smaller["subjects"]
    for subject in subjects:
        if draw(st.booleans()):
            subject["remarks"] = ""
        if draw(st.booleans()):
            subject["aliases"] = []
        if draw(st.booleans()):
            subject["identifiers"] = []
    keep = draw(st.lists(st.booleans(), min_size=len(subjects) - 1, max_size=len(subjects) - 1))
    smaller["subjects"] = [subjects[0]] + [s for s, k in zip(subjects[1:], keep, strict=True) if k]
    return smaller


@SETTINGS
@given(data=st.data())
def test_removing_personal_data_never_adds_a_finding(data: st.DataObject) -> None:
    case = data.draw(cases())
    smaller = data.draw(removals(case))
    before, after = run(case), run(smaller)
    count_before = Counter((f.rule, f.severity) for f in before.findings)
    count_after = Counter((f.rule, f.severity) for f in after.findings)
    assert count_after <= count_before, count_after - count_before
    risks_before = _risks(before)
    assert all(rank <= risks_before[code] for code, rank in _risks(after).items())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
CASE_KEYS = [
    "title", "national_reference", "crime_types", "offence_summary", "max_penalty_years",
    "legal_basis", "urgency", "requested_instrument", "target_countries",
    "contains_special_categories", "special_categories_justification", "subjects", "assets",
    "holdings", "relations",
]  # fmt: skip


@SETTINGS
@given(case=cases(), junk=st.dictionaries(st.sampled_from(CASE_KEYS), json_values, max_size=4))
def test_verdict_is_blocked_iff_a_finding_blocks(
    case: dict[str, Any], junk: dict[str, Any]
) -> None:
    for candidate in (case, {**case, **junk}, junk):
        result = run(candidate)
        blocked = any(f.severity == "block" for f in result.findings)
        assert (result.verdict == "blocked") is blocked
        if not blocked:
            high = any(c.risk == "high" for c in result.countries)
            warned = any(f.severity == "warn" for f in result.findings)
            assert result.verdict == ("needs_review" if high or warned else "clear")
