"""The caseworker's pages: the agency's cases, the case form, the case page and its drawing."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for

from api.cases.schemas import CaseListQuerySchema
from api.dissemination.schemas import OutcomeBodySchema
from api.extensions import services
from silver.domain.cases import (
    ASSET_TYPES,
    CRIME_TYPES,
    HOLDING_RELATIONS,
    LEGAL_BASIS_TYPES,
    SUBJECT_KINDS,
    SUBJECT_RELATIONS,
    SUBJECT_ROLES,
    Status,
)
from silver.domain.users import Role
from silver.services import intake
from silver.services.outcomes import RESULTS
from web import forms
from web.blueprint import bp
from web.i18n import translate as _
from web.pages import Problem, attempt, load
from web.session import requires, user

PAGE_SIZE = 50
TYPE_FIELD_LABELS = {
    "iban": "IBAN",
    "account_number": "Account number",
    "bic": "BIC",
    "address": "Address",
    "cadastral_reference": "Cadastral reference",
    "vin": "VIN",
    "registration_plate": "Registration plate",
    "registration_country": "Country of registration",
    "imo": "IMO number",
    "name": "Name",
    "registration_mark": "Registration mark",
    "currency": "Crypto currency",
    "organisation": "Organisation (subject key)",
    "percentage": "Percentage",
    "isin": "ISIN",
}
CASE_ROLES = (Role.CASEWORKER, Role.SCREENER)
_list_query = CaseListQuerySchema()
_outcome_schema = OutcomeBodySchema()


def _search(rows: list[dict[str, Any]], q: str) -> list[dict[str, Any]]:
    needle = q.casefold()
    return [
        r
        for r in rows
        if not needle
        or any(needle in str(r.get(k) or "").casefold() for k in ("number", "title", "status"))
    ]


@bp.get("/cases")
@requires(*CASE_ROLES)
def cases() -> Any:
    raw = {k: v for k, v in request.args.items() if k in ("status", "page") and v}
    query = load(_list_query, raw)
    found, total = services().cases.find(user(), query.get("status"), query["page"], PAGE_SIZE)
    q = request.args.get("q", "").strip()
    return render_template(
        "web/cases/list.html",
        rows=_search([intake.summary(c) for c in found], q),
        listed=len(found),
        total=total,
        page=query["page"],
        pages=max(1, -(-total // PAGE_SIZE)),
        status=query.get("status") or "",
        q=q,
        statuses=[s.value for s in Status],
    )


def _form_page(
    form: forms.CaseForm, case: dict[str, Any] | None, problem: Problem | None = None
) -> str:
    return render_template(
        "web/cases/form.html",
        form=form,
        case=case,
        problem=problem,
        errors=forms.field_errors(problem.errors) if problem else {},
        choices={
            "crime_types": CRIME_TYPES,
            "legal_basis_types": LEGAL_BASIS_TYPES,
            "subject_kinds": SUBJECT_KINDS,
            "subject_roles": SUBJECT_ROLES,
            "asset_types": ASSET_TYPES,
            "holding_relations": HOLDING_RELATIONS,
            "subject_relations": SUBJECT_RELATIONS,
        },
        type_fields=forms.ALL_TYPE_FIELDS,
        person_fields=forms.PERSON_FIELDS,
        organisation_fields=forms.ORGANISATION_FIELDS,
        empty_row=forms.empty_row,
        field_types=forms.FIELD_TYPES,
        type_field_labels=TYPE_FIELD_LABELS,
        filled=forms.filled,
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Role.CASEWORKER)
def new_case() -> Any:
    if request.method == "GET":
        return _form_page(forms.empty_case_form(), None)
    form = forms.read_case_form(request.form)
    if forms.apply_row_action(form, request.form.get("action", "")):
        return _form_page(form, None)
    forms.drop_blank_rows(form)
    created = attempt(lambda: services().cases.create(forms.case_body(form), user()))
    if isinstance(created, Problem):
        return _form_page(form, None, created), created.status
    flash(_("Case {number} was created as a draft.", number=created.number), "success")
    return redirect(url_for("web.case", case_id=created.id), 303)


@bp.route("/cases/<case_id>/edit", methods=["GET", "POST"])
@requires(Role.CASEWORKER)
def edit_case(case_id: str) -> Any:
    if request.method == "GET":
        case = services().cases.get(case_id, user(), "web: edit the case")
        ref = {"id": case.id, "number": case.number, "version": case.version}
        return _form_page(forms.case_form(case.body), ref)
    ref = {
        "id": case_id,
        "number": request.form.get("number", ""),
        "version": request.form.get("version", ""),
    }
    form = forms.read_case_form(request.form)
    if forms.apply_row_action(form, request.form.get("action", "")):
        return _form_page(form, ref)
    forms.drop_blank_rows(form)
    updated = attempt(
        lambda: services().cases.update(
            case_id,
            forms.case_body(form),
            forms.int_or_none(ref["version"]),
            user(),
        )
    )
    if isinstance(updated, Problem):
        return _form_page(form, ref, updated), updated.status
    flash(_("Your changes were saved."), "success")
    return redirect(url_for("web.case", case_id=case_id), 303)


@bp.post("/cases/<case_id>/submit")
@requires(Role.CASEWORKER)
def submit_case(case_id: str) -> Any:
    version = forms.int_or_none(request.form.get("version"))
    services().cases.submit(case_id, version, user())
    flash(_("The case was submitted for screening."), "success")
    return redirect(url_for("web.case", case_id=case_id), 303)


def case_page(
    case_id: str, outcome: dict[str, str] | None = None, problem: Problem | None = None
) -> str:
    view = services().cases.view(case_id, user(), "web: the case page")
    return render_template(
        "web/cases/show.html",
        case=view.case,
        body=view.case.body,
        screening=view.screening,
        links=view.links,
        decisions=view.decisions,
        notices=view.notices,
        outcomes=view.outcomes,
        reached=view.reached,
        results=RESULTS,
        outcome=outcome or {},
        asset_types=ASSET_TYPES,
        new_asset=forms.NEW_ASSET,
        type_fields=forms.ALL_TYPE_FIELDS,
        field_types=forms.FIELD_TYPES,
        type_field_labels=TYPE_FIELD_LABELS,
        today=date.today().isoformat(),
        problem=problem,
        errors=forms.outcome_field_errors(problem.errors) if problem else {},
    )


@bp.get("/cases/<case_id>")
@requires(*CASE_ROLES)
def case(case_id: str) -> Any:
    return case_page(case_id)


@bp.get("/cases/<case_id>/graph.json")
@requires(*CASE_ROLES)
def case_graph(case_id: str) -> Any:
    return jsonify(services().cases.graph(case_id, user()))


def _record_outcome(case_id: str, body: dict[str, Any]) -> dict[str, Any]:
    loaded = load(_outcome_schema, body)
    return services().outcomes.record(case_id, loaded, user())


@bp.post("/cases/<case_id>/outcomes")
@requires(*CASE_ROLES)
def record_outcome(case_id: str) -> Any:
    recorded = attempt(lambda: _record_outcome(case_id, forms.outcome_body(request.form)))
    if isinstance(recorded, Problem):
        values = {k: str(v) for k, v in request.form.items() if k != "csrf_token"}
        return case_page(case_id, values, recorded), recorded.status
    flash(_("The answer of {country} was recorded.", country=recorded["country"]), "success")
    return redirect(url_for("web.case", case_id=case_id, _anchor="outcomes"), 303)
