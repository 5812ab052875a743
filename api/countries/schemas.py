"""Country and risk-profile schemas (docs/domain.md, "Country risk")."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas import BaseSchema, FreeText
from silver.domain.countries import (
    CAPITAL_OFFENCES,
    DEATH_PENALTY_STATUSES,
    FATF_STATUSES,
    FREEDOM_HOUSE_STATUSES,
)

_TEXT = validate.Length(max=5000)


class ProfileFieldsSchema(BaseSchema):
    """The misuse-risk indicators a screener maintains. Omitted fields keep their value."""

    participant = fields.Boolean(metadata={"description": "Only an admin may change it."})
    eu_member = fields.Boolean()
    led_adequacy = fields.Boolean(
        metadata={"description": "An adequacy decision under the LED (only the UK)."}
    )
    death_penalty_status = fields.String(
        allow_none=True, validate=validate.OneOf(DEATH_PENALTY_STATUSES)
    )
    capital_offences = fields.List(
        fields.String(validate=validate.OneOf(CAPITAL_OFFENCES)),
        metadata={"description": "Offences for which the death penalty is retained."},
    )
    cpi_score = fields.Integer(allow_none=True, validate=validate.Range(0, 100))
    cpi_year = fields.Integer(allow_none=True, validate=validate.Range(1995, 2100))
    freedom_house_status = fields.String(
        allow_none=True, validate=validate.OneOf(FREEDOM_HOUSE_STATUSES)
    )
    freedom_house_detail = FreeText(validate=_TEXT)
    fatf_status = fields.String(allow_none=True, validate=validate.OneOf(FATF_STATUSES))
    fatf_detail = FreeText(validate=_TEXT)
    human_rights_concerns = FreeText(validate=_TEXT)
    human_rights_concern_cleared = fields.Boolean(
        metadata={
            "description": "A screener's judgement that a 'Not Free' status is no "
            "human-rights concern for this pilot."
        }
    )
    notes = FreeText(validate=_TEXT)
    sources = fields.List(fields.String(validate=validate.Length(min=1, max=1000)))


class ProfileSchema(ProfileFieldsSchema):
    reviewed_by = fields.String(allow_none=True, dump_only=True)
    reviewed_at = fields.String(allow_none=True, dump_only=True)


class CountrySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    participant = fields.Boolean()
    version = fields.Integer(metadata={"description": "The profile's version (its ETag)."})
    profile = fields.Nested(ProfileSchema)


class CountryListQuerySchema(BaseSchema):
    participant = fields.Boolean(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=300, validate=validate.Range(min=1, max=300))


class ProfileChangeSchema(BaseSchema):
    version = fields.Integer()
    by = fields.String()
    at = fields.DateTime()
    changed = fields.List(fields.String())
    profile = fields.Nested(ProfileSchema)
