from __future__ import annotations

from typing import Any

from api.bodies import Blueprint
from api.cases.routes import if_match
from api.extensions import services
from api.screening.schemas import (
    DecisionBodySchema,
    DecisionResultSchema,
    DecisionSchema,
    QueueItemSchema,
    QueueQuerySchema,
)
from api.security import BEARER, current_user, requires
from screening.decisions import DecisionRequest
from silver.domain.users import Role

blp = Blueprint(
    "screening",
    __name__,
    url_prefix="/api/v1",
    description="The screeners' queue and decisions",
)


@blp.route("/screening/queue", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(QueueQuerySchema, location="query")
@blp.response(
    200, QueueItemSchema(many=True), headers={"X-Total-Count": {"schema": {"type": "integer"}}}
)
@requires(Role.SCREENER)
def queue(query: dict[str, Any]) -> Any:
    """Submitted cases and cases awaiting a second approval: urgent first, then oldest first."""
    rows, total = services().decisions.queue(current_user(), query["page"], query["page_size"])
    return rows, 200, {"X-Total-Count": str(total)}


@blp.route("/cases/<string:case_id>/decisions", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(DecisionBodySchema)
@blp.response(201, DecisionResultSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.alt_response(409, description="A block, an unacknowledged warning, the quota, four eyes")
@blp.alt_response(422, description="A prohibited or non-participating country, missing reasons")
@requires(Role.SCREENER)
def decide(body: dict[str, Any], case_id: str) -> Any:
    """Approve, reject or return a submitted case. Approval is refused (409, naming the rules)
    while a block stands, a warning is not acknowledged or the quota is used up; prohibited and
    non-participating countries are refused (422). An approval reaching a high-risk country or
    acknowledging a warning needs a second, different screener (`awaiting_second_approval`).
    Decisions are kept and can never be changed. `If-Match` (optional) pins the case version."""
    request = DecisionRequest.from_body(body)
    result = services().decisions.decide(case_id, request, if_match(), current_user())
    return result, 201, {"ETag": f'"{result["case_version"]}"'}


@blp.route("/cases/<string:case_id>/decisions", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, DecisionSchema(many=True))
@requires(Role.SCREENER, Role.CASEWORKER)
def decisions(case_id: str) -> Any:
    """Every decision on the case, oldest first, with who, when and why."""
    return services().decisions.of(case_id, current_user())
