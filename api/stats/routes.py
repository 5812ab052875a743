"""Statistics endpoints: parse the query, let silver.services.stats compute the figures from
the rows graph.repositories.stats reads, render them (silver.domain.stats.export) as JSON or CSV,
as ODS or XLSX (api/stats/documents.py), or as the HTML or PDF report."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response
from marshmallow import RAISE

from api.bodies import Blueprint
from api.extensions import services
from api.security import BEARER, current_user, requires
from api.stats import documents
from api.stats.report import render_report
from api.stats.schemas import PilotStatsSchema, ReportQuerySchema, StatsFormatQuerySchema
from silver.domain.stats.export import PilotStatistics, to_csv, to_json
from silver.domain.users import Role

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Pilot statistics for evaluators: aggregated figures, never personal data",
)

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_CSV_DOC = {
    "responses": {
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "section,dimension,key,metric,value\r\n"
                    "funnel,total,all,proposed,12\r\n",
                },
                documents.ODS: _BINARY,
                documents.XLSX: _BINARY,
                documents.PDF: _BINARY,
            }
        }
    }
}


def _compute(query: dict[str, Any]) -> PilotStatistics:
    return services().stats.pilot(query["from_"], query["to"], query["audience"], current_user())


def _filename(result: PilotStatistics, extension: str) -> str:
    def day(value: date | None) -> str:
        return value.isoformat() if value else "open"

    return (
        f"silver-pilot-stats_{day(result.period_from)}_{day(result.period_to)}_"
        f"{result.audience}.{extension}"
    )


@blp.route("/pilot", methods=["GET"])
@blp.doc(security=BEARER, **_CSV_DOC)
@requires(Role.EVALUATOR, Role.ADMIN)
@blp.arguments(StatsFormatQuerySchema, location="query", unknown=RAISE)
@blp.response(200, PilotStatsSchema)
def pilot(query: dict[str, Any]) -> Any:
    """The pilot's figures for the cases created in the period, as JSON or a CSV table.

    Counted in Neo4j from non-personal properties only. `audience=public` suppresses small
    counts and whatever would let them be derived (see `sections`)."""
    result = _compute(query)
    kind = query["format"]
    if kind == "csv":
        return Response(
            to_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{_filename(result, "csv")}"'},
        )
    if kind in documents.MEDIA_TYPES:
        return document(result, kind)
    return to_json(result)


def document(result: PilotStatistics, kind: str) -> Response:
    """The figures as a spreadsheet (`ods`, `xlsx`) or the report as a PDF, for download."""
    html = render_report(to_json(result)) if kind == "pdf" else None
    return Response(
        documents.render(result, kind, html),
        mimetype=documents.MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{_filename(result, kind)}"'},
    )


@blp.route("/pilot/report", methods=["GET"])
@blp.doc(
    security=BEARER,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}, documents.PDF: _BINARY}}
    },
)
@requires(Role.EVALUATOR, Role.ADMIN)
@blp.arguments(ReportQuerySchema, location="query", unknown=RAISE)
@blp.response(200, content_type="text/html", description="A self-contained HTML report")
def report(query: dict[str, Any]) -> Any:
    """The same figures as a readable HTML report with charts (inline SVG, no scripts), or
    with `format=pdf` as a PDF (A4, the same charts)."""
    result = _compute(query)
    if query["format"] == "pdf":
        return document(result, "pdf")
    return Response(
        render_report(to_json(result)),
        mimetype="text/html",
        headers={"Content-Disposition": f'inline; filename="{_filename(result, "html")}"'},
    )
