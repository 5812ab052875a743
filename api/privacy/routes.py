"""Data-subject rights (the privacy officer): find a person's cases, report what is held and
sent, and rectify, erase or restrict. The services decide; these parse and render."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from api.cases.routes import if_match
from api.extensions import services
from api.privacy.report import render_subject_report
from api.privacy.schemas import (
    CorrectionMessageSchema,
    CorrectionRetrySchema,
    CorrectionSchema,
    ReasonBodySchema,
    RectificationBodySchema,
    ReportQuerySchema,
    RestrictionSchema,
    SubjectHitListSchema,
    SubjectReportSchema,
    SubjectSearchSchema,
)
from api.security import BEARER, current_user, requires
from api.stats import documents
from silver.domain.users import Role

blp = Blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1",
    description="Data-subject rights (LED arts. 14-18): the privacy officer's requests",
)


@blp.route("/privacy/subject-search", methods=["POST"])
@blp.doc(security=BEARER)
@requires(Role.PRIVACY_OFFICER)
@blp.arguments(SubjectSearchSchema)
@blp.response(200, SubjectHitListSchema)
def subject_search(body: dict[str, Any]) -> Any:
    """Every case of any agency with a person of this name (normalised as in matching: case,
    diacritics, punctuation, honorifics and word order folded) and date of birth, found by the
    keyed blind index (nothing decrypted to search). Audited with the request reference."""
    return {"items": services().privacy.search(body, current_user())}


@blp.route("/privacy/subject-report", methods=["GET"])
@blp.doc(
    security=BEARER,
    responses={
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                documents.PDF: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
@requires(Role.PRIVACY_OFFICER)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, SubjectReportSchema)
def subject_report(query: dict[str, Any]) -> Any:
    """What Silver holds on the person in the case (`subject`), the case's `decisions`, every
    transfer (`transfers`, also as `transfer`: recipient, sent_at, message_id, categories,
    legal basis, whether it carried this person) and every read of the case (`reads`). With
    `format=html` or `format=pdf`: the same as a letter in Dutch the officer can send."""
    report = services().privacy.report(
        query["case"], query["subject"], current_user(), query["request_reference"]
    )
    report["transfer"] = report["transfers"]
    kind = query["format"]
    if kind == "json":
        return report
    html = render_subject_report(report)
    name = f"inzage-{report['case']['number']}-{query['subject']}"
    if kind == "pdf":
        return Response(
            documents.to_pdf(html),
            mimetype=documents.PDF,
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return Response(
        html,
        mimetype="text/html",
        headers={"Content-Disposition": f'inline; filename="{name}.html"'},
    )


@blp.route("/cases/<string:case_id>/rectifications", methods=["POST"])
@blp.doc(security=BEARER)
@requires(Role.CASEWORKER, Role.PRIVACY_OFFICER)
@blp.arguments(RectificationBodySchema)
@blp.response(201, CorrectionSchema)
def rectify(body: dict[str, Any], case_id: str) -> Any:
    """Correct fields of one subject (LED art. 16(1)), validated as at intake: a new case
    version, the old values kept only sealed in the audit trail. Every recipient that received
    the subject gets one signed message with `"instrument": "rectification"`, the case number,
    the subject's key and the corrected fields (LED art. 16(6)). The owning caseworker or the
    privacy officer; If-Match is optional."""
    return services().privacy.rectify(case_id, body, if_match(), current_user()).render(), 201


@blp.route("/cases/<string:case_id>/subjects/<string:key>/erasure", methods=["POST"])
@blp.doc(security=BEARER)
@requires(Role.PRIVACY_OFFICER)
@blp.arguments(ReasonBodySchema)
@blp.response(201, CorrectionSchema)
def erase(body: dict[str, Any], case_id: str, key: str) -> Any:
    """Erase a person from the case (LED art. 16(2)): their data, holdings and relations go; the
    case stays valid. When no suspect or convicted person is left, the case is closed. Every
    recipient that received the person gets one signed `erasure` message."""
    return services().privacy.erase(case_id, key, body, current_user()).render(), 201


@blp.route("/cases/<string:case_id>/subjects/<string:key>/restriction", methods=["POST"])
@blp.doc(security=BEARER)
@requires(Role.PRIVACY_OFFICER)
@blp.arguments(ReasonBodySchema)
@blp.response(201, RestrictionSchema)
def restrict(body: dict[str, Any], case_id: str, key: str) -> Any:
    """Restrict the processing of a subject (LED art. 16(3)): no new dissemination carries
    them. Audited; statistics unaffected."""
    return services().privacy.restrict(case_id, key, body, current_user()), 201


@blp.route("/cases/<string:case_id>/corrections", methods=["GET"])
@blp.doc(security=BEARER)
@requires(Role.PRIVACY_OFFICER)
@blp.response(200, CorrectionMessageSchema(many=True))
def corrections(case_id: str) -> Any:
    """What each recipient was told of rectifications and erasures, and when."""
    return services().privacy.corrections(case_id, current_user())


@blp.route("/cases/<string:case_id>/corrections/<string:message_id>/retry", methods=["POST"])
@blp.doc(security=BEARER)
@requires(Role.PRIVACY_OFFICER)
@blp.response(200, CorrectionRetrySchema)
@blp.alt_response(409, description="The correction has not failed")
def retry_correction(case_id: str, message_id: str) -> Any:
    """Send a failed correction message again: the same bytes and message id."""
    return services().privacy.retry_correction(case_id, message_id, current_user())
