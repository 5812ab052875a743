"""The case body of CONTRACT.md ("Cases"): what each field may hold, its canonical form, and the
rules that make a case consistent.

Every way into a case (the API, the web form, the demo loader, an outcome that reports a new
asset) validates here, so a case in the store always satisfies these rules. A body comes back in
its canonical JSON form: identifiers normalised, amounts as two-decimal strings, dates as ISO
strings, numbers as floats, only the fields that were given. A body that breaks any rule raises
`ValidationFailed` with every problem at once, each under its dotted path
(`subjects.0.full_name`; `_body` for the body itself). The generic messages are word for word
those the API has always given (marshmallow's), since clients and the web form show them.

A wrong JSON type anywhere is a validation error, never a crash: the rules across fields read
the raw body and check types before they compare.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from silver.domain import identifiers as ids
from silver.domain.cases import (
    ASSET_TYPE_FIELDS,
    ASSET_TYPES,
    CRIME_TYPES,
    HOLDING_RELATIONS,
    IDENTIFIER_TYPES,
    INSTRUMENTS,
    LEGAL_BASIS_TYPES,
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    REQUESTER,
    SUBJECT_KINDS,
    SUBJECT_RELATIONS,
    SUBJECT_ROLES,
)
from silver.domain.errors import ValidationFailed
from silver.domain.text import unsafe_text

__all__ = [
    "KEY_RE",
    "MAX_TEXT",
    "Invalid",
    "canonical_amount",
    "validate_asset",
    "validate_case_body",
    "validate_case_patch",
]

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_TEXT = 10_000

MISSING = "Missing data for required field."
NULL = "Field may not be null."
UNKNOWN = "Unknown field."
NOT_AN_OBJECT = "Invalid input type."
NOT_A_STRING = "Not a valid string."
NOT_A_NUMBER = "Not a valid number."
NOT_A_BOOLEAN = "Not a valid boolean."
NOT_A_LIST = "Not a valid list."
NOT_A_DATE = "Not a valid date."
NOT_A_RECIPIENT = "the Netherlands is the requesting country, never a recipient"


# --- Errors by path -----------------------------------------------------------------------------


Path = tuple[str | int, ...]


class Invalid(ValueError):
    """A value was refused. `errors` maps paths relative to the value (`()` is the value
    itself) to their messages, so a list or an object can put its parts' errors under itself."""

    def __init__(self, *messages: str, errors: Mapping[Path, list[str]] | None = None) -> None:
        self.errors: dict[Path, list[str]] = (
            dict(errors) if errors is not None else {(): list(messages)}
        )
        super().__init__("; ".join(f"{_dotted(p)}: {' '.join(m)}" for p, m in self.errors.items()))


class Errors:
    """The errors of one object or list, collected in the order found."""

    def __init__(self) -> None:
        self.by_path: dict[Path, list[str]] = {}

    def add(self, where: str | int | Path, *messages: str) -> None:
        path = where if isinstance(where, tuple) else (where,)
        self.by_path.setdefault(path, []).extend(messages)

    def nest(self, exc: Invalid, *prefix: str | int) -> None:
        for path, messages in exc.errors.items():
            self.add((*prefix, *path), *messages)

    def raise_if_any(self) -> None:
        if self.by_path:
            raise Invalid(errors=self.by_path)


def _dotted(path: Path) -> str:
    return ".".join(str(part) for part in path) or "_body"


def _public(exc: Invalid) -> ValidationFailed:
    return ValidationFailed({_dotted(path): messages for path, messages in exc.errors.items()})


# --- Values -------------------------------------------------------------------------------------

Convert = Callable[[object], Any]


def string(value: object, *, free_text: bool = False) -> str:
    """A JSON string without control characters or lone surrogates (silver.domain.text);
    free text may hold tab and line breaks."""
    if not isinstance(value, str):
        raise Invalid(NOT_A_STRING)
    problem = unsafe_text(value, free_text=free_text)
    if problem is not None:
        raise Invalid(problem)
    return value


def text(max_length: int = MAX_TEXT, min_length: int = 0, *, free: bool = False) -> Convert:
    """A string of at most `max_length` characters; `free` text may span lines."""

    def convert(value: object) -> str:
        s = string(value, free_text=free)
        if min_length and not min_length <= len(s) <= max_length:
            raise Invalid(f"Length must be between {min_length} and {max_length}.")
        if len(s) > max_length:
            raise Invalid(f"Longer than maximum length {max_length}.")
        return s

    return convert


def one_of(choices: Sequence[str]) -> Convert:
    def convert(value: object) -> str:
        if string(value) not in choices:
            raise Invalid(f"Must be one of: {', '.join(choices)}.")
        return str(value)

    return convert


def key(value: object) -> str:
    # re.match with "$" as the API always had it (a trailing newline passes).
    if not KEY_RE.match(string(value)):
        raise Invalid("1-64 letters, digits, '_', '.' or '-'")
    return str(value)


def identifier(normalise: Callable[[str], str]) -> Convert:
    """Text turned into its canonical form by a silver.domain.identifiers normaliser."""

    def convert(value: object) -> str:
        try:
            return normalise(string(value))
        except ids.InvalidIdentifier as exc:
            raise Invalid(str(exc)) from None

    return convert


country = identifier(ids.normalise_country)


def number(low: int, high: int) -> Convert:
    """A JSON number (or numeric text), returned as a float."""

    def convert(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Invalid(NOT_A_NUMBER)
        try:
            num = float(value)
        except ValueError:
            raise Invalid(NOT_A_NUMBER) from None
        except OverflowError:
            raise Invalid("Number too large.") from None
        if math.isnan(num) or math.isinf(num):
            raise Invalid("Special numeric values (nan or infinity) are not permitted.")
        if not low <= num <= high:
            raise Invalid(
                f"Must be greater than or equal to {low} and less than or equal to {high}."
            )
        return num

    return convert


# What a boolean may be written as (a form sends "on", a client 1 or "yes"), as always accepted.
_TRUE: frozenset[object] = frozenset(
    {"t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1", 1}
)
_FALSE: frozenset[object] = frozenset(
    {"f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0", 0}
)


def boolean(value: object) -> bool:
    try:
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    except TypeError:  # unhashable: a list or an object
        pass
    raise Invalid(NOT_A_BOOLEAN)


def date_of_birth(value: object) -> str:
    try:
        born = date.fromisoformat(string(value))
    except (Invalid, ValueError):
        raise Invalid(NOT_A_DATE) from None
    if born > date.today():
        raise Invalid("must be in the past")
    if born.year < 1900:
        raise Invalid("is not plausible (before 1900)")
    return born.isoformat()


_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,2})?")


def canonical_amount(value: object) -> str:
    """A non-negative decimal string with at most two decimals, returned with exactly two."""
    if not isinstance(value, str):
        raise Invalid('must be a decimal string such as "1250.00"')
    if not _AMOUNT.fullmatch(value.strip()):
        raise Invalid(
            'must be a non-negative decimal string with at most two decimals, e.g. "1250.00"'
        )
    try:
        return str(Decimal(value.strip()).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise Invalid("is not a decimal number") from None


def list_of(item: Convert, *, max_length: int | None = None, unique: str = "") -> Convert:
    """A JSON array of items. Its own limits are checked only once every item is valid."""

    def convert(value: object) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise Invalid(NOT_A_LIST)
        errors, out = Errors(), []
        for i, each in enumerate(value):
            if each is None:
                errors.add(i, NULL)
                continue
            try:
                out.append(item(each))
            except Invalid as exc:
                errors.nest(exc, i)
        errors.raise_if_any()
        if max_length is not None and len(out) > max_length:
            raise Invalid(f"Longer than maximum length {max_length}.")
        if unique and len(set(out)) != len(out):
            raise Invalid(f"{unique} must not repeat a value")
        return out

    return convert


# --- Objects ------------------------------------------------------------------------------------

_ABSENT = object()


@dataclass(frozen=True)
class Field:
    convert: Convert
    required: bool = False
    nullable: bool = False
    default: object = _ABSENT  # taken when the field is not given


# A rule sees the raw object, its fields that passed, and the errors to add to.
Rule = Callable[[Mapping[Any, Any], dict[str, Any], Errors], None]


@dataclass(frozen=True)
class Shape:
    """A JSON object: its fields (no others), then rules across them. The rules run even when a
    field failed, so every problem is reported at once."""

    fields: Mapping[str, Field]
    rules: tuple[Rule, ...] = ()

    def __call__(self, value: object, *, partial: bool = False) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise Invalid(NOT_AN_OBJECT)
        errors, out = Errors(), {}
        for name, field in self.fields.items():
            if name not in value:
                if field.required and not partial:
                    errors.add(name, MISSING)
                elif field.default is not _ABSENT:
                    out[name] = field.default
                continue
            raw = value[name]
            if raw is None:
                if field.nullable:
                    out[name] = None
                else:
                    errors.add(name, NULL)
                continue
            try:
                out[name] = field.convert(raw)
            except Invalid as exc:
                errors.nest(exc, name)
        for name in value:
            if name not in self.fields:
                errors.add(str(name), UNKNOWN)
        for rule in self.rules:
            rule(value, out, errors)
        errors.raise_if_any()
        return out


def _required(convert: Convert) -> Field:
    return Field(convert, required=True)


def _optional(convert: Convert) -> Field:
    return Field(convert, nullable=True)


def _given(raw: Mapping[Any, Any], name: str) -> bool:
    return raw.get(name) not in (None, "")


MONEY = Shape(
    {
        "amount": _required(canonical_amount),
        "currency": _required(identifier(ids.normalise_currency)),
    }
)
LEGAL_BASIS = Shape(
    {"type": _required(one_of(LEGAL_BASIS_TYPES)), "reference": _required(text(500))}
)
REFUGEE_STATUS = Shape({"country_of_origin": _required(country)})
PERSON_IDENTIFIER = Shape(
    {
        "type": _required(one_of(IDENTIFIER_TYPES)),
        "value": _required(identifier(ids.normalise_generic)),
        "country": Field(country, nullable=True, default=None),
    }
)


# --- Subjects -----------------------------------------------------------------------------------


def _subject_by_kind(raw: Mapping[Any, Any], subject: dict[str, Any], errors: Errors) -> None:
    """A person has a name and no company fields, an organisation the reverse; a third party
    (not a suspect) comes with the reason it is included."""
    kind = subject.get("kind")
    if kind == "person":
        if not (subject.get("full_name") or "").strip():
            errors.add("full_name", "a person needs a full_name")
        for name in ORGANISATION_FIELDS:
            if subject.get(name) is not None:
                errors.add(name, "is a field of an organisation, not of a person")
    elif kind == "organisation":
        if not (subject.get("name") or "").strip():
            errors.add("name", "an organisation needs a name")
        for name in PERSON_FIELDS:
            if subject.get(name) not in (None, []):
                errors.add(name, "is a field of a person, not of an organisation")
    if subject.get("role") == "third_party" and not (subject.get("justification") or "").strip():
        errors.add(
            "justification",
            "a third party (not a suspect) may only be included with a justification",
        )


SUBJECT = Shape(
    {
        "key": _required(key),
        "kind": _required(one_of(SUBJECT_KINDS)),
        "role": _required(one_of(SUBJECT_ROLES)),
        "justification": _optional(text(2000, free=True)),
        "remarks": _optional(text(free=True)),
        # a person
        "full_name": _optional(text(300)),
        "aliases": Field(list_of(text(300), max_length=50)),
        "date_of_birth": _optional(date_of_birth),
        "nationalities": Field(list_of(country, unique="nationalities")),
        "residence_country": _optional(country),
        "refugee_status": _optional(REFUGEE_STATUS),
        "identifiers": Field(list_of(PERSON_IDENTIFIER, max_length=50)),
        # an organisation
        "name": _optional(text(300)),
        "registration_number": _optional(identifier(ids.normalise_generic)),
        "jurisdiction": _optional(country),
        "lei": _optional(identifier(ids.normalise_lei)),
    },
    rules=(_subject_by_kind,),
)


# --- Assets -------------------------------------------------------------------------------------

TYPE_FIELDS = tuple(dict.fromkeys(f for names in ASSET_TYPE_FIELDS.values() for f in names))


@dataclass(frozen=True)
class Need:
    """What identifies an asset of a type: every field of one of the alternatives is given."""

    alternatives: tuple[tuple[str, ...], ...]
    reported_at: str
    message: str

    def met_by(self, raw: Mapping[Any, Any]) -> bool:
        return any(all(_given(raw, f) for f in fields) for fields in self.alternatives)


ASSET_NEEDS: dict[str, tuple[Need, ...]] = {
    "bank_account": (
        Need(
            (("iban",), ("account_number", "bic")),
            "iban",
            "a bank account needs an iban, or an account_number with a bic",
        ),
    ),
    "real_estate": (
        Need(
            (("address",), ("cadastral_reference",)),
            "address",
            "real estate needs an address or a cadastral_reference",
        ),
    ),
    "vehicle": (
        Need(
            (("vin",), ("registration_plate",)),
            "vin",
            "a vehicle needs a vin or a registration_plate",
        ),
    ),
    "vessel": (Need((("imo",), ("name",)), "imo", "a vessel needs an imo number or a name"),),
    "aircraft": (
        Need(
            (("registration_mark",),),
            "registration_mark",
            "an aircraft needs its registration_mark",
        ),
    ),
    "crypto_wallet": (
        Need((("currency",),), "currency", "a crypto wallet needs its currency (e.g. BTC, ETH)"),
        Need((("address",),), "address", "a crypto wallet needs its address"),
    ),
    "company_share": (
        Need(
            (("organisation",),),
            "organisation",
            "a company share names its organisation (a subject key)",
        ),
    ),
    "cash_or_valuables": (
        Need((("description",),), "description", "a cash or valuables asset needs a description"),
    ),
    "other": (Need((("description",),), "description", "an other asset needs a description"),),
}


def _asset_by_type(raw: Mapping[Any, Any], asset: dict[str, Any], errors: Errors) -> None:
    """An asset carries only the identifying fields of its type, and enough of them to be found;
    a wallet address must be valid for its currency."""
    kind = asset.get("type")
    if kind not in ASSET_TYPE_FIELDS:
        return
    own = ASSET_TYPE_FIELDS[kind]
    for name in TYPE_FIELDS:
        if name not in own and raw.get(name) is not None:
            errors.add(name, f"is not a field of a {kind.replace('_', ' ')}")
    for need in ASSET_NEEDS[kind]:
        if not need.met_by(raw):
            errors.add(need.reported_at, need.message)
    if kind == "crypto_wallet" and _given(raw, "address") and asset.get("currency"):
        try:
            ids.normalise_crypto_address(asset["currency"], raw["address"])
        except ids.InvalidIdentifier as exc:
            errors.add("address", str(exc))


ASSET = Shape(
    {
        "key": _required(key),
        "type": _required(one_of(ASSET_TYPES)),
        "country": _optional(country),
        "estimated_value": _optional(MONEY),
        "description": _optional(text(2000, free=True)),
        "iban": _optional(identifier(ids.normalise_iban)),
        "account_number": _optional(
            identifier(lambda v: ids.normalise_generic(v, label="Account number"))
        ),
        "bic": _optional(identifier(ids.normalise_bic)),
        "address": _optional(text(500, free=True)),
        "cadastral_reference": _optional(identifier(ids.normalise_generic)),
        "vin": _optional(identifier(ids.normalise_vin)),
        "registration_plate": _optional(identifier(ids.normalise_generic)),
        "registration_country": _optional(country),
        "imo": _optional(identifier(ids.normalise_imo)),
        "name": _optional(text(300)),
        "registration_mark": _optional(identifier(ids.normalise_generic)),
        "currency": _optional(identifier(ids.normalise_crypto_currency)),
        "organisation": _optional(string),
        "percentage": _optional(number(0, 100)),
        "isin": _optional(identifier(ids.normalise_isin)),
    },
    rules=(_asset_by_type,),
)


# --- The case -----------------------------------------------------------------------------------

HOLDING = Shape(
    {
        "subject": _required(string),
        "asset": _required(string),
        "relation": _required(one_of(HOLDING_RELATIONS)),
        "share": _optional(number(0, 1)),
    }
)
RELATION = Shape(
    {
        "from": _required(string),
        "to": _required(string),
        "relation": _required(one_of(SUBJECT_RELATIONS)),
        "share": _optional(number(0, 1)),
    }
)

_countries = list_of(country, unique="target_countries")


def target_countries(value: object) -> list[str]:
    """The countries asked to trace the assets: never the Netherlands, which asks."""
    errors, out = Errors(), []
    try:
        out = _countries(value)
    except Invalid as exc:
        errors.nest(exc)
    if isinstance(value, list | tuple):
        for i, code in enumerate(value):
            if _is_requester(code):
                errors.add(i, NOT_A_RECIPIENT)
    errors.raise_if_any()
    return out


def _is_requester(code: object) -> bool:
    try:
        return isinstance(code, str) and ids.normalise_country(code) == REQUESTER
    except ids.InvalidIdentifier:
        return False


def _objects(raw: Mapping[Any, Any], name: str) -> Iterator[tuple[int, Mapping[Any, Any]]]:
    """The objects of the list `name` of a raw body, with their index; anything else in the
    list has had its error already."""
    items = raw.get(name)
    if isinstance(items, list | tuple):
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                yield i, item


def _keyed(raw: Mapping[Any, Any], name: str) -> dict[str, Mapping[Any, Any]]:
    items = (item for _, item in _objects(raw, name))
    return {item["key"]: item for item in items if isinstance(item.get("key"), str)}


def _names(keys: Mapping[str, object], value: object) -> bool:
    return isinstance(value, str) and value in keys


def _references(raw: Mapping[Any, Any], _: dict[str, Any], errors: Errors) -> None:
    """The parts of a case refer to each other by key: keys are unique across subjects and
    assets, holdings and relations name existing ones, no subject is related to itself, and a
    company share names an organisation of the case."""
    subjects, assets = _keyed(raw, "subjects"), _keyed(raw, "assets")
    seen: dict[str, str] = {}
    for group in ("subjects", "assets"):
        for i, item in _objects(raw, group):
            k = item.get("key")
            if not isinstance(k, str):
                continue
            if k in seen:
                errors.add(
                    (group, i, "key"), f"key {k!r} is used twice in this case (also in {seen[k]})"
                )
            else:
                seen[k] = f"{group}.{i}"
    for i, holding in _objects(raw, "holdings"):
        if not _names(subjects, holding.get("subject")):
            errors.add(("holdings", i, "subject"), "does not name a subject key of this case")
        if not _names(assets, holding.get("asset")):
            errors.add(("holdings", i, "asset"), "does not name an asset key of this case")
    for i, relation in _objects(raw, "relations"):
        for end in ("from", "to"):
            if not _names(subjects, relation.get(end)):
                errors.add(("relations", i, end), "does not name a subject key of this case")
        if relation.get("from") is not None and relation.get("from") == relation.get("to"):
            errors.add(("relations", i, "to"), "a subject cannot be related to itself")
    for i, asset in _objects(raw, "assets"):
        organisation = asset.get("organisation")
        if asset.get("type") == "company_share" and organisation is not None:
            named = subjects.get(organisation) if isinstance(organisation, str) else None
            if named is None or named.get("kind") != "organisation":
                errors.add(
                    ("assets", i, "organisation"),
                    "does not name an organisation subject of this case",
                )


BODY_FIELDS: dict[str, Field] = {
    "title": _required(text(300, min_length=1)),
    "national_reference": _optional(text(100)),
    "crime_types": Field(list_of(one_of(CRIME_TYPES), unique="crime_types")),
    "offence_summary": _optional(text(free=True)),
    "max_penalty_years": _optional(number(0, 100)),
    "legal_basis": _optional(LEGAL_BASIS),
    "urgency": Field(one_of(("normal", "urgent"))),
    "requested_instrument": _optional(one_of(INSTRUMENTS)),
    "target_countries": Field(target_countries),
    "contains_special_categories": Field(boolean),
    "special_categories_justification": _optional(text(2000, free=True)),
    "subjects": Field(list_of(SUBJECT, max_length=500)),
    "assets": Field(list_of(ASSET, max_length=2000)),
    "holdings": Field(list_of(HOLDING, max_length=5000)),
    "relations": Field(list_of(RELATION, max_length=5000)),
}
BODY = Shape(BODY_FIELDS, rules=(_references,))
PATCH = Shape(BODY_FIELDS)


def validate_case_body(raw: object) -> dict[str, Any]:
    """A whole case body in its canonical form, or `ValidationFailed` naming every problem."""
    try:
        return BODY(raw)
    except Invalid as exc:
        raise _public(exc) from None


def validate_case_patch(raw: object) -> dict[str, Any]:
    """The fields a correction gives, each checked on its own and in canonical form. The rules
    across fields are checked on the corrected case (see `validate_case_body`)."""
    try:
        return PATCH(raw, partial=True)
    except Invalid as exc:
        raise _public(exc) from None


def validate_asset(raw: object) -> dict[str, Any]:
    """One asset in canonical form (an asset a country found); errors relative to the asset."""
    try:
        return ASSET(raw)
    except Invalid as exc:
        raise _public(exc) from None
