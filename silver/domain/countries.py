"""Countries of the pilot and their misuse-risk profiles (docs/domain.md, "Country risk").

The seed in `silver/data/country_profiles.csv` holds sourced public values for the 51 reported
participants; `country_profiles_sources.md` beside it says where each column comes from. Gaps
stay empty: a missing value is `None`, never a guess. Seed profiles are unreviewed, so every
recipient shows `MISUSE.PROFILE_STALE` until a screener has reviewed it.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

# law.anticor.world's list of 51 participants (a secondary source, see country_profiles_sources.md);
# the seed CSV has one row for each of them.
DEFAULT_PARTICIPANTS: frozenset[str] = frozenset(
    {
        "AE", "AR", "BE", "BI", "BR", "CG", "CN", "CO", "DZ", "EC", "EE", "ES", "FR", "GA",
        "GB", "GE", "GI", "GN", "HU", "IN", "IQ", "IT", "KE", "KR", "KW", "KZ", "LV", "MD",
        "MK", "MT", "MW", "MZ", "NA", "NG", "NL", "NZ", "PK", "PL", "PT", "PY", "QA", "RU",
        "SE", "SG", "TT", "UA", "US", "UY", "VE", "ZM", "ZW",
    }
)  # fmt: skip

DEATH_PENALTY_STATUSES: tuple[str, ...] = (
    "abolished",
    "abolished_for_ordinary_crimes",
    "abolished_in_practice",
    "retentionist",
)
CAPITAL_OFFENCES: tuple[str, ...] = (
    "murder",
    "terrorism",
    "drug_trafficking",
    "corruption",
    "human_trafficking",
    "other",
)
FREEDOM_HOUSE_STATUSES: tuple[str, ...] = ("Free", "Partly Free", "Not Free")
FATF_STATUSES: tuple[str, ...] = ("none", "grey", "black", "suspended_member")

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SEED_PATH = DATA_DIR / "country_profiles.csv"

_CODE = re.compile(r"[A-Z]{2}")
_FATF_WORD = re.compile(r"\s*([a-z_]+)")


class InvalidProfileError(ValueError):
    """A profile value is missing, of the wrong type or outside its vocabulary."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CountryProfile:
    code: str
    name: str
    participant: bool = False
    eu_member: bool = False
    led_adequacy: bool = False
    death_penalty_status: str | None = None
    capital_offences: tuple[str, ...] = ()
    cpi_score: int | None = None
    cpi_year: int | None = None
    freedom_house_status: str | None = None
    freedom_house_detail: str = ""
    fatf_status: str | None = None
    fatf_detail: str = ""
    human_rights_concerns: str = ""
    human_rights_concern_cleared: bool = False
    notes: str = ""
    sources: tuple[str, ...] = ()
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidProfileError("code", f"not an ISO 3166-1 alpha-2 code: {self.code!r}")
        _check_choice("death_penalty_status", self.death_penalty_status, DEATH_PENALTY_STATUSES)
        _check_choice("freedom_house_status", self.freedom_house_status, FREEDOM_HOUSE_STATUSES)
        _check_choice("fatf_status", self.fatf_status, FATF_STATUSES)
        for offence in self.capital_offences:
            _check_choice("capital_offences", offence, CAPITAL_OFFENCES)
        if self.cpi_score is not None and not 0 <= self.cpi_score <= 100:
            raise InvalidProfileError("cpi_score", "must be between 0 and 100")
        if self.reviewed_at is not None and self.reviewed_at.tzinfo is None:
            object.__setattr__(self, "reviewed_at", self.reviewed_at.replace(tzinfo=UTC))

    @property
    def third_country(self) -> bool:
        return not self.eu_member


def _check_choice(field: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidProfileError(field, f"{value!r} is not one of {', '.join(allowed)}")


def mark_reviewed(profile: CountryProfile, by: str, at: datetime) -> CountryProfile:
    return dataclasses.replace(profile, reviewed_by=by, reviewed_at=at)


def load_seed_profiles(path: str | Path | None = None) -> dict[str, CountryProfile]:
    """Parse the seed CSV; every row is a participant of the pilot, and none is reviewed."""
    with Path(path or SEED_PATH).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    profiles: dict[str, CountryProfile] = {}
    for line, row in enumerate(rows, start=2):
        try:
            profile = _profile_from_row(row)
        except InvalidProfileError as err:
            raise InvalidProfileError(err.field, f"line {line}: {err.message}") from err
        profiles[profile.code] = profile
    return profiles


def _profile_from_row(row: Mapping[str, str]) -> CountryProfile:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    fatf_detail = cell("fatf_status")
    fatf_word = _FATF_WORD.match(fatf_detail)
    freedom_detail = cell("freedom_house_status")
    return CountryProfile(
        code=cell("iso2"),
        name=cell("name"),
        participant=True,
        eu_member=_csv_bool("eu_member", cell("eu_member")),
        led_adequacy=_csv_bool("led_adequacy", cell("led_adequacy")),
        death_penalty_status=cell("death_penalty_status") or None,
        capital_offences=tuple(o.strip() for o in cell("capital_offences").split(";") if o.strip()),
        cpi_score=_csv_int("cpi_score", cell("cpi_score")),
        cpi_year=_csv_int("cpi_year", cell("cpi_year")),
        freedom_house_status=_freedom_house_word(freedom_detail),
        freedom_house_detail=freedom_detail,
        fatf_status=fatf_word.group(1) if fatf_word else None,
        fatf_detail=fatf_detail,
        notes=cell("notes"),
        sources=tuple(cell("sources").split()),
    )


def _csv_bool(field: str, value: str) -> bool:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidProfileError(field, f"expected true or false, got {value!r}")


def _csv_int(field: str, value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidProfileError(field, f"expected an integer, got {value!r}") from None


def _freedom_house_word(text: str) -> str | None:
    if not text:
        return None
    # "Free" is a prefix of neither longer status, but test the longer ones first anyway.
    for status in sorted(FREEDOM_HOUSE_STATUSES, key=len, reverse=True):
        if text == status or text.startswith(status + " "):
            return status
    raise InvalidProfileError("freedom_house_status", f"unknown status in {text!r}")


class IsoCountry(NamedTuple):
    code: str
    name: str


@functools.cache
def _iso_countries() -> tuple[IsoCountry, ...]:
    import pycountry

    return tuple(
        sorted(
            IsoCountry(c.alpha_2, getattr(c, "common_name", None) or c.name)
            for c in pycountry.countries
        )
    )


def all_iso_countries() -> list[IsoCountry]:
    """Every ISO 3166-1 alpha-2 code with its common English name, sorted by code."""
    return list(_iso_countries())


@functools.cache
def _iso_names() -> dict[str, str]:
    return dict(_iso_countries())


def country_name(code: str) -> str | None:
    return _iso_names().get(code)


_TUPLE_FIELDS = ("capital_offences", "sources")
_FIELDS = {f.name: f for f in dataclasses.fields(CountryProfile)}


def profile_to_dict(profile: CountryProfile) -> dict[str, Any]:
    """A JSON-ready dict: tuples become lists, `reviewed_at` an ISO 8601 UTC string."""
    data = dataclasses.asdict(profile)
    for name in _TUPLE_FIELDS:
        data[name] = list(data[name])
    if profile.reviewed_at is not None:
        data["reviewed_at"] = profile.reviewed_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return data


def profile_from_dict(data: Mapping[str, Any]) -> CountryProfile:
    """The inverse of `profile_to_dict`; unknown keys and wrong types raise InvalidProfileError.

    Missing keys take the dataclass defaults, except `code` and `name`, which are required.
    """
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise InvalidProfileError(unknown[0], "unknown field")
    for required in ("code", "name"):
        if not isinstance(data.get(required), str):
            raise InvalidProfileError(required, "required string")
    values: dict[str, Any] = {}
    for name, value in data.items():
        values[name] = _coerce(name, value)
    return CountryProfile(**values)


_BOOL_FIELDS = frozenset(
    {"participant", "eu_member", "led_adequacy", "human_rights_concern_cleared"}
)
_INT_FIELDS = frozenset({"cpi_score", "cpi_year"})
_STR_FIELDS = frozenset(
    {"code", "name", "freedom_house_detail", "fatf_detail", "human_rights_concerns", "notes"}
)
_OPTIONAL_STR_FIELDS = frozenset(
    {"death_penalty_status", "freedom_house_status", "fatf_status", "reviewed_by"}
)


def _coerce(name: str, value: Any) -> Any:
    if name in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise InvalidProfileError(name, "expected a boolean")
        return value
    if name in _INT_FIELDS:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidProfileError(name, "expected an integer or null")
        return value
    if name in _STR_FIELDS:
        if not isinstance(value, str):
            raise InvalidProfileError(name, "expected a string")
        return value
    if name in _OPTIONAL_STR_FIELDS:
        if value is not None and not isinstance(value, str):
            raise InvalidProfileError(name, "expected a string or null")
        return value or None
    if name in _TUPLE_FIELDS:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise InvalidProfileError(name, "expected a list of strings")
        return tuple(value)
    if name == "reviewed_at":
        return _parse_datetime(value)
    raise InvalidProfileError(name, "unknown field")  # pragma: no cover


def _parse_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InvalidProfileError("reviewed_at", "expected an ISO 8601 string or null")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidProfileError("reviewed_at", f"not an ISO 8601 date-time: {value!r}") from None
