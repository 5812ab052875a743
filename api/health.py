"""Is the service up: /healthz (the contract's), /livez (the process) and /readyz (ready to serve).

An orchestrator restarts a process whose /livez fails and sends no traffic to one whose /readyz
fails; /livez checks nothing outside the process, so a database outage never gets every web
process restarted at once.
"""

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


class LiveSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    neo4j = fields.String(required=True, metadata={"example": "ok"})
    redis = fields.String(required=True, metadata={"example": "ok"})
    graph = fields.String(
        required=True,
        metadata={"example": "ok", "description": "'not initialised' until `graph init` ran"},
    )


@blp.route("/livez", methods=["GET"])
@blp.response(200, LiveSchema)
def livez() -> Any:
    """The process answers; nothing else is checked."""
    return {"status": "ok"}


@blp.route("/readyz", methods=["GET"])
@blp.response(200, ReadySchema)
@blp.alt_response(503, schema=ReadySchema, description="Names what is not ready")
def readyz() -> Any:
    """Ready to serve: Neo4j and Redis answer and the graph is initialised (its countries
    exist)."""
    checks = silver().readiness()
    if any(value != "ok" for value in checks.values()):
        return {"status": "unavailable", **checks}, 503
    return {"status": "ok", **checks}
