"""The screening's findings and country reasons, and validation messages, in Dutch."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from screening import QuotaState, ScreeningResult
from silver.domain.text import unsafe_text
from tests.unit.test_screening_fixtures import organisation, person, run, seed_profiles, valid_case
from web.i18n import country_label, country_name, day, init_i18n, money, when
from web.messages import message


@pytest.fixture(scope="module")
def app() -> Flask:
    app = Flask(__name__)
    init_i18n(app)
    return app


@pytest.fixture
def dutch(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Cookie": "silver_lang=nl"}):
        yield


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):
        yield


def troubled_screening() -> ScreeningResult:
    """A case that sets off every case rule, and countries that give every country reason."""
    profiles = seed_profiles()
    profiles["BR"] = dataclasses.replace(profiles["BR"], reviewed_at=None)
    profiles["KE"] = dataclasses.replace(
        profiles["KE"],
        death_penalty_status="retentionist",
        capital_offences=(),
        cpi_score=None,
        reviewed_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    profiles["IN"] = dataclasses.replace(
        profiles["IN"],
        freedom_house_status="Not Free",
        freedom_house_detail="Not Free (FIW 2025; 20/100)",
        human_rights_concerns="Reports of torture in custody.",
        cpi_score=50,
        cpi_year=None,
    )
    profiles["ES"] = dataclasses.replace(profiles["ES"], death_penalty_status=None)
    del profiles["SE"]
    case = valid_case(
        max_penalty_years=2,
        crime_types=["drug_trafficking", "fraud"],
        contains_special_categories=True,
        offence_summary="The opposition leader ran it; BSN 111222333; mail jan@example.org. "
        + "x" * 2100,
        target_countries=["KE", "IN", "BR", "ZZ", "US"],
        subjects=[
            person(nationalities=["BR"], residence_country="KE"),
            person(
                key="m1", date_of_birth="2012-01-01", refugee_status={"country_of_origin": "IN"}
            ),
            person(key="t1", role="third_party", justification=""),
            organisation(jurisdiction="IN"),
        ],
    )
    participants = frozenset({"NL", "BR", "KE", "IN", "ES", "SE"})
    return run(
        case, profiles=profiles, quota=QuotaState(limit=2, used=2), participants=participants
    )


def all_messages(result: ScreeningResult) -> list[str]:
    return [f.message for f in result.findings] + [
        r.message for c in result.countries for r in c.reasons
    ]


def test_every_finding_and_country_reason_is_translated(dutch: None) -> None:
    result = troubled_screening()
    rules = {f.rule for f in result.findings} | {
        r.rule for c in result.countries for r in c.reasons
    }
    assert len(rules) >= 14, sorted(rules)
    untranslated = [m for m in all_messages(result) if message(m) == m]
    assert untranslated == []


def test_a_country_reason_names_the_country_in_dutch(dutch: None) -> None:
    reasons = [
        r.message for c in troubled_screening().countries if c.country == "BR" for r in c.reasons
    ]
    translated = [message(m) for m in reasons]
    assert "het risicoprofiel van Brazilië is nooit beoordeeld" in translated
    assert 'betrokkene "s1" heeft de nationaliteit van Brazilië' in translated


def test_english_messages_stay_as_the_services_word_them(english: None) -> None:
    messages = all_messages(troubled_screening())
    assert [message(m) for m in messages] == messages


def test_validation_messages_in_dutch(dutch: None) -> None:
    assert message("Missing data for required field.") == "Dit veld is verplicht."
    assert message("Length must be between 1 and 300.") == "De lengte moet tussen 1 en 300 liggen."
    assert message("a vessel needs an imo number or a name") == (
        "een schip heeft een IMO-nummer of een naam nodig"
    )
    assert message("IBAN checksum does not match") == "het controlegetal van de IBAN klopt niet"
    assert message("ZZ is not an ISO 3166 country code") == ("ZZ is geen landcode volgens ISO 3166")
    assert message("IBAN country code ES is not a country that uses IBAN") == (
        "de landcode ES van de IBAN is geen land dat IBAN gebruikt"
    )
    assert message("an unknown message of a service") == "an unknown message of a service"


def test_refused_characters_in_dutch(dutch: None) -> None:
    assert message(unsafe_text("ab\x00c")) == ("bevat een stuurteken (U+0000) op positie 3")
    assert message(unsafe_text("ab\x07c", free_text=True)) == (
        "bevat een stuurteken (U+0007) op positie 3 (in vrije tekst zijn alleen tabs en regeleinden"
        " toegestaan)"
    )
    assert message(unsafe_text("a\ud800")) == (
        "bevat een losse surrogaat (U+D800) op positie 2: geen geldige tekst"
    )


def test_countries_dates_and_amounts_follow_the_language(app: Flask) -> None:
    moment = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Cookie": "silver_lang=nl"}):
        assert country_name("BR") == "Brazilië" and country_name("DE") == "Duitsland"
        assert country_label("ES") == "Spanje (ES)" and country_label("INTERPOL") == "INTERPOL"
        assert day(date(2026, 3, 5)) == "5 mrt 2026"
        assert day("2026-03-05") == "5 mrt 2026"
        assert when(moment) == "5 mrt 2026, 14:30 UTC"
        assert money("250000.00", "EUR") == "€\xa0250.000,00"
    with app.test_request_context():
        assert country_name("BR") == "Brazil"
        assert day(date(2026, 3, 5)) == "5 Mar 2026"
        assert when("2026-03-05T14:30:00+00:00") == "5 Mar 2026, 14:30 UTC"
        assert money("250000.00", "EUR") == "€250,000.00"
        assert money("12", None) == "12"
