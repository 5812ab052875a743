"""Case schemas: the wire format of CONTRACT.md, for the OpenAPI document and the responses.

What a case body may hold is the domain's (silver.domain.case_body): loading a body, a patch
or a reported asset goes through it, and its errors come back as a marshmallow
ValidationError, so a bad request gets the usual 422 problem document with every error under
its field path. The field declarations below describe the same format to clients (types,
enums, lengths, ranges); they validate nothing themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from marshmallow import ValidationError, fields, types, validate

from api.schemas import BaseSchema, FreeText
from silver.domain import case_body
from silver.domain import identifiers as ids
from silver.domain.case_body import KEY_RE, MAX_TEXT
from silver.domain.cases import (
    ASSET_TYPES,
    CRIME_TYPES,
    HOLDING_RELATIONS,
    IDENTIFIER_TYPES,
    INSTRUMENTS,
    LEGAL_BASIS_TYPES,
    SUBJECT_KINDS,
    SUBJECT_RELATIONS,
    SUBJECT_ROLES,
    Status,
)
from silver.domain.errors import ValidationFailed


def _loaded_by(validate_with: Callable[[object], dict[str, Any]], raw: object) -> dict[str, Any]:
    """The domain's canonical form of `raw`, or its errors as marshmallow's (flat paths)."""
    try:
        return validate_with(raw)
    except ValidationFailed as exc:
        raise ValidationError(dict(exc.errors)) from None


# Normalised, Country and MoneySchema are still loaded by marshmallow where they are parts of
# other bodies (an outcome's country and value, api/dissemination/schemas.py); what they accept
# is the domain's all the same.


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


def _text(max_length: int = MAX_TEXT, *, free: bool = False, **kwargs: Any) -> fields.String:
    kind = FreeText if free else fields.String
    return kind(validate=validate.Length(max=max_length), **kwargs)


def _key(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(KEY_RE, error="1-64 letters, digits, '_', '.' or '-'"), **kwargs
    )


class Amount(fields.String):
    """A non-negative decimal string with at most two decimals, returned with exactly two."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return case_body.canonical_amount(value)
        except case_body.Invalid as exc:
            raise ValidationError(exc.errors[()]) from None


class MoneySchema(BaseSchema):
    amount = Amount(required=True)
    currency = Normalised(ids.normalise_currency, required=True)


class LegalBasisSchema(BaseSchema):
    type = fields.String(required=True, validate=validate.OneOf(LEGAL_BASIS_TYPES))
    reference = _text(500, required=True)


class RefugeeStatusSchema(BaseSchema):
    country_of_origin = fields.String(required=True)


class PersonIdentifierSchema(BaseSchema):
    type = fields.String(required=True, validate=validate.OneOf(IDENTIFIER_TYPES))
    value = fields.String(required=True)
    country = fields.String(allow_none=True, load_default=None)


class IsoDate(fields.Date):
    """A date the body keeps as its ISO string (the domain's canonical form)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class SubjectSchema(BaseSchema):
    key = _key(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    role = fields.String(required=True, validate=validate.OneOf(SUBJECT_ROLES))
    justification = _text(2000, free=True, allow_none=True)
    remarks = _text(free=True, allow_none=True)
    # person
    full_name = _text(300, allow_none=True)
    aliases = fields.List(_text(300), validate=validate.Length(max=50))
    date_of_birth = IsoDate(allow_none=True)
    nationalities = fields.List(fields.String())
    residence_country = fields.String(allow_none=True)
    refugee_status = fields.Nested(RefugeeStatusSchema, allow_none=True)
    identifiers = fields.List(
        fields.Nested(PersonIdentifierSchema), validate=validate.Length(max=50)
    )
    # organisation
    name = _text(300, allow_none=True)
    registration_number = fields.String(allow_none=True)
    jurisdiction = fields.String(allow_none=True)
    lei = fields.String(allow_none=True)


class AssetSchema(BaseSchema):
    key = _key(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ASSET_TYPES))
    country = fields.String(allow_none=True)
    estimated_value = fields.Nested(MoneySchema, allow_none=True)
    description = _text(2000, free=True, allow_none=True)
    iban = fields.String(allow_none=True)
    account_number = fields.String(allow_none=True)
    bic = fields.String(allow_none=True)
    address = _text(500, free=True, allow_none=True)
    cadastral_reference = fields.String(allow_none=True)
    vin = fields.String(allow_none=True)
    registration_plate = fields.String(allow_none=True)
    registration_country = fields.String(
        allow_none=True,
        metadata={"description": "ISO 3166-1 alpha-2 of the country that issued the plate"},
    )
    imo = fields.String(allow_none=True)
    name = _text(300, allow_none=True)
    registration_mark = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    percentage = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100)
    )
    isin = fields.String(allow_none=True)


class AssetField(fields.Nested):
    """An asset inside another body (an outcome's new_asset), loaded by the domain."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(AssetSchema, **kwargs)

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        partial: bool | types.StrSequenceOrSet | None = None,
        **kwargs: Any,
    ) -> Any:
        try:
            return case_body.validate_asset(value)
        except ValidationFailed as exc:
            # "_body" is the asset itself: marshmallow's "_schema" under this field
            raise ValidationError(
                {"_schema" if path == "_body" else path: m for path, m in exc.errors.items()}
            ) from None


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
    crime_types = fields.List(fields.String(validate=validate.OneOf(CRIME_TYPES)))
    offence_summary = _text(free=True, allow_none=True)
    max_penalty_years = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100)
    )
    legal_basis = fields.Nested(LegalBasisSchema, allow_none=True)
    urgency = fields.String(validate=validate.OneOf(("normal", "urgent")))
    requested_instrument = fields.String(allow_none=True, validate=validate.OneOf(INSTRUMENTS))
    target_countries = fields.List(fields.String())
    contains_special_categories = fields.Boolean()
    special_categories_justification = _text(2000, free=True, allow_none=True)
    subjects = fields.List(fields.Nested(SubjectSchema), validate=validate.Length(max=500))
    assets = fields.List(fields.Nested(AssetSchema), validate=validate.Length(max=2000))
    holdings = fields.List(fields.Nested(HoldingSchema), validate=validate.Length(max=5000))
    relations = fields.List(fields.Nested(RelationSchema), validate=validate.Length(max=5000))

    def load(
        self,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        many: bool | None = None,
        partial: bool | types.StrSequenceOrSet | None = None,
        unknown: types.UnknownOption | None = None,
    ) -> dict[str, Any]:
        return _loaded_by(case_body.validate_case_body, self._refuse_unsafe_text(data))


class CasePatchSchema(CaseBodySchema):
    """PATCH: any top-level field of the body; each one given replaces the stored one."""

    def load(
        self,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        many: bool | None = None,
        partial: bool | types.StrSequenceOrSet | None = None,
        unknown: types.UnknownOption | None = None,
    ) -> dict[str, Any]:
        return _loaded_by(case_body.validate_case_patch, self._refuse_unsafe_text(data))


class CaseFieldsSchema(CaseBodySchema):
    """The fields of a case besides its subjects, assets, holdings and relations."""

    class Meta:
        exclude = ("subjects", "assets", "holdings", "relations")


class CaseImportSchema(BaseSchema):
    """POST /api/v1/cases/import: the case's fields and its FollowTheMoney entities. The
    mapping and the case validation check the content (errors `entities.<index>.<property>`
    and `case.<field>`); this describes the shape."""

    case = fields.Nested(
        CaseFieldsSchema,
        required=True,
        metadata={"description": "Every field of POST /api/v1/cases but the four below."},
    )
    entities = fields.List(
        fields.Dict(),
        required=True,
        metadata={
            "description": "FtM entities ({id, schema, properties}) that become the subjects, "
            "assets, holdings and relations."
        },
    )

    def load(
        self,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        many: bool | None = None,
        partial: bool | types.StrSequenceOrSet | None = None,
        unknown: types.UnknownOption | None = None,
    ) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise ValidationError({"_schema": ["must be an object with `case` and `entities`"]})
        return dict(self._refuse_unsafe_text(data))


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


class MatchedCaseSchema(BaseSchema):
    number = fields.String()
    agency = fields.String()


class MatchSchema(BaseSchema):
    subject = fields.String(metadata={"description": "the subject's key in this case"})
    asset = fields.String(metadata={"description": "the asset's key in this case"})
    dataset = fields.String(allow_none=True, metadata={"description": "reference dataset"})
    entity_id = fields.String(allow_none=True, metadata={"description": "its FtM id"})
    schema = fields.String(allow_none=True, metadata={"description": "its FtM schema"})
    caption = fields.String(allow_none=True)
    case = fields.Nested(
        MatchedCaseSchema,
        allow_none=True,
        metadata={"description": "another case that knows it: its number and agency only"},
    )
    basis = fields.String(
        metadata={
            "enum": [
                "identifier",
                "name_and_birth_date",
                "name_and_birth_year",
                "name_and_jurisdiction",
            ]
        }
    )
    kind = fields.String(metadata={"description": "the matching key (iban, passport, ...)"})
    score = fields.Float(metadata={"description": "1.0 an identifier, less for a name"})


class MatchListSchema(BaseSchema):
    items = fields.List(fields.Nested(MatchSchema))


class TraceQuerySchema(BaseSchema):
    from_ = fields.String(
        required=True,
        data_key="from",
        metadata={"description": "the key of a subject or asset of the case"},
    )
    direction = fields.String(
        load_default="down",
        metadata={"enum": ["down", "up"], "description": "down: what it owns or controls"},
    )
    depth = fields.Integer(
        load_default=4, metadata={"minimum": 1, "maximum": 6, "description": "1..6"}
    )


class TraceNodeSchema(BaseSchema):
    kind = fields.String(metadata={"enum": ["subject", "asset", "reference", "case"]})
    key = fields.String()
    dataset = fields.String()
    entity_id = fields.String()
    number = fields.String()
    agency = fields.String()
    schema = fields.String(allow_none=True)
    caption = fields.String(allow_none=True)
    country = fields.String(allow_none=True)


class TraceStepSchema(BaseSchema):
    node = fields.Nested(TraceNodeSchema)
    relation = fields.String(
        metadata={"description": "owns, controls, shareholder_of ... or same_<key>"}
    )
    share = fields.Float(allow_none=True)


class NotExpandedSchema(BaseSchema):
    relationships = fields.Integer()


class ReachedSchema(BaseSchema):
    node = fields.Nested(TraceNodeSchema)
    hops = fields.Integer()
    effective_share = fields.Float(allow_none=True)
    path = fields.List(fields.Nested(TraceStepSchema))
    not_expanded = fields.Nested(
        NotExpandedSchema, metadata={"description": "a hub: reached, not followed further"}
    )


class TraceSchema(BaseSchema):
    from_ = fields.String(data_key="from")
    direction = fields.String()
    depth = fields.Integer()
    reached = fields.List(fields.Nested(ReachedSchema))
    truncated = fields.Boolean()


class ReferenceAssetSchema(BaseSchema):
    dataset = fields.String(required=True, validate=validate.Length(min=1, max=64))
    entity_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
