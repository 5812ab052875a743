from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.extensions import services
from graph.driver import ping

blp = Blueprint("health", __name__, description="Liveness of the service and what it needs")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    neo4j = fields.String(required=True, metadata={"example": "ok"})
    redis = fields.String(required=True, metadata={"example": "ok"})


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="Names the dependency that is down")
def healthz() -> Any:
    svc = services()
    result = {"status": "ok", "neo4j": "ok", "redis": "ok"}
    try:
        ping(svc.driver, svc.settings.neo4j_database)
    except Exception:
        result["neo4j"] = "down"
    try:
        svc.redis.ping()
    except Exception:
        result["redis"] = "down"
    if "down" in result.values():
        result["status"] = "unavailable"
        return result, 503
    return result
