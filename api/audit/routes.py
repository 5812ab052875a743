from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from api.bodies import Blueprint
from api.extensions import services
from api.schemas import BaseSchema
from api.security import BEARER, current_user, requires
from silver.domain.users import Role

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The audit trail")


class AuditQuerySchema(BaseSchema):
    case = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "A case id or number"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEventSchema(BaseSchema):
    seq = fields.Integer()
    at = fields.DateTime()
    action = fields.String()
    actor = fields.String()
    case_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    detail = fields.Dict()
    hash = fields.String()
    prev_hash = fields.String()


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(
    200, AuditEventSchema(many=True), headers={"X-Total-Count": {"schema": {"type": "integer"}}}
)
@requires(Role.ADMIN)
def audit_trail(query: dict[str, Any]) -> Any:
    """The hash-chained audit events, oldest first (`flask --app wsgi audit verify` checks
    the chain)."""
    rows, total = services().audit.trail(
        current_user(), query["case"], query["page"], query["page_size"]
    )
    return rows, 200, {"X-Total-Count": str(total)}
