from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.extensions import silver

blp = Blueprint("health", __name__, description="Liveness of the service and what it needs")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    neo4j = fields.String(required=True, metadata={"example": "ok"})
    redis = fields.String(required=True, metadata={"example": "ok"})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="Names the dependency that is down")
def healthz() -> Any:
    result = {"status": "ok", **silver().health()}
    if "down" in result.values():
        result["status"] = "unavailable"
        return result, 503
    return result
