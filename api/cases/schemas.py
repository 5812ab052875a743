"""Case intake schemas: exactly the fields and values of the API contract, validated so that a
caseworker can act on every message. All errors come back at once, each under its field path."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas import BaseSchema
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
    Status,
)

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_TEXT = 10_000


class Normalised(fields.String):
    """A string turned into its canonical form by a silver.domain.identifiers normaliser."""

    def __init__(self, normaliser: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.normaliser = normaliser

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.normaliser(text)
        except ids.InvalidIdentifier as exc:
            raise ValidationError(str(exc)) from None


def Country(**kwargs: Any) -> Normalised:
    return Normalised(ids.normalise_country, **kwargs)


def _text(max_length: int = MAX_TEXT, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _unique(name: str) -> Callable[[list[Any]], None]:
    def check(values: list[Any]) -> None:
        if len(set(values)) != len(values):
            raise ValidationError(f"{name} must not repeat a value")

    return check


class Amount(fields.String):
    """A non-negative decimal string with at most two decimals, returned with exactly two."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValidationError('must be a decimal string such as "1250.00"')
        if not re.fullmatch(r"\d{1,15}(\.\d{1,2})?", value.strip()):
            raise ValidationError(
                'must be a non-negative decimal string with at most two decimals, e.g. "1250.00"'
            )
        try:
            return str(Decimal(value.strip()).quantize(Decimal("0.01")))
        except InvalidOperation:
            raise ValidationError("is not a decimal number") from None


class MoneySchema(BaseSchema):
    amount = Amount(required=True)
    currency = Normalised(ids.normalise_currency, required=True)


class LegalBasisSchema(BaseSchema):
    type = fields.String(required=True, validate=validate.OneOf(LEGAL_BASIS_TYPES))
    reference = _text(500, required=True)


class RefugeeStatusSchema(BaseSchema):
    country_of_origin = Country(required=True)


class PersonIdentifierSchema(BaseSchema):
    type = fields.String(required=True, validate=validate.OneOf(IDENTIFIER_TYPES))
    value = Normalised(ids.normalise_generic, required=True)
    country = Country(allow_none=True, load_default=None)


class DateOfBirth(fields.Date):
    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        born = super()._deserialize(value, attr, data, **kwargs)
        if born > date.today():
            raise ValidationError("must be in the past")
        if born.year < 1900:
            raise ValidationError("is not plausible (before 1900)")
        return born


class SubjectSchema(BaseSchema):
    key = fields.String(
        required=True,
        validate=validate.Regexp(KEY_RE, error="1-64 letters, digits, '_', '.' or '-'"),
    )
    kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    role = fields.String(required=True, validate=validate.OneOf(SUBJECT_ROLES))
    justification = _text(2000, allow_none=True)
    remarks = _text(allow_none=True)
    # person
    full_name = _text(300, allow_none=True)
    aliases = fields.List(_text(300), validate=validate.Length(max=50))
    date_of_birth = DateOfBirth(allow_none=True)
    nationalities = fields.List(Country(), validate=_unique("nationalities"))
    residence_country = Country(allow_none=True)
    refugee_status = fields.Nested(RefugeeStatusSchema, allow_none=True)
    identifiers = fields.List(
        fields.Nested(PersonIdentifierSchema), validate=validate.Length(max=50)
    )
    # organisation
    name = _text(300, allow_none=True)
    registration_number = Normalised(ids.normalise_generic, allow_none=True)
    jurisdiction = Country(allow_none=True)
    lei = Normalised(ids.normalise_lei, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def _by_kind(self, data: Mapping[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        kind = data.get("kind")
        if kind == "person":
            if not (data.get("full_name") or "").strip():
                errors["full_name"] = ["a person needs a full_name"]
            for name in ORGANISATION_FIELDS:
                if data.get(name) is not None:
                    errors[name] = ["is a field of an organisation, not of a person"]
        elif kind == "organisation":
            if not (data.get("name") or "").strip():
                errors["name"] = ["an organisation needs a name"]
            for name in PERSON_FIELDS:
                if data.get(name) not in (None, []):
                    errors[name] = ["is a field of a person, not of an organisation"]
        if data.get("role") == "third_party" and not (data.get("justification") or "").strip():
            errors["justification"] = [
                "a third party (not a suspect) may only be included with a justification"
            ]
        if errors:
            raise ValidationError(errors)


ASSET_FIELDS = ASSET_TYPE_FIELDS
TYPE_FIELDS = frozenset(f for names in ASSET_FIELDS.values() for f in names)


class AssetSchema(BaseSchema):
    key = fields.String(
        required=True,
        validate=validate.Regexp(KEY_RE, error="1-64 letters, digits, '_', '.' or '-'"),
    )
    type = fields.String(required=True, validate=validate.OneOf(ASSET_TYPES))
    country = Country(allow_none=True)
    estimated_value = fields.Nested(MoneySchema, allow_none=True)
    description = _text(2000, allow_none=True)
    iban = Normalised(ids.normalise_iban, allow_none=True)
    account_number = Normalised(
        lambda v: ids.normalise_generic(v, label="Account number"), allow_none=True
    )
    bic = Normalised(ids.normalise_bic, allow_none=True)
    address = _text(500, allow_none=True)
    cadastral_reference = Normalised(ids.normalise_generic, allow_none=True)
    vin = Normalised(ids.normalise_vin, allow_none=True)
    registration_plate = Normalised(ids.normalise_generic, allow_none=True)
    imo = Normalised(ids.normalise_imo, allow_none=True)
    name = _text(300, allow_none=True)
    registration_mark = Normalised(ids.normalise_generic, allow_none=True)
    currency = Normalised(ids.normalise_crypto_currency, allow_none=True)
    organisation = fields.String(allow_none=True)
    percentage = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100)
    )
    isin = Normalised(ids.normalise_isin, allow_none=True)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _by_type(self, data: Mapping[str, Any], original: Any, **_: Any) -> None:
        kind = data.get("type")
        if kind not in ASSET_FIELDS:
            return
        errors: dict[str, list[str]] = {}
        own = ASSET_FIELDS[kind]
        raw = original if isinstance(original, Mapping) else {}
        for name in TYPE_FIELDS - set(own):
            if raw.get(name) is not None:
                errors[name] = [f"is not a field of a {kind.replace('_', ' ')}"]

        def given(name: str) -> bool:
            return raw.get(name) not in (None, "")

        if kind == "bank_account" and not (
            given("iban") or (given("account_number") and given("bic"))
        ):
            errors["iban"] = ["a bank account needs an iban, or an account_number with a bic"]
        elif kind == "real_estate" and not (given("address") or given("cadastral_reference")):
            errors["address"] = ["real estate needs an address or a cadastral_reference"]
        elif kind == "vehicle" and not (given("vin") or given("registration_plate")):
            errors["vin"] = ["a vehicle needs a vin or a registration_plate"]
        elif kind == "vessel" and not (given("imo") or given("name")):
            errors["imo"] = ["a vessel needs an imo number or a name"]
        elif kind == "aircraft" and not given("registration_mark"):
            errors["registration_mark"] = ["an aircraft needs its registration_mark"]
        elif kind == "crypto_wallet":
            if not given("currency"):
                errors["currency"] = ["a crypto wallet needs its currency (e.g. BTC, ETH)"]
            if not given("address"):
                errors["address"] = ["a crypto wallet needs its address"]
            elif data.get("currency"):
                try:
                    ids.normalise_crypto_address(data["currency"], raw["address"])
                except ids.InvalidIdentifier as exc:
                    errors["address"] = [str(exc)]
        elif kind == "company_share" and not given("organisation"):
            errors["organisation"] = ["a company share names its organisation (a subject key)"]
        elif kind in ("cash_or_valuables", "other") and not given("description"):
            errors["description"] = [
                f"a{'n' if kind == 'other' else ''} "
                f"{kind.replace('_', ' ')} asset needs a description"
            ]
        if errors:
            raise ValidationError(errors)


class HoldingSchema(BaseSchema):
    subject = fields.String(required=True)
    asset = fields.String(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(HOLDING_RELATIONS))
    share = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1))


class RelationSchema(BaseSchema):
    from_ = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)
    relation = fields.String(required=True, validate=validate.OneOf(SUBJECT_RELATIONS))
    share = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1))


class CaseBodySchema(BaseSchema):
    """The body of POST /api/v1/cases (and, all fields optional, of PATCH)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    national_reference = _text(100, allow_none=True)
    crime_types = fields.List(
        fields.String(validate=validate.OneOf(CRIME_TYPES)), validate=_unique("crime_types")
    )
    offence_summary = _text(allow_none=True)
    max_penalty_years = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100)
    )
    legal_basis = fields.Nested(LegalBasisSchema, allow_none=True)
    urgency = fields.String(validate=validate.OneOf(("normal", "urgent")))
    requested_instrument = fields.String(allow_none=True, validate=validate.OneOf(INSTRUMENTS))
    target_countries = fields.List(Country(), validate=_unique("target_countries"))
    contains_special_categories = fields.Boolean()
    special_categories_justification = _text(2000, allow_none=True)
    subjects = fields.List(fields.Nested(SubjectSchema), validate=validate.Length(max=500))
    assets = fields.List(fields.Nested(AssetSchema), validate=validate.Length(max=2000))
    holdings = fields.List(fields.Nested(HoldingSchema), validate=validate.Length(max=5000))
    relations = fields.List(fields.Nested(RelationSchema), validate=validate.Length(max=5000))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _references(self, data: Mapping[str, Any], original: Any, **_: Any) -> None:
        raw = original if isinstance(original, Mapping) else {}
        errors: dict[str, Any] = {}

        def add(path: tuple[Any, ...], message: str) -> None:
            node = errors
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(path[-1], []).append(message)

        targets = raw.get("target_countries")
        if isinstance(targets, list):
            for i, code in enumerate(targets):
                if isinstance(code, str) and code.strip().upper() == REQUESTER:
                    add(
                        ("target_countries", i),
                        "the Netherlands is the requesting country, never a recipient",
                    )

        def items(name: str) -> list[tuple[int, Mapping[str, Any]]]:
            value = raw.get(name)
            if not isinstance(value, list):
                return []
            return [(i, v) for i, v in enumerate(value) if isinstance(v, Mapping)]

        subjects = {s.get("key"): s for _, s in items("subjects") if isinstance(s.get("key"), str)}
        assets = {a.get("key"): a for _, a in items("assets") if isinstance(a.get("key"), str)}
        seen: dict[str, str] = {}
        for group in ("subjects", "assets"):
            for i, item in items(group):
                key = item.get("key")
                if not isinstance(key, str):
                    continue
                if key in seen:
                    add(
                        (group, i, "key"),
                        f"key {key!r} is used twice in this case (also in {seen[key]})",
                    )
                else:
                    seen[key] = f"{group}.{i}"
        for i, holding in items("holdings"):
            if holding.get("subject") not in subjects:
                add(("holdings", i, "subject"), "does not name a subject key of this case")
            if holding.get("asset") not in assets:
                add(("holdings", i, "asset"), "does not name an asset key of this case")
        for i, relation in items("relations"):
            for end in ("from", "to"):
                if relation.get(end) not in subjects:
                    add(("relations", i, end), "does not name a subject key of this case")
            if relation.get("from") is not None and relation.get("from") == relation.get("to"):
                add(("relations", i, "to"), "a subject cannot be related to itself")
        for i, asset in items("assets"):
            if asset.get("type") == "company_share" and asset.get("organisation") is not None:
                org = subjects.get(asset.get("organisation"))
                if org is None or org.get("kind") != "organisation":
                    add(
                        ("assets", i, "organisation"),
                        "does not name an organisation subject of this case",
                    )
        if errors:
            raise ValidationError(errors)


class CasePatchSchema(CaseBodySchema):
    """PATCH: any top-level field of the body; each one given replaces the stored one."""


class StatusChangeSchema(BaseSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    at = fields.DateTime()
    by = fields.String()


class CaseSchema(CaseBodySchema):
    """A case as returned: the body plus the fields the system keeps."""

    id = fields.String(dump_only=True)
    number = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    agency = fields.String(dump_only=True)
    proposed_by = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    status_history = fields.List(fields.Nested(StatusChangeSchema), dump_only=True)


class CaseSummarySchema(BaseSchema):
    id = fields.String()
    number = fields.String()
    title = fields.String()
    status = fields.String()
    agency = fields.String()
    urgency = fields.String()
    proposed_by = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)


class CaseListQuerySchema(BaseSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class LinkedCaseSchema(BaseSchema):
    number = fields.String()
    agency = fields.String()


class LinkSchema(BaseSchema):
    kind = fields.String(metadata={"description": "subject or asset"})
    key = fields.String(metadata={"description": "the key in this case"})
    identifier_type = fields.String()
    cases = fields.List(fields.Nested(LinkedCaseSchema))


class GraphNodeSchema(BaseSchema):
    id = fields.String()
    type = fields.String()
    label = fields.String()
    properties = fields.Dict()


class GraphEdgeSchema(BaseSchema):
    source = fields.String()
    target = fields.String()
    type = fields.String()
    properties = fields.Dict()


class CaseGraphSchema(BaseSchema):
    nodes = fields.List(fields.Nested(GraphNodeSchema))
    edges = fields.List(fields.Nested(GraphEdgeSchema))


class FindingSchema(BaseSchema):
    rule = fields.String()
    severity = fields.String(metadata={"enum": ["block", "warn", "info"]})
    field = fields.String(allow_none=True)
    message = fields.String()
    legal_basis = fields.String()


class CountryRiskSchema(BaseSchema):
    country = fields.String()
    participant = fields.Boolean()
    risk = fields.String(metadata={"enum": ["low", "medium", "high", "prohibited"]})
    reasons = fields.List(fields.Dict())
    transfer_basis = fields.String()
    allowed_transfer_bases = fields.List(fields.String())


class QuotaSchema(BaseSchema):
    limit = fields.Integer()
    used = fields.Integer()
    remaining = fields.Integer()


class ScreeningSchema(BaseSchema):
    verdict = fields.String(metadata={"enum": ["blocked", "needs_review", "clear"]})
    findings = fields.List(fields.Nested(FindingSchema))
    countries = fields.List(fields.Nested(CountryRiskSchema))
    quota = fields.Nested(QuotaSchema)
    case_version = fields.Integer()
    screened_at = fields.DateTime(allow_none=True)
