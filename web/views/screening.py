"""The screener's pages: the queue, the screening of a case with the decision form, retries."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.cases.schemas import CaseListQuerySchema
from api.extensions import services
from api.screening.schemas import DecisionBodySchema
from screening.decisions import INSTRUMENTS, REASON_CODES, DecisionRequest
from silver.domain.cases import Status
from silver.domain.users import Role
from silver.services import decisions as decision_service
from web import forms
from web.blueprint import bp
from web.i18n import translate as _
from web.pages import Problem, attempt, load
from web.session import requires, user
from web.verdict import verdict_causes

PAGE_SIZE = 50
_decision_schema = DecisionBodySchema()
_page_query = CaseListQuerySchema(only=("page",))


@bp.get("/screening")
@requires(Role.SCREENER)
def queue() -> Any:
    page = load(_page_query, {k: v for k, v in request.args.items() if k == "page" and v})["page"]
    rows, total = services().decisions.queue(user(), page, PAGE_SIZE)
    return render_template(
        "web/screening/queue.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


def _prefill(
    case_body: dict[str, Any], result: dict[str, Any], first: dict[str, Any] | None
) -> dict[str, Any]:
    """The decision form as it first appears: the first approval's choices when confirming,
    else the caseworker's request and the screening's suggested transfer bases."""
    if first is not None:
        return {
            "decision": "approve",
            "instrument": first["instrument"],
            "countries": list(first["countries"]),
            "acknowledged_rules": list(first["acknowledged_rules"]),
            "transfer_bases": dict(first["transfer_bases"]),
        }
    allowed = {
        c["country"]
        for c in result.get("countries", [])
        if c["participant"] and c["risk"] != "prohibited"
    }
    return {
        "decision": "",
        "instrument": case_body.get("requested_instrument") or "",
        "countries": [c for c in case_body.get("target_countries") or [] if c in allowed],
        "acknowledged_rules": [],
        "transfer_bases": {c["country"]: c["transfer_basis"] for c in result.get("countries", [])},
    }


def _posted(data: Any) -> dict[str, Any]:
    """The decision form as the screener sent it, to show it again after a refusal."""
    return {
        "decision": data.get("decision", ""),
        "instrument": data.get("instrument", ""),
        "countries": data.getlist("countries"),
        "acknowledged_rules": data.getlist("acknowledged_rules"),
        "reason_codes": data.getlist("reason_codes"),
        "justification": data.get("justification", ""),
        "transfer_bases": {
            k[len("transfer_basis-") :]: v
            for k, v in data.items()
            if k.startswith("transfer_basis-")
        },
    }


RISK_ORDER = {"low": 0, "medium": 1, "high": 2, "prohibited": 3}


def _split_countries(
    countries: list[dict[str, Any]],
    targets: set[str],
    values: dict[str, Any],
    errors: dict[str, list[str]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The countries a screener must see (the targets, those ticked, those with an error), and
    the other participants, highest risk first, folded away on the page but still in the form."""
    chosen = set(values.get("countries") or [])

    def in_view(c: dict[str, Any]) -> bool:
        code = c["country"]
        return code in targets or code in chosen or f"transfer_bases.{code}" in errors

    return [c for c in countries if in_view(c)], [c for c in countries if not in_view(c)]


def screening_page(
    case_id: str, posted: dict[str, Any] | None = None, problem: Problem | None = None
) -> str:
    view = services().cases.view(case_id, user(), "web: screening the case")
    case, result, first = view.case, view.screening, view.first_approval
    targets = set(case.body.get("target_countries") or [])
    values = posted or _prefill(case.body, result, first)
    countries = sorted(
        result.get("countries", []),
        key=lambda c: (c["country"] not in targets, -RISK_ORDER.get(c["risk"], 0), c["country"]),
    )
    errors = forms.without_indexes(problem.errors) if problem else {}
    shown, others = _split_countries(countries, targets, values, errors)
    return render_template(
        "web/screening/show.html",
        case=case,
        body=case.body,
        result=result,
        countries=shown,
        other_countries=others,
        causes=verdict_causes(result, targets),
        decisions=view.decisions,
        first=first,
        notices=view.notices,
        values=values,
        decidable=case.status in decision_service.DECIDABLE,
        instruments=INSTRUMENTS,
        reason_codes=REASON_CODES,
        warnings=list(
            dict.fromkeys(f["rule"] for f in result["findings"] if f["severity"] == "warn")
        ),
        problem=problem,
        errors=errors,
    )


@bp.get("/screening/<case_id>")
@requires(Role.SCREENER)
def screening(case_id: str) -> Any:
    return screening_page(case_id)


def _decide(case_id: str, body: dict[str, Any], version: int | None) -> dict[str, Any]:
    decision = DecisionRequest.from_body(load(_decision_schema, body))
    return services().decisions.decide(case_id, decision, version, user())


@bp.post("/screening/<case_id>/decision")
@requires(Role.SCREENER)
def decide(case_id: str) -> Any:
    version = forms.int_or_none(request.form.get("version"))
    result = attempt(lambda: _decide(case_id, forms.decision_body(request.form), version))
    if isinstance(result, Problem):
        return screening_page(case_id, _posted(request.form), result), result.status
    if result["case_status"] == Status.AWAITING_SECOND_APPROVAL.value:
        flash(_("Approved: a second screener must now confirm it (four eyes)."), "success")
    elif result["case_status"] == Status.APPROVED.value:
        flash(_("Approved: the dissemination is on its way."), "success")
    else:
        flash(_("Decision recorded: {status}.", status=_(result["case_status"])), "success")
    return redirect(url_for("web.screening", case_id=case_id), 303)


@bp.post("/cases/<case_id>/disseminations/<recipient>/retry")
@requires(Role.SCREENER)
def retry(case_id: str, recipient: str) -> Any:
    services().disseminations.retry(case_id, recipient, user())
    flash(_("The message to {recipient} is queued again.", recipient=recipient), "success")
    return redirect(url_for("web.screening", case_id=case_id), 303)
