"""The trace panel: where ownership and control lead from a subject or asset of the case, as a
table and a drawing, and a traced reference asset copied into the case."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.extensions import services
from silver.domain.users import Role
from silver.services.tracing import DEFAULT_DEPTH, DIRECTIONS, MAX_DEPTH, MIN_DEPTH
from web import forms
from web.blueprint import bp
from web.i18n import translate as _
from web.pages import Problem, attempt
from web.session import requires, user

CASE_ROLES = (Role.CASEWORKER, Role.SCREENER)
# The drawing shows the first nodes reached (nearest first); the table has them all.
DRAWN = 150


def _starts(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, label) of every subject and asset, to choose where a trace starts."""
    out = []
    for s in body.get("subjects") or []:
        out.append((s["key"], f"{s['key']}: {s.get('full_name') or s.get('name') or ''}"))
    for a in body.get("assets") or []:
        out.append((a["key"], f"{a['key']}: {a['type'].replace('_', ' ')}"))
    return out


def drawing(result: dict[str, Any]) -> dict[str, Any]:
    """Nodes and edges of the first paths, for the drawing (graph ids: a node's identity)."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}

    def ident(node: dict[str, Any]) -> str:
        kind = node["kind"]
        if kind == "reference":
            return f"ref:{node['dataset']}:{node['entity_id']}"
        if kind == "case":
            return f"case:{node['number']}"
        return f"{kind}:{node['key']}"

    for i, reached in enumerate(result["reached"][:DRAWN]):
        previous: str | None = None
        relation: str | None = None
        for step in reached["path"]:
            if "node" in step:
                node = step["node"]
                nid = ident(node)
                label = node.get("caption") or node.get("key") or node.get("number") or nid
                nodes.setdefault(nid, {"id": nid, "label": str(label)[:60], "kind": node["kind"]})
                if previous is not None and relation is not None:
                    edges.setdefault(
                        f"{previous}>{nid}",
                        {"source": previous, "target": nid, "label": relation.replace("_", " ")},
                    )
                previous, relation = nid, None
            else:
                relation = step["relation"]
        if "not_expanded" in reached and previous is not None:
            nodes[previous]["more"] = reached["not_expanded"]["relationships"]
        nodes[ident(reached["node"])].setdefault("rows", []).append(i)
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


@bp.get("/cases/<case_id>/trace")
@requires(*CASE_ROLES)
def trace(case_id: str) -> Any:
    view = services().cases.get(case_id, user(), "web: the trace panel")
    starts = _starts(view.body)
    query = {
        "from": request.args.get("from") or (starts[0][0] if starts else ""),
        "direction": request.args.get("direction") or "down",
        "depth": request.args.get("depth") or str(DEFAULT_DEPTH),
    }
    result: dict[str, Any] | Problem | None = None
    if request.args.get("from"):
        depth = forms.int_or_none(query["depth"])
        result = attempt(
            lambda: services().cases.trace(
                case_id,
                query["from"],
                query["direction"],
                depth if depth is not None else -1,
                user(),
                "web: the trace panel",
            )
        )
    problem = result if isinstance(result, Problem) else None
    found = result if isinstance(result, dict) else None
    return render_template(
        "web/cases/trace.html",
        case=view,
        starts=starts,
        query=query,
        directions=DIRECTIONS,
        depths=range(MIN_DEPTH, MAX_DEPTH + 1),
        result=found,
        matches=services().cases.matches(case_id, user(), "web: the trace panel"),
        drawing=_script_json(drawing(found)) if found else None,
        drawn=DRAWN,
        problem=problem,
        errors=problem.errors if problem else {},
        may_add=user().role is Role.CASEWORKER and view.editable,
    ), (problem.status if problem else 200)


@bp.post("/cases/<case_id>/trace/add")
@requires(Role.CASEWORKER)
def add_traced_asset(case_id: str) -> Any:
    added = attempt(
        lambda: services().cases.add_reference_asset(
            case_id,
            request.form.get("dataset", ""),
            request.form.get("entity_id", ""),
            forms.int_or_none(request.form.get("version")),
            user(),
        )
    )
    if isinstance(added, Problem):
        flash(_("The asset could not be added: {reason}", reason=_described(added)), "error")
        return redirect(request.referrer or url_for("web.trace", case_id=case_id), 303)
    flash(_("The asset was added to the case, and its country to the target countries."), "success")
    return redirect(url_for("web.case", case_id=case_id), 303)


def _script_json(data: Any) -> str:
    """JSON to put inside a <script type="application/json"> element: reference data is
    published by others, so a caption must not be able to close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _described(problem: Problem) -> str:
    if problem.errors:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in problem.errors.items())
    return problem.detail
