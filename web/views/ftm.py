"""FollowTheMoney on the pages: a case's download, a case from an FtM file, the reference
datasets. The views call the same services as the API (`services().cases.export_ftm`, ...)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from api.extensions import services
from silver.domain.cases import LEGAL_BASIS_TYPES
from silver.domain.users import Role
from web.blueprint import bp
from web.i18n import translate as _
from web.pages import Problem, attempt
from web.session import requires, user

# An upload of a network bigger than this is a reference dataset, not a case (the CLI imports
# those); the request limit (1 MiB) applies too.
MAX_ENTITIES = 5000
CASE_FIELDS = ("title", "national_reference", "max_penalty_years", "offence_summary")


@bp.get("/cases/<case_id>/ftm")
@requires(Role.CASEWORKER, Role.SCREENER)
def case_ftm(case_id: str) -> Any:
    entities = services().cases.export_ftm(case_id, user(), "web: FtM download")
    body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entities)
    return Response(
        body,
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="silver-case-{case_id}.ftm.json"'},
    )


def read_entities(raw: bytes) -> list[Any]:
    """The entities of an uploaded file: one JSON object per line (FtM's own format, as Aleph
    exports it), or one JSON list."""
    text = raw.decode("utf-8-sig")
    stripped = text.strip()
    if stripped.startswith("["):
        entities = json.loads(stripped)
        if not isinstance(entities, list):
            raise ValueError("the file is not a list of entities")
        return entities
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _case_fields(form: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in CASE_FIELDS:
        value = form.get(name, "").strip()
        if value:
            fields[name] = value
    if "max_penalty_years" in fields:
        with contextlib.suppress(ValueError):  # else the case validation names the field
            fields["max_penalty_years"] = float(fields["max_penalty_years"])
    if form.get("legal_basis_type") or form.get("legal_basis_reference"):
        fields["legal_basis"] = {
            "type": form.get("legal_basis_type", ""),
            "reference": form.get("legal_basis_reference", "").strip(),
        }
    return fields


def _page(values: dict[str, str], problem: Problem | None = None) -> str:
    return render_template(
        "web/cases/import.html",
        values=values,
        legal_basis_types=LEGAL_BASIS_TYPES,
        problem=problem,
        errors=problem.errors if problem else {},
        max_entities=MAX_ENTITIES,
    )


@bp.route("/cases/import", methods=["GET", "POST"])
@requires(Role.CASEWORKER)
def import_case() -> Any:
    if request.method == "GET":
        return _page({})
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    upload = request.files.get("entities")
    problem: Problem | None = None
    entities: list[Any] = []
    if upload is None or not upload.filename:
        problem = Problem(422, "Validation failed", "", {"entities": [_("Choose a file.")]})
    else:
        try:
            entities = read_entities(upload.read())
        except (UnicodeDecodeError, ValueError):
            problem = Problem(
                422,
                "Validation failed",
                "",
                {"entities": [_("The file is not FollowTheMoney JSON (one entity per line).")]},
            )
        if problem is None and len(entities) > MAX_ENTITIES:
            problem = Problem(
                422,
                "Validation failed",
                "",
                {"entities": [_("At most {n} entities in one case.", n=MAX_ENTITIES)]},
            )
    if problem is not None:
        return _page(values, problem), problem.status
    payload = {"case": _case_fields(request.form), "entities": entities}
    created = attempt(lambda: services().cases.import_ftm(payload, user()))
    if isinstance(created, Problem):
        return _page(values, created), created.status
    flash(
        _(
            "Case {number} was created as a draft from {n} entities.",
            number=created.number,
            n=len(entities),
        ),
        "success",
    )
    return redirect(url_for("web.case", case_id=created.id), 303)


@bp.get("/reference")
@requires(Role.ADMIN, Role.SCREENER, Role.CASEWORKER)
def datasets() -> Any:
    return render_template(
        "web/reference/datasets.html",
        datasets=[asdict(d) for d in services().reference.datasets()],
    )
