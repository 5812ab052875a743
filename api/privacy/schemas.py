"""Data-subject rights schemas (CONTRACT.md, "Data-subject rights (privacy officer)").

The wire format only: what each field holds is checked by the domain (`silver.domain.privacy`),
so a rectification is validated exactly as intake validates a subject."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas import BaseSchema


class SubjectSearchSchema(BaseSchema):
    full_name = fields.String(
        required=True,
        metadata={"description": "As the person gave it; compared normalised as in matching."},
    )
    date_of_birth = fields.String(required=True, metadata={"format": "date"})
    request_reference = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "The number of the access request, kept in the audit trail."},
    )


class SubjectHitSchema(BaseSchema):
    case_id = fields.String()
    number = fields.String()
    agency = fields.String()
    status = fields.String()
    subject = fields.String(metadata={"description": "The subject's key in the case."})


class SubjectHitListSchema(BaseSchema):
    items = fields.List(fields.Nested(SubjectHitSchema))


class ReportQuerySchema(BaseSchema):
    case = fields.String(required=True, metadata={"description": "The case id."})
    subject = fields.String(required=True, metadata={"description": "The subject's key."})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "html", "pdf")))
    request_reference = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=100)
    )


class TransferSchema(BaseSchema):
    recipient = fields.String()
    instrument = fields.String(
        metadata={"description": "notice, diffusion, rectification or erasure"}
    )
    status = fields.String()
    sent_at = fields.DateTime(allow_none=True)
    message_id = fields.String()
    categories = fields.List(fields.String())
    legal_basis = fields.List(
        fields.String(), metadata={"description": "country:transfer basis (LED arts. 35-38)"}
    )
    countries = fields.List(fields.String())
    subject_included = fields.Boolean(
        metadata={"description": "Whether the message carried this person's data."}
    )
    corrected_fields = fields.List(fields.String())


class ReportDecisionSchema(BaseSchema):
    decision = fields.String()
    stage = fields.String()
    outcome = fields.String(allow_none=True)
    instrument = fields.String(allow_none=True)
    countries = fields.List(fields.String())
    reason_codes = fields.List(fields.String())
    by = fields.String()
    at = fields.DateTime()


class ReadSchema(BaseSchema):
    by = fields.String()
    at = fields.DateTime()
    action = fields.String()
    purpose = fields.String(allow_none=True)


class ReportCaseSchema(BaseSchema):
    id = fields.String()
    number = fields.String()
    agency = fields.String()
    status = fields.String()
    created_at = fields.DateTime()


class RestrictedSchema(BaseSchema):
    at = fields.String()
    by = fields.String()
    reason = fields.String()


class SubjectReportSchema(BaseSchema):
    case = fields.Nested(ReportCaseSchema)
    subject = fields.Dict(metadata={"description": "The subject as held (the case body's shape)."})
    restricted = fields.Nested(RestrictedSchema, allow_none=True)
    decisions = fields.List(fields.Nested(ReportDecisionSchema))
    transfer = fields.List(
        fields.Nested(TransferSchema), metadata={"description": "Every transfer (the contract's)."}
    )
    transfers = fields.List(fields.Nested(TransferSchema), metadata={"description": "The same."})
    reads = fields.List(fields.Nested(ReadSchema))
    generated_at = fields.DateTime()
    request_reference = fields.String(allow_none=True)


class RectificationBodySchema(BaseSchema):
    subject = fields.Raw(required=True, metadata={"type": "string", "description": "A key."})
    changes = fields.Raw(
        required=True,
        metadata={
            "type": "object",
            "description": "Field -> corrected value, validated as at intake (a person's "
            "full_name, aliases, date_of_birth, nationalities, residence_country, "
            "refugee_status, identifiers, remarks, justification; an organisation's name, "
            "registration_number, jurisdiction, lei, remarks, justification).",
        },
    )
    reason = fields.Raw(required=True, metadata={"type": "string"})


class ReasonBodySchema(BaseSchema):
    reason = fields.Raw(required=True, metadata={"type": "string"})


class CorrectionSchema(BaseSchema):
    id = fields.String()
    case_id = fields.String()
    number = fields.String()
    status = fields.String()
    version = fields.Integer()
    instrument = fields.String()
    subject = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    recipients = fields.List(
        fields.String(), metadata={"description": "Each gets one signed message."}
    )
    case_closed = fields.Boolean()


class RestrictionSchema(BaseSchema):
    case_id = fields.String()
    number = fields.String()
    subject = fields.String()
    restricted_at = fields.DateTime()
    restricted_by = fields.String()
    version = fields.Integer()


class CorrectionMessageSchema(BaseSchema):
    recipient = fields.String()
    instrument = fields.String()
    status = fields.String()
    queued_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    message_id = fields.String()
    subject = fields.String(allow_none=True)
    corrected_fields = fields.Dict()
    reason = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)


class CorrectionRetrySchema(BaseSchema):
    recipient = fields.String()
    message_id = fields.String()
    status = fields.String()
