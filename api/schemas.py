"""The project base schema (unknown fields are rejected) and the problem document."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
