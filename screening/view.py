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
from screening.text import (
    ART3,
    SPECIAL_CATEGORIES,
    PersonalDataKind,
    TermHit,
    TermList,
    find_personal_data_in,
    find_terms,
)
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
    def strings(self) -> Strings:
        """Every string (and integer, as a string) anywhere in the case, in document order."""
        strings = Strings()
        for key, value in self.case.items():
            _collect(None, str(key), value, strings, MAX_DEPTH)
        return strings

    @cached_property
    def personal_data(self) -> tuple[tuple[str, frozenset[PersonalDataKind]], ...]:
        """(path, kinds) for every string holding a BSN, an e-mail address or a phone number."""
        strings = self.strings
        found = find_personal_data_in(strings.texts)
        return tuple((strings.path(i), kinds) for i, kinds in sorted(found.items()))

    def term_hits(self, terms: TermList) -> Sequence[Sequence[TermHit]]:
        """The hits of `terms` in each of `free_texts` (none where `scan_terms` is false)."""
        if terms in TERM_LISTS:
            return self._term_hits[TERM_LISTS.index(terms)]
        return self._search((terms,))[0]

    @cached_property
    def _term_hits(self) -> list[list[list[TermHit]]]:
        """Every list of TERM_LISTS searched in every scanned free text, in one pass."""
        return self._search(TERM_LISTS)

    def _search(self, lists: Sequence[TermList]) -> list[list[list[TermHit]]]:
        scanned = [text.text for text in self.free_texts if text.scan_terms]
        hits: list[list[list[TermHit]]] = []
        for per_text in find_terms(scanned, lists):
            found = iter(per_text)
            hits.append([next(found) if text.scan_terms else [] for text in self.free_texts])
        return hits


# The term lists the case rules search free text for: searched together, in one pass.
TERM_LISTS: tuple[TermList, ...] = (SPECIAL_CATEGORIES, ART3)

# Deeper nesting than any case body has; a pathological body is cut off, never a RecursionError.
MAX_DEPTH = 32


# Where a container stands: the location of its own container and its key or index there (the
# root's container is None).
Location = tuple["Location", Any] | None


class Strings:
    """The strings of a case and where each stands: its container's location and its key there.
    A path is made only for the few strings reported, and the walk makes no object per string
    (a tuple per string would make the garbage collector walk the whole heap again and again)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.containers: list[Location] = []
        self.keys: list[Any] = []

    def add(self, container: Location, key: Any, text: str) -> None:
        self.texts.append(text)
        self.containers.append(container)
        self.keys.append(key)

    def path(self, index: int) -> str:
        """ "subjects.3.remarks" for the string at subjects[3]["remarks"]."""
        keys = [f"{self.keys[index]}"]
        location = self.containers[index]
        while location is not None:
            location, key = location
            keys.append(f"{key}")
        return ".".join(reversed(keys))


def _collect(container: Location, key: Any, value: Any, strings: Strings, depth: int) -> None:
    """Every string under `value`, which stands at `key` in the container at `container`. The
    plain types of a JSON body go first, by their exact type (cheaper than isinstance with an
    abstract class); anything else by the general checks, in their order."""
    kind = type(value)
    if kind is str:
        strings.add(container, key, value)
        return
    location = (container, key)
    if depth > 0 and kind is dict:
        texts, containers, keys = strings.texts, strings.containers, strings.keys
        for name, item in value.items():
            if type(item) is str:
                texts.append(item)
                containers.append(location)
                keys.append(name)
            else:
                _collect(location, name, item, strings, depth - 1)
        return
    if depth > 0 and kind is list:
        texts, containers, keys = strings.texts, strings.containers, strings.keys
        for index, item in enumerate(value):
            if type(item) is str:
                texts.append(item)
                containers.append(location)
                keys.append(index)
            else:
                _collect(location, index, item, strings, depth - 1)
        return
    if isinstance(value, str):
        strings.add(container, key, value)
    elif isinstance(value, int) and not isinstance(value, bool):
        strings.add(container, key, str(value))
    elif depth <= 0:
        return
    elif isinstance(value, Mapping):
        for name, item in value.items():
            _collect(location, name, item, strings, depth - 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _collect(location, index, item, strings, depth - 1)
