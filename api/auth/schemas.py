from __future__ import annotations

from marshmallow import fields, validate

from api.schemas import BaseSchema


class TokenRequestSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )


class TokenSchema(BaseSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class MeSchema(BaseSchema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    agency = fields.String(allow_none=True)


class PasswordChangeSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )
    new_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=1024),
        metadata={"description": "At least 12 characters, not the current one"},
    )
