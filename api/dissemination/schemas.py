"""Schemas of disseminations, outcomes and the signing key."""

from __future__ import annotations

from marshmallow import fields, validate

from api.cases.schemas import AssetField, Country, MoneySchema
from api.schemas import BaseSchema
from silver.services.dissemination import NOTICE_STATUSES
from silver.services.outcomes import RESULTS


class DisseminationSchema(BaseSchema):
    recipient = fields.String(metadata={"description": "A country code, or INTERPOL-GS"})
    instrument = fields.String()
    status = fields.String(metadata={"enum": list(NOTICE_STATUSES)})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    queued_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    message_id = fields.String()
    due_by = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    countries = fields.List(fields.String(), metadata={"description": "Countries it reaches"})
    categories = fields.List(
        fields.String(), metadata={"description": "Categories of personal data sent"}
    )


class OverdueSchema(DisseminationSchema):
    case_id = fields.String()
    case_number = fields.String()


class OverdueQuerySchema(BaseSchema):
    overdue = fields.Boolean(
        load_default=True,
        validate=validate.Equal(True, error="only overdue=true is supported"),
    )


class SigningKeySchema(BaseSchema):
    key_id = fields.String()
    algorithm = fields.String()
    public_key_pem = fields.String()


class OutcomeBodySchema(BaseSchema):
    country = Country(required=True)
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    asset = fields.String(allow_none=True, load_default=None)
    new_asset = AssetField(allow_none=True, load_default=None)
    value = fields.Nested(MoneySchema, allow_none=True, load_default=None)
    reported_on = fields.Date(required=True)
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))


class OutcomeSchema(BaseSchema):
    id = fields.String()
    country = fields.String()
    result = fields.String()
    asset = fields.String(allow_none=True)
    new_asset = fields.Boolean(metadata={"description": "The asset was found by the country"})
    value = fields.Nested(MoneySchema, allow_none=True)
    reported_on = fields.Date()
    notes = fields.String()
    recorded_at = fields.DateTime()
    recorded_by = fields.String()
