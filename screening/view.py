"""A read-only, forgiving view of a (possibly partial) case, computed once per screening.

Every accessor tolerates missing keys, `None` and values of the wrong type: a draft is screened
as it stands and screening never raises on one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from screening.model import QuotaState, ScreeningConfig, ScreeningInput
from screening.text import PersonalDataKind, find_personal_data
from silver.domain.countries import CountryProfile

_CODE = re.compile(r"[A-Z]{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def country_code(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if _CODE.fullmatch(code) else None


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class SubjectView:
    index: int
    data: Mapping[str, Any]

    @property
    def path(self) -> str:
        return f"subjects.{self.index}"

    @property
    def label(self) -> str:
        key = as_str(self.data.get("key")).strip()
        return f'subject "{key}"' if key else f"subject {self.index}"

    @property
    def is_person(self) -> bool:
        return self.data.get("kind") != "organisation"

    @property
    def role(self) -> str:
        return as_str(self.data.get("role"))

    @property
    def is_suspect(self) -> bool:
        return self.role in ("suspect", "convicted")

    @property
    def full_name(self) -> str:
        return as_str(self.data.get("full_name")).strip()

    @property
    def date_of_birth(self) -> date | None:
        return parse_date(self.data.get("date_of_birth"))

    @property
    def has_identifier(self) -> bool:
        return any(
            as_str(as_dict(item).get("value")).strip()
            for item in as_list(self.data.get("identifiers"))
        )

    def ties(self) -> Iterator[tuple[str, str]]:
        """(country, how) for each nationality, residence or registration of the subject."""
        if self.is_person:
            for value in as_list(self.data.get("nationalities")):
                if code := country_code(value):
                    yield code, "is a national of"
            if code := country_code(self.data.get("residence_country")):
                yield code, "resides in"
        elif code := country_code(self.data.get("jurisdiction")):
            yield code, "is registered in"

    @property
    def refugee_origin(self) -> str | None:
        return country_code(as_dict(self.data.get("refugee_status")).get("country_of_origin"))


@dataclass(frozen=True)
class CountryView:
    code: str
    participant: bool
    profile: CountryProfile | None

    @property
    def name(self) -> str:
        return self.profile.name if self.profile and self.profile.name else self.code


# Free-text fields: the only ones scanned for special-category and Article 3 terms. Names,
# aliases, addresses, vessel names and identifiers are never scanned (a surname such as
# Christensen or a street such as Kerkstraat is not a religion). The special-categories
# justification is about special categories by design, so it is checked only for length,
# BSNs and contact data.
TOP_LEVEL_FREE_TEXT = ("title", "offence_summary")
TOP_LEVEL_UNSCANNED_TEXT = ("special_categories_justification",)
SUBJECT_FREE_TEXT = ("remarks", "justification")
ASSET_FREE_TEXT = ("description",)


@dataclass(frozen=True)
class FreeText:
    path: str
    text: str
    scan_terms: bool


class CaseView:
    def __init__(self, inp: ScreeningInput) -> None:
        self.input = inp
        self.case: Mapping[str, Any] = as_dict(inp.case)
        self.config: ScreeningConfig = inp.config
        self.quota: QuotaState = inp.quota
        self.today: date = inp.today
        self.now: datetime = inp.now

    def get(self, key: str) -> Any:
        return self.case.get(key)

    def text(self, key: str) -> str:
        return as_str(self.case.get(key)).strip()

    @cached_property
    def subjects(self) -> tuple[SubjectView, ...]:
        return tuple(
            SubjectView(i, item)
            for i, item in enumerate(as_list(self.case.get("subjects")))
            if isinstance(item, Mapping)
        )

    @cached_property
    def assets(self) -> tuple[tuple[int, Mapping[str, Any]], ...]:
        return tuple(
            (i, item)
            for i, item in enumerate(as_list(self.case.get("assets")))
            if isinstance(item, Mapping)
        )

    @cached_property
    def crime_types(self) -> tuple[str, ...]:
        types = (as_str(t).strip().lower() for t in as_list(self.case.get("crime_types")))
        return tuple(dict.fromkeys(t for t in types if t))

    @cached_property
    def target_countries(self) -> tuple[str, ...]:
        codes = (country_code(v) for v in as_list(self.case.get("target_countries")))
        return tuple(dict.fromkeys(c for c in codes if c))

    @cached_property
    def ties(self) -> Mapping[str, tuple[tuple[SubjectView, str], ...]]:
        found: dict[str, list[tuple[SubjectView, str]]] = {}
        for subject in self.subjects:
            for code, how in dict.fromkeys(subject.ties()):
                found.setdefault(code, []).append((subject, how))
        return {code: tuple(items) for code, items in found.items()}

    @cached_property
    def refugees(self) -> Mapping[str, tuple[SubjectView, ...]]:
        found: dict[str, list[SubjectView]] = {}
        for subject in self.subjects:
            if subject.is_person and (origin := subject.refugee_origin):
                found.setdefault(origin, []).append(subject)
        return {code: tuple(items) for code, items in found.items()}

    @cached_property
    def free_texts(self) -> tuple[FreeText, ...]:
        texts: list[FreeText] = []

        def add(path: str, value: Any, scan_terms: bool) -> None:
            if isinstance(value, str) and value.strip():
                texts.append(FreeText(path, value, scan_terms))

        for key in TOP_LEVEL_FREE_TEXT:
            add(key, self.case.get(key), True)
        for key in TOP_LEVEL_UNSCANNED_TEXT:
            add(key, self.case.get(key), False)
        for subject in self.subjects:
            for key in SUBJECT_FREE_TEXT:
                add(f"{subject.path}.{key}", subject.data.get(key), True)
        for index, asset in self.assets:
            for key in ASSET_FREE_TEXT:
                add(f"assets.{index}.{key}", asset.get(key), True)
        return tuple(texts)

    @cached_property
    def strings(self) -> tuple[tuple[str, str], ...]:
        """(path, text) for every string (and integer) anywhere in the case, in document order."""
        found: list[tuple[str, str]] = []
        for key, value in self.case.items():
            _collect(str(key), value, found, MAX_DEPTH)
        return tuple(found)

    @cached_property
    def personal_data(self) -> tuple[tuple[str, frozenset[PersonalDataKind]], ...]:
        """(path, kinds) for every string holding a BSN, an e-mail address or a phone number."""
        found = ((path, find_personal_data(text)) for path, text in self.strings)
        return tuple((path, kinds) for path, kinds in found if kinds)


# Deeper nesting than any case body has; a pathological body is cut off, never a RecursionError.
MAX_DEPTH = 32


def _collect(path: str, value: Any, found: list[tuple[str, str]], depth: int) -> None:
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, int) and not isinstance(value, bool):
        found.append((path, str(value)))
    elif depth <= 0:
        return
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect(f"{path}.{key}", item, found, depth - 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _collect(f"{path}.{index}", item, found, depth - 1)
