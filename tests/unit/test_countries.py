"""The seed country profiles, their integrity and provenance, and their serialisation
(silver/domain/countries.py)."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from silver.domain.cases import REQUESTER
from silver.domain.countries import (
    DATA_DIR,
    DEFAULT_PARTICIPANTS,
    CountryProfile,
    InvalidProfileError,
    all_iso_countries,
    country_name,
    load_seed_profiles,
    mark_reviewed,
    profile_from_dict,
    profile_to_dict,
)

SEED_CSV = DATA_DIR / "country_profiles.csv"
SOURCES_MD = DATA_DIR / "country_profiles_sources.md"


@pytest.fixture(scope="module")
def seed() -> dict[str, CountryProfile]:
    return load_seed_profiles()


def test_seed_has_the_51_participants(seed: dict[str, CountryProfile]) -> None:
    assert len(seed) == 51 == len(DEFAULT_PARTICIPANTS)
    assert set(seed) == DEFAULT_PARTICIPANTS
    assert {"NL", "GI", "GB", "US"} <= DEFAULT_PARTICIPANTS
    assert REQUESTER == "NL"
    assert all(p.participant for p in seed.values())


def test_seed_is_unreviewed(seed: dict[str, CountryProfile]) -> None:
    assert all(p.reviewed_by is None and p.reviewed_at is None for p in seed.values())
    assert all(p.human_rights_concerns == "" for p in seed.values())
    assert not any(p.human_rights_concern_cleared for p in seed.values())


def test_only_the_uk_has_led_adequacy(seed: dict[str, CountryProfile]) -> None:
    assert {code for code, p in seed.items() if p.led_adequacy} == {"GB"}
    assert not seed["GI"].led_adequacy


def test_eu_members(seed: dict[str, CountryProfile]) -> None:
    eu = {code for code, p in seed.items() if p.eu_member}
    assert eu == {"BE", "EE", "FR", "HU", "IT", "LV", "MT", "NL", "PL", "PT", "ES", "SE"}


def test_empty_cells_stay_empty(seed: dict[str, CountryProfile]) -> None:
    assert seed["QA"].cpi_score is None and seed["QA"].cpi_year is None
    gibraltar = seed["GI"]
    assert gibraltar.cpi_score is None
    assert gibraltar.freedom_house_status is None and gibraltar.freedom_house_detail == ""
    assert seed["ZW"].capital_offences == ()
    assert seed["BE"].capital_offences == ()


def test_parsed_values(seed: dict[str, CountryProfile]) -> None:
    china = seed["CN"]
    assert china.death_penalty_status == "retentionist"
    assert china.capital_offences == (
        "drug_trafficking",
        "corruption",
        "human_trafficking",
        "murder",
        "other",
    )
    assert (china.cpi_score, china.cpi_year) == (42, 2024)
    assert china.freedom_house_status == "Not Free"
    assert china.freedom_house_detail == "Not Free (FIW 2025; 9/100)"
    assert seed["EC"].freedom_house_status == "Partly Free"
    assert seed["SE"].freedom_house_status == "Free"
    assert seed["DZ"].fatf_status == "grey"
    assert seed["DZ"].fatf_detail == "grey (FATF list of 24 Oct 2025)"
    assert seed["RU"].fatf_status == "suspended_member"
    assert seed["NL"].fatf_status == "none"
    assert seed["KR"].death_penalty_status == "abolished_in_practice"
    assert seed["NL"].sources and all(s.startswith("http") for s in seed["NL"].sources)
    assert "Uncertain" in seed["AE"].notes


def _seed_rows() -> list[dict[str, str]]:
    with SEED_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_participant_has_exactly_one_row() -> None:
    codes = [row["iso2"] for row in _seed_rows()]
    assert len(codes) == 51 == len(set(codes))
    assert set(codes) == DEFAULT_PARTICIPANTS


def test_codes_are_iso_3166_alpha_2() -> None:
    iso = {country.code for country in all_iso_countries()}
    for row in _seed_rows():
        assert re.fullmatch(r"[A-Z]{2}", row["iso2"]), row["iso2"]
        assert row["iso2"] in iso, row["iso2"]
        assert row["name"].strip(), row["iso2"]


def test_the_netherlands_is_present_and_is_the_requester(
    seed: dict[str, CountryProfile],
) -> None:
    assert REQUESTER == "NL"
    netherlands = seed[REQUESTER]
    assert netherlands.participant and netherlands.eu_member
    assert netherlands.name == "Netherlands"


def test_every_row_cites_its_sources() -> None:
    for row in _seed_rows():
        urls = row["sources"].split()
        assert urls, f"{row['iso2']} cites no source"
        assert all(re.fullmatch(r"https?://\S+", url) for url in urls), row["iso2"]


def test_a_cpi_year_goes_with_a_cpi_score(seed: dict[str, CountryProfile]) -> None:
    for profile in seed.values():
        assert (profile.cpi_score is None) == (profile.cpi_year is None), profile.code


def _documented_columns() -> set[str]:
    """The columns named in the first cell of each row of the sources file's column table."""
    documented: set[str] = set()
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith("`"):
            documented.update(re.findall(r"`([a-z0-9_]+)`", cells[0]))
    return documented


def test_every_column_is_documented_in_the_sources_file() -> None:
    with SEED_CSV.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert set(header) == _documented_columns()


def test_derived_values_named_in_the_sources_file_are_flagged_uncertain(
    seed: dict[str, CountryProfile],
) -> None:
    for code in ("DZ", "MW", "AE", "TT"):
        assert "Uncertain: cpi_score=" in seed[code].notes, code
    assert "Uncertain: led_adequacy=false?" in seed["GI"].notes


def test_the_sources_file_stands_on_its_own() -> None:
    text = SOURCES_MD.read_text(encoding="utf-8")
    assert "law.anticor.world" in text
    assert "shared" not in text


def test_loader_reports_the_line_of_a_bad_value(tmp_path: Path) -> None:
    header = (DATA_DIR / "country_profiles.csv").read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\nXX,Nowhere,maybe,false,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(InvalidProfileError, match="line 2") as err:
        load_seed_profiles(bad)
    assert err.value.field == "eu_member"


def test_round_trip_through_json(seed: dict[str, CountryProfile]) -> None:
    reviewed = mark_reviewed(seed["CN"], "screener1", datetime(2025, 9, 1, 8, 0, tzinfo=UTC))
    for profile in (*seed.values(), reviewed):
        data = json.loads(json.dumps(profile_to_dict(profile)))
        assert profile_from_dict(data) == profile
    assert profile_to_dict(reviewed)["reviewed_at"] == "2025-09-01T08:00:00Z"
    assert profile_to_dict(reviewed)["capital_offences"][0] == "drug_trafficking"


def test_from_dict_defaults_and_time_zones() -> None:
    profile = profile_from_dict(
        {"code": "XK", "name": "Kosovo", "reviewed_at": "2025-09-01T10:00:00+02:00"}
    )
    assert profile.capital_offences == () and profile.cpi_score is None
    assert profile.reviewed_at == datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    naive = CountryProfile(code="XK", name="Kosovo", reviewed_at=datetime(2025, 9, 1, 8, 0))
    assert naive.reviewed_at is not None and naive.reviewed_at.tzinfo is UTC
    offset = timezone(timedelta(hours=2))
    assert (
        profile_to_dict(
            dataclasses.replace(profile, reviewed_at=datetime(2025, 9, 1, 10, 0, tzinfo=offset))
        )["reviewed_at"]
        == "2025-09-01T08:00:00Z"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X"}, "code"),
        ({"code": "xx", "name": "X"}, "code"),
        ({"code": "XX"}, "name"),
        ({"code": "XX", "name": "X", "colour": "red"}, "colour"),
        ({"code": "XX", "name": "X", "eu_member": "true"}, "eu_member"),
        ({"code": "XX", "name": "X", "cpi_score": "40"}, "cpi_score"),
        ({"code": "XX", "name": "X", "cpi_score": True}, "cpi_score"),
        ({"code": "XX", "name": "X", "cpi_score": 101}, "cpi_score"),
        ({"code": "XX", "name": "X", "death_penalty_status": "sometimes"}, "death_penalty_status"),
        ({"code": "XX", "name": "X", "capital_offences": ["fraud"]}, "capital_offences"),
        ({"code": "XX", "name": "X", "capital_offences": "murder"}, "capital_offences"),
        ({"code": "XX", "name": "X", "freedom_house_status": "free"}, "freedom_house_status"),
        ({"code": "XX", "name": "X", "fatf_status": "grey (Oct 2025)"}, "fatf_status"),
        ({"code": "XX", "name": "X", "reviewed_at": "yesterday"}, "reviewed_at"),
        ({"code": "XX", "name": "X", "reviewed_at": 1700000000}, "reviewed_at"),
        ({"code": "XX", "name": "X", "notes": None}, "notes"),
    ],
)
def test_from_dict_rejects_bad_values(data: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidProfileError) as err:
        profile_from_dict(data)
    assert err.value.field == field


def test_all_iso_countries() -> None:
    countries = all_iso_countries()
    codes = [c.code for c in countries]
    assert len(codes) == len(set(codes)) >= 249
    assert codes == sorted(codes)
    assert set(codes) >= DEFAULT_PARTICIPANTS
    assert country_name("KR") == "South Korea"
    assert country_name("NL") == "Netherlands"
    assert country_name("XX") is None
