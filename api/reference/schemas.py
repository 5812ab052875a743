"""Reference dataset schemas (CONTRACT.md, "Reference data")."""

from __future__ import annotations

from marshmallow import fields

from api.schemas import BaseSchema


class DatasetSchema(BaseSchema):
    name = fields.String(metadata={"description": "The name given to `reference import`."})
    entities = fields.Integer(
        metadata={"description": "FtM entities held: nodes and interval entities (links)."}
    )
    imported_at = fields.DateTime(allow_none=True)


class DatasetListSchema(BaseSchema):
    items = fields.List(fields.Nested(DatasetSchema))
