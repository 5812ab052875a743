"""The privacy officer's pages: find a person's cases, read what is held and sent, print the
letter, and rectify, erase or restrict with a reason; what each recipient was told and when.

The search is a POST, so that a name never lands in a URL, a browser history or an access log.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from api.extensions import services
from api.privacy.report import render_subject_report
from api.stats import documents
from silver.domain.privacy import RECTIFIABLE
from silver.domain.users import Role
from web.blueprint import bp
from web.i18n import translate as _
from web.session import requires, user

# Fields a rectification on this page may change: those typed as one text. A list is written
# comma-separated; identifiers and refugee status go through the API.
LIST_FIELDS = frozenset({"aliases", "nationalities"})
PAGE_FIELDS = {
    kind: tuple(f for f in fields if f not in ("identifiers", "refugee_status"))
    for kind, fields in RECTIFIABLE.items()
}


def _form(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in names}


@bp.get("/privacy")
@requires(Role.PRIVACY_OFFICER)
def privacy() -> Any:
    return render_template("web/privacy/search.html", query={}, items=None)


@bp.post("/privacy")
@requires(Role.PRIVACY_OFFICER)
def privacy_search() -> Any:
    query = _form(("full_name", "date_of_birth", "request_reference"))
    body: dict[str, Any] = {**query, "request_reference": query["request_reference"] or None}
    items = services().privacy.search(body, user())
    return render_template("web/privacy/search.html", query=query, items=items)


def _subject_url(case_id: str, key: str) -> str:
    return url_for("web.privacy_subject", case_id=case_id, key=key)


@bp.get("/privacy/cases/<string:case_id>/subjects/<string:key>")
@requires(Role.PRIVACY_OFFICER)
def privacy_subject(case_id: str, key: str) -> Any:
    reference = request.args.get("request_reference") or None
    report = services().privacy.report(case_id, key, user(), reference)
    told = services().privacy.corrections(case_id, user())
    return render_template(
        "web/privacy/subject.html",
        r=report,
        told=told,
        fields=PAGE_FIELDS[report["subject"]["kind"]],
        case_id=case_id,
        key=key,
    )


@bp.get("/privacy/cases/<string:case_id>/subjects/<string:key>/report.<string:kind>")
@requires(Role.PRIVACY_OFFICER)
def privacy_letter(case_id: str, key: str, kind: str) -> Any:
    if kind not in ("html", "pdf"):
        return render_template("web/error.html", status=404, title=_("Not found"), detail=kind), 404
    report = services().privacy.report(case_id, key, user(), request.args.get("request_reference"))
    html = render_subject_report(report)
    name = f"inzage-{report['case']['number']}-{key}.{kind}"
    if kind == "pdf":
        return Response(
            documents.to_pdf(html),
            mimetype=documents.PDF,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return Response(html, mimetype="text/html")


@bp.post("/privacy/cases/<string:case_id>/subjects/<string:key>/rectify")
@requires(Role.PRIVACY_OFFICER)
def privacy_rectify(case_id: str, key: str) -> Any:
    form = _form(("field", "value", "reason"))
    field = form["field"]
    value: Any = form["value"] or None
    if field in LIST_FIELDS:
        value = [v.strip() for v in form["value"].split(",") if v.strip()]
    body = {"subject": key, "changes": {field: value}, "reason": form["reason"]}
    done = services().privacy.rectify(case_id, body, None, user())
    flash(
        _(
            "Rectified; recipients told: {recipients}.",
            recipients=", ".join(done.recipients) or _("(none)"),
        ),
        "success",
    )
    return redirect(_subject_url(case_id, key), 303)


@bp.post("/privacy/cases/<string:case_id>/subjects/<string:key>/erase")
@requires(Role.PRIVACY_OFFICER)
def privacy_erase(case_id: str, key: str) -> Any:
    done = services().privacy.erase(case_id, key, {"reason": _form(("reason",))["reason"]}, user())
    message = _(
        "Erased; recipients told: {recipients}.",
        recipients=", ".join(done.recipients) or _("(none)"),
    )
    if done.closed:
        message += " " + _("The case was closed: no suspect is left.")
    flash(message, "success")
    return redirect(url_for("web.privacy"), 303)


@bp.post("/privacy/cases/<string:case_id>/subjects/<string:key>/restrict")
@requires(Role.PRIVACY_OFFICER)
def privacy_restrict(case_id: str, key: str) -> Any:
    services().privacy.restrict(case_id, key, {"reason": _form(("reason",))["reason"]}, user())
    flash(_("Restricted: no new dissemination carries this subject."), "success")
    return redirect(_subject_url(case_id, key), 303)
