"""What every view shares: calling a service from a form, and the error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import neo4j.exceptions
import redis.exceptions
from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from api.errors import flatten_errors, status_of
from api.limits import retry_after
from api.refusals import record_refusal
from silver.domain.errors import (
    Forbidden,
    NotFound,
    SilverError,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
)
from web.blueprint import bp
from web.i18n import translate as _
from web.messages import message
from web.security import add_security_headers, check_csrf
from web.session import safe_next

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """Why a form's service call was refused: shown above the form and next to its fields."""

    status: int
    title: str
    detail: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    retry_after: int | None = None


def attempt(call: Callable[[], T]) -> T | Problem:
    """Run a service call for a form; a refusal (validation, conflict, stale version, lockout)
    comes back as a Problem for the form to show, anything else goes to the error pages."""
    try:
        return call()
    except SilverError as exc:
        status, title = status_of(exc)
        if status >= 500 or (status in (401, 403, 404) and not _is_login()):
            raise
        errors = exc.errors if isinstance(exc, ValidationFailed) else {}
        retry = exc.retry_after if isinstance(exc, TooManyAttempts) else None
        return Problem(status, title, exc.detail, errors, retry)


def load(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate form input with the API's own schema; errors as the API reports them."""
    try:
        return dict(schema.load(data))
    except ValidationError as exc:
        raise ValidationFailed(flatten_errors(exc.messages)) from None


def _is_login() -> bool:
    return request.endpoint == "web.login"


def described(exc: SilverError) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{k}: {' '.join(map(message, v))}" for k, v in exc.errors.items())
    return message(exc.detail)


def _same_site_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("web/error.html", status=status, title=title, detail=detail), status


@bp.before_request
def _csrf() -> None:
    check_csrf()


@bp.after_request
def _headers(response: Response) -> Response:
    return add_security_headers(response)


@bp.errorhandler(SilverError)
def _silver_error(exc: SilverError) -> Any:
    if isinstance(exc, Unauthenticated):
        session.pop("token", None)
        flash(_("Please log in."), "info")
        return redirect(url_for("web.login"))
    back = _same_site_referrer()
    status, title = status_of(exc)
    if isinstance(exc, Forbidden | NotFound):
        record_refusal(status, exc.detail)
    if request.method == "POST" and status < 500 and back and status != 400:
        flash(described(exc), "error")
        return redirect(back, 303)
    if status >= 500:
        log.error("server-side error on a page: %s", exc.detail)
    return error_page(status, _(title), described(exc))


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(exc: RateLimitExceeded) -> Any:
    """A rate limit: on the login page, the page with the message (the same whether the
    username exists or not); elsewhere the error page. Both say when to come back."""
    problem = Problem(429, _("Too many requests"), _(exc.description or "Too many requests."))
    if request.endpoint == "web.login":
        target = safe_next(request.values.get("next"))
        page = render_template(
            "web/login.html",
            next=target,
            username=request.form.get("username", "").strip(),
            problem=problem,
        )
    else:
        page, _status = error_page(429, problem.title, problem.detail)
    return page, 429, {"Retry-After": str(retry_after())}


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    return error_page(status, _(exc.name), _(exc.description or exc.name))


@bp.errorhandler(neo4j.exceptions.ServiceUnavailable)
@bp.errorhandler(neo4j.exceptions.SessionExpired)
@bp.errorhandler(neo4j.exceptions.TransientError)
@bp.errorhandler(redis.exceptions.ConnectionError)
def _down(exc: Exception) -> Any:
    log.error("a dependency is unavailable: %s", exc)
    return error_page(503, _("Service unavailable"), _("Please try again in a moment."))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Any:
    log.exception("unhandled error on a page")
    return error_page(
        500, _("Internal server error"), _("Something went wrong on our side. It has been logged.")
    )
