"""The project base schema (unknown fields are rejected) and the problem document."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

# The highest page number a list accepts. Neo4j's SKIP takes a 64-bit integer, so a page number
# of 30 digits was a 500 (found by bench/fuzz.py); no list of the API has a millionth page.
MAX_PAGE = 1_000_000


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def page_field() -> fields.Integer:
    """`page` of a paginated list: 1 to MAX_PAGE."""
    return fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    request_id = fields.String(
        metadata={"description": "the request's id in the logs, to quote when asking why"}
    )
