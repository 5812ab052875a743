"""The evaluator's report: the pilot's figures with their charts, and the downloads: the
figures as CSV, ODS or XLSX, the report as PDF (the same renderers as the API).

The figures come from the same service as `GET /api/v1/stats/pilot`; the charts and tables
from the same renderer as `GET /api/v1/stats/pilot/report`. Charts are shown as images
(`data:` URIs of matplotlib's SVG), so the page needs no inline style or script.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Response, render_template, request

from api.extensions import services
from api.stats import documents
from api.stats import report as stats_report
from api.stats.schemas import StatsQuerySchema
from silver.domain.stats.catalogue import AUDIENCES
from silver.domain.stats.export import PilotStatistics, to_csv, to_json
from silver.domain.users import Role
from web.blueprint import bp
from web.pages import load
from web.session import requires, user

_query_schema = StatsQuerySchema()


def _statistics() -> tuple[PilotStatistics, dict[str, str]]:
    raw = {k: v for k, v in request.args.items() if k in ("from", "to", "audience") and v}
    query = load(_query_schema, raw)
    result = services().stats.pilot(query["from_"], query["to"], query["audience"], user())
    return result, raw


def _image(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@bp.get("/report")
@requires(Role.EVALUATOR, Role.ADMIN)
def report() -> Any:
    result, raw = _statistics()
    doc = to_json(result)
    charts = []
    for name, caption, draw in stats_report.CHARTS:
        svg = draw(doc)
        charts.append({"id": name, "caption": caption, "src": svg and _image(str(svg))})
    return render_template(
        "web/report.html",
        doc=doc,
        charts=charts,
        sections=stats_report.tables(doc),
        query=raw,
        audiences=AUDIENCES,
    )


@bp.get("/report.csv")
@requires(Role.EVALUATOR, Role.ADMIN)
def report_csv() -> Any:
    result, _raw = _statistics()
    day = {
        "from": result.period_from.isoformat() if result.period_from else "open",
        "to": result.period_to.isoformat() if result.period_to else "open",
    }
    name = f"silver-pilot-stats_{day['from']}_{day['to']}_{result.audience}.csv"
    return Response(
        to_csv(result),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/report.<any(pdf, ods, xlsx):kind>")
@requires(Role.EVALUATOR, Role.ADMIN)
def report_document(kind: str) -> Any:
    """The report as PDF, or the figures as ODS or XLSX."""
    result, _raw = _statistics()
    html = stats_report.render_report(to_json(result)) if kind == "pdf" else None
    day = {
        "from": result.period_from.isoformat() if result.period_from else "open",
        "to": result.period_to.isoformat() if result.period_to else "open",
    }
    name = f"silver-pilot-stats_{day['from']}_{day['to']}_{result.audience}.{kind}"
    return Response(
        documents.render(result, kind, html),
        mimetype=documents.MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
