from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask.views import MethodView

from api.bodies import Blueprint
from api.cases.schemas import (
    CaseBodySchema,
    CaseGraphSchema,
    CaseImportSchema,
    CaseListQuerySchema,
    CasePatchSchema,
    CaseSchema,
    CaseSummarySchema,
    LinkSchema,
    MatchListSchema,
    ReferenceAssetSchema,
    ScreeningSchema,
    TraceQuerySchema,
    TraceSchema,
)
from api.extensions import services
from api.security import BEARER, current_user, requires
from silver.domain.cases import Case
from silver.domain.errors import PreconditionFailed
from silver.domain.users import Role
from silver.services import intake

NDJSON = "application/x-ndjson"

blp = Blueprint(
    "cases", __name__, url_prefix="/api/v1/cases", description="Cases proposed by caseworkers"
)


def etag(case: Case) -> str:
    return f'"{case.version}"'


def if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise PreconditionFailed(f"If-Match must be an ETag this API gave out, got {header!r}")
    return int(value)


def render(case: Case) -> dict[str, Any]:
    return {
        **case.body,
        "id": case.id,
        "number": case.number,
        "status": case.status.value,
        "agency": case.agency,
        "proposed_by": case.proposed_by,
        "version": case.version,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "submitted_at": case.submitted_at,
        "status_history": [
            {"status": h.status.value, "at": h.at, "by": h.by} for h in case.history
        ],
    }


def _purpose() -> str:
    return request.headers.get("X-Purpose") or f"{request.method} {request.path}"


@blp.route("")
class Cases(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CaseListQuerySchema, location="query")
    @blp.response(
        200,
        CaseSummarySchema(many=True),
        headers={"X-Total-Count": {"schema": {"type": "integer"}}},
    )
    @requires(Role.CASEWORKER, Role.SCREENER)
    def get(self, query: dict[str, Any]) -> Any:
        """List cases: a caseworker sees their agency's, a screener every submitted one."""
        cases, total = services().cases.find(
            current_user(), query.get("status"), query["page"], query["page_size"]
        )
        return [intake.summary(c) for c in cases], 200, {"X-Total-Count": str(total)}

    @blp.doc(security=BEARER)
    @blp.arguments(CaseBodySchema)
    @blp.response(201, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @requires(Role.CASEWORKER)
    def post(self, body: dict[str, Any]) -> Any:
        """Propose a case (status draft)."""
        # CaseBodySchema.load ran validate_case_body: not again
        case = services().cases.create(body, current_user(), validated=True)
        return render(case), 201, {"ETag": etag(case), "Location": f"/api/v1/cases/{case.id}"}


@blp.route("/<string:case_id>")
class CaseItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @requires(Role.CASEWORKER, Role.SCREENER)
    def get(self, case_id: str) -> Any:
        """The whole case. Every read is audited (send X-Purpose to say why)."""
        case = services().cases.get(case_id, current_user(), _purpose())
        return render(case), 200, {"ETag": etag(case)}

    @blp.doc(
        security=BEARER,
        parameters=[
            {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}
        ],
    )
    @blp.arguments(CasePatchSchema(partial=True))
    @blp.response(200, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @blp.alt_response(409, description="Not in draft or returned")
    @blp.alt_response(412, description="The If-Match ETag is stale")
    @blp.alt_response(428, description="If-Match is missing")
    @requires(Role.CASEWORKER)
    def patch(self, patch: dict[str, Any], case_id: str) -> Any:
        """Correct a draft or returned case; each top-level field given replaces the stored one."""
        case = services().cases.update(case_id, patch, if_match(), current_user())
        return render(case), 200, {"ETag": etag(case)}


@blp.route("/<string:case_id>/submit", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.alt_response(409, description="Not in draft or returned")
@requires(Role.CASEWORKER)
def submit(case_id: str) -> Any:
    """Submit for screening; the automated screening runs at once."""
    case = services().cases.submit(case_id, if_match(), current_user())
    return render(case), 200, {"ETag": etag(case)}


@blp.route("/<string:case_id>/close", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.alt_response(409, description="Not disseminated or rejected")
@requires(Role.CASEWORKER, Role.SCREENER)
def close(case_id: str) -> Any:
    """Close a disseminated or rejected case (the owning caseworker or a screener). The
    retention period (SILVER_RETENTION_DAYS) runs from now."""
    case = services().cases.close(case_id, current_user())
    return render(case), 200, {"ETag": etag(case)}


@blp.route("/<string:case_id>/links", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, LinkSchema(many=True))
@requires(Role.CASEWORKER, Role.SCREENER)
def links(case_id: str) -> Any:
    """Subjects and assets that other cases know too (their number and agency only)."""
    return services().cases.links(case_id, current_user())


@blp.route("/<string:case_id>/graph", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, CaseGraphSchema)
@requires(Role.CASEWORKER, Role.SCREENER)
def graph(case_id: str) -> Any:
    """Nodes and edges of the case (subjects, assets, countries) for drawing."""
    return services().cases.graph(case_id, current_user())


@blp.route("/<string:case_id>/screening", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ScreeningSchema)
@requires(Role.CASEWORKER, Role.SCREENER)
def screening(case_id: str) -> Any:
    """The automated screening: the stored result of the submitted version, or a fresh one.
    The owning caseworker sees the case-level findings; a screener also the countries."""
    return services().cases.screening(case_id, current_user())


@blp.route("/<string:case_id>/ftm", methods=["GET"])
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "One FollowTheMoney entity per line (subjects, assets, identifications,"
            " holdings and relations), ids stable across exports of the case.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
@requires(Role.CASEWORKER, Role.SCREENER)
def export_ftm(case_id: str) -> Any:
    """The case as FollowTheMoney entities (NDJSON), for Aleph and other FtM tools. Audited as
    a read of the case."""
    entities = services().cases.export_ftm(case_id, current_user(), _purpose())
    body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities)
    return Response(
        body,
        mimetype=NDJSON,
        headers={"Content-Disposition": f'attachment; filename="silver-case-{case_id}.ftm.json"'},
    )


@blp.route("/import", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(CaseImportSchema)
@blp.response(201, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
@requires(Role.CASEWORKER)
def import_ftm(payload: dict[str, Any]) -> Any:
    """Propose a case from its fields and FollowTheMoney entities: `{"case": {every case field
    but subjects, assets, holdings and relations}, "entities": [FtM entities]}`. The entities are
    mapped to subjects, assets, holdings and relations and the case is validated and stored
    exactly as by POST /api/v1/cases. Errors name `entities.<index>.<property>` or
    `case.<field>`; nothing is stored then."""
    case = services().cases.import_ftm(payload, current_user())
    return render(case), 201, {"ETag": etag(case), "Location": f"/api/v1/cases/{case.id}"}


@blp.route("/<string:case_id>/matches", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, MatchListSchema)
@requires(Role.CASEWORKER, Role.SCREENER)
def matches(case_id: str) -> Any:
    """Reference entities (and other cases, by number and agency only) that share a matching
    key with the case's subjects and assets: an identifier (score 1.0), a person's name and
    date of birth (0.9), an organisation's name in its jurisdiction (0.8), a person's name
    and year of birth (0.6). Audited as a read of the case."""
    return {"items": services().cases.matches(case_id, current_user(), _purpose())}


@blp.route("/<string:case_id>/trace", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(TraceQuerySchema, location="query")
@blp.response(200, TraceSchema)
@requires(Role.CASEWORKER, Role.SCREENER)
def trace(query: dict[str, Any], case_id: str) -> Any:
    """Follow ownership and control from a subject or asset: `down` to what it owns or
    controls, `up` to who owns or controls it, `depth` 1..6 steps, through the case, the
    reference data it matches and the identifiers it shares with other cases. Shares are
    multiplied along each path (`effective_share`, null when one is unknown). Another agency's
    case shows as its number and agency and is not followed; at most 1,000 nodes
    (`truncated`). Audited as a read of the case."""
    return services().cases.trace(
        case_id,
        query["from_"],
        query["direction"],
        query["depth"],
        current_user(),
        _purpose(),
    )


@blp.route("/<string:case_id>/assets/from-reference", methods=["POST"])
@blp.doc(
    security=BEARER,
    parameters=[
        {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}
    ],
)
@blp.arguments(ReferenceAssetSchema)
@blp.response(200, CaseSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.alt_response(409, description="Not in draft or returned")
@blp.alt_response(412, description="The If-Match ETag is stale")
@requires(Role.CASEWORKER)
def add_reference_asset(body: dict[str, Any], case_id: str) -> Any:
    """Copy an asset found in reference data (a trace reached it) into the case: its type,
    identifiers, name and country, validated like any asset; its country joins the target
    countries."""
    case = services().cases.add_reference_asset(
        case_id, body["dataset"], body["entity_id"], if_match(), current_user()
    )
    return render(case), 200, {"ETag": etag(case)}
