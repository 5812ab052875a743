"""The seed country profiles and their serialisation (silver/countries.py)."""

from __future__ import annotations

import dataclasses
import json
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

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


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


def test_seed_copy_is_byte_identical_to_the_shared_data() -> None:
    assert SHARED.is_dir(), "../shared/ (the project's shared data) must be beside the work tree"
    for name in ("country_profiles.csv", "country_profiles_sources.md"):
        assert (DATA_DIR / name).read_bytes() == (SHARED / name).read_bytes()


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
