"""Schemas of disseminations, outcomes and the signing key."""

from __future__ import annotations

from marshmallow import fields, validate

from api.cases.schemas import AssetField, Country, MoneySchema
from api.schemas import BaseSchema, FreeText
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


class DueQuerySchema(BaseSchema):
    within_days = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=366),
        metadata={"description": "Due soon: within this many days (default SILVER_DUE_SOON_DAYS)"},
    )


class DueItemSchema(OverdueSchema):
    agency = fields.String()
    due_soon = fields.Boolean(metadata={"description": "Not overdue yet, due within the days"})
    days_left = fields.Integer(metadata={"description": "Whole days until due_by (0: overdue)"})


class DueByCountrySchema(BaseSchema):
    country = fields.String()
    overdue = fields.Integer()
    due_soon = fields.Integer()


class DueByCaseSchema(BaseSchema):
    case_id = fields.String()
    case_number = fields.String()
    agency = fields.String()
    overdue = fields.Integer()
    due_soon = fields.Integer()
    earliest_due_by = fields.DateTime()


class AnswersDueSchema(BaseSchema):
    as_of = fields.DateTime()
    within_days = fields.Integer()
    overdue = fields.Integer(metadata={"description": "Answers overdue"})
    due_soon = fields.Integer(metadata={"description": "Answers due within `within_days`"})
    items = fields.List(
        fields.Nested(DueItemSchema),
        metadata={"description": "One per recipient waiting to answer, the earliest due first"},
    )
    by_country = fields.List(
        fields.Nested(DueByCountrySchema),
        metadata={
            "description": "Per country reached (a notice counts for each); most overdue first"
        },
    )
    by_case = fields.List(
        fields.Nested(DueByCaseSchema),
        metadata={"description": "Per case; most overdue first, then the earliest due"},
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
    notes = FreeText(allow_none=True, load_default=None, validate=validate.Length(max=5000))


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
