"""Schemas of the screeners' queue and decisions."""

from __future__ import annotations

from marshmallow import fields, validate

from api.cases.schemas import Country
from api.schemas import BaseSchema, FreeText
from screening.decisions import DECISIONS, INSTRUMENTS, REASON_CODES
from screening.model import TransferBasis

TRANSFER_BASES: tuple[TransferBasis, ...] = (
    "eu_member",
    "adequacy",
    "appropriate_safeguards",
    "derogation",
)


class DecisionBodySchema(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    instrument = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(INSTRUMENTS),
        metadata={"description": "Required for a first approval."},
    )
    countries = fields.List(
        Country(),
        load_default=list,
        metadata={"description": "The recipients of a diffusion; empty for a notice."},
    )
    reason_codes = fields.List(
        fields.String(validate=validate.OneOf(REASON_CODES)),
        load_default=list,
        metadata={"description": "Required for reject and return."},
    )
    justification = FreeText(load_default="", validate=validate.Length(max=10_000))
    acknowledged_rules = fields.List(
        fields.String(validate=validate.Length(max=64)),
        load_default=list,
        metadata={"description": "Every `warn` finding must be listed to approve."},
    )
    transfer_bases = fields.Dict(
        keys=Country(),
        values=fields.String(validate=validate.OneOf(TRANSFER_BASES)),
        load_default=dict,
        metadata={
            "description": "The screener's confirmed transfer basis for every third country "
            'the approval reaches (LED art. 35-38), e.g. {"US": "appropriate_safeguards"}; '
            "the screening's `allowed_transfer_bases` lists the choices."
        },
    )


class FourEyesSchema(BaseSchema):
    required = fields.Boolean()
    reasons = fields.List(fields.String())


class DecisionSchema(BaseSchema):
    id = fields.String()
    case_id = fields.String()
    decision = fields.String()
    stage = fields.String(metadata={"enum": ["single", "first", "second"]})
    outcome = fields.String()
    instrument = fields.String(allow_none=True)
    countries = fields.List(fields.String())
    reason_codes = fields.List(fields.String())
    acknowledged_rules = fields.List(fields.String())
    transfer_bases = fields.Dict(keys=fields.String(), values=fields.String())
    justification = fields.String()
    by = fields.String()
    at = fields.DateTime()


class DecisionResultSchema(DecisionSchema):
    case_status = fields.String()
    case_version = fields.Integer()
    recipients = fields.List(fields.String())
    four_eyes = fields.Nested(FourEyesSchema)


class QueueQuerySchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class QueueItemSchema(BaseSchema):
    id = fields.String()
    number = fields.String()
    agency = fields.String()
    status = fields.String()
    urgency = fields.String()
    crime_types = fields.List(fields.String())
    requested_instrument = fields.String(allow_none=True)
    target_countries = fields.List(fields.String())
    subject_count = fields.Integer()
    asset_count = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    verdict = fields.String(allow_none=True)
    screening_current = fields.Boolean()
    first_approval_by = fields.String(
        allow_none=True,
        metadata={"description": "Awaiting a second approval: who gave the first."},
    )
