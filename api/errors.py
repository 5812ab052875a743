"""One place that turns every error into application/problem+json."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import neo4j.exceptions
import redis.exceptions
from flask import Flask, Response, json
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from api.observability import current_request_id
from silver.domain.errors import (
    ConfigError,
    Conflict,
    CryptoError,
    Forbidden,
    NotFound,
    PasswordChangeRequired,
    PreconditionFailed,
    PreconditionRequired,
    SilverError,
    StorageUnavailable,
    TooManyAttempts,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


# The HTTP status and title of each domain error (the most specific class listed wins).
STATUSES: tuple[tuple[type[SilverError], int, str], ...] = (
    (PasswordChangeRequired, 403, "Password change required"),
    (ValidationFailed, 422, "Validation failed"),
    (Unauthenticated, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict"),
    (PreconditionFailed, 412, "Precondition failed"),
    (PreconditionRequired, 428, "Precondition required"),
    (TooManyAttempts, 429, "Too many requests"),
    (ConfigError, 500, "Configuration error"),
    (CryptoError, 500, "Cryptographic failure"),
    (StorageUnavailable, 503, "Storage unavailable"),
    (Unavailable, 503, "Service unavailable"),
)


def status_of(exc: SilverError) -> tuple[int, str]:
    """The HTTP status and title for a domain error."""
    for kind, status, title in STATUSES:
        if isinstance(exc, kind):
            return status, title
    return 400, "Bad request"


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    request_id = current_request_id()
    if request_id:
        # The id of this request in the logs: what to quote when asking why it failed.
        body["request_id"] = request_id
    return Response(json.dumps(body), status=status, mimetype=PROBLEM)


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error dict -> {"assets.2.iban": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path == "_schema":
                path = "_body"
            elif path.endswith("._schema"):
                path = path[: -len("._schema")]
            for k, v in flatten_errors(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_body"] = list(messages)
    elif isinstance(messages, list):
        for item in messages:
            for k, v in flatten_errors(item, prefix).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_body"] = [str(messages)]
    return out


def _webargs_errors(exc: HTTPException) -> dict[str, list[str]]:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages", {})
    # webargs nests by location: {"json": {...}} or {"query": {...}}.
    if isinstance(messages, Mapping) and set(messages) <= {
        "json",
        "query",
        "form",
        "headers",
        "files",
        "path",
        "view_args",
    }:
        merged: dict[str, list[str]] = {}
        for location_errors in messages.values():
            merged.update(flatten_errors(location_errors))
        return merged
    return flatten_errors(messages)


def too_many(detail: str, retry_after: int) -> Response:
    """The one 429 of the API: the same body and headers for a rate limit and a lockout."""
    response = problem(429, "Too many requests", detail)
    response.headers["Retry-After"] = str(retry_after)
    return response


def register_error_handlers(app: Flask) -> None:
    from api.limits import retry_after
    from api.refusals import record_refusal

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded) -> Response:
        return too_many(exc.description or "Too many requests.", retry_after())

    @app.errorhandler(SilverError)
    def _domain(exc: SilverError) -> Response:
        status, title = status_of(exc)
        if isinstance(exc, ValidationFailed):
            return problem(status, title, exc.detail, errors=exc.errors)
        if isinstance(exc, TooManyAttempts):
            return too_many(exc.detail, exc.retry_after)
        if isinstance(exc, Forbidden | NotFound):
            record_refusal(status, exc.detail)
        response = problem(status, title, exc.detail)
        if isinstance(exc, StorageUnavailable):
            log.error("storage unavailable: %s", exc.__cause__ or exc.detail)
            response.headers["Retry-After"] = "5"
        elif status >= 500:
            log.error("server-side error: %s", exc.detail)
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 422:
            errors = _webargs_errors(exc)
            detail = "The request has invalid fields: " + ", ".join(sorted(errors))
            return problem(422, "Validation failed", detail, errors=errors)
        if status in (400, 415) and getattr(exc, "data", None):
            # The body could not be read (not JSON, malformed, nested too deep): say why.
            errors = _webargs_errors(exc)
            detail = "; ".join(m for messages in errors.values() for m in messages)
            return problem(status, exc.name, detail, errors=errors)
        detail = exc.description or exc.name
        if status == 413:
            detail = "The request body is larger than 1 MiB."
        response = problem(status, exc.name, detail)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response

    @app.errorhandler(neo4j.exceptions.ServiceUnavailable)
    @app.errorhandler(neo4j.exceptions.SessionExpired)
    @app.errorhandler(neo4j.exceptions.TransientError)
    def _neo4j_down(exc: Exception) -> Response:
        # The driver used outside a unit of work (the statistics' reads, which the driver
        # retries itself); a unit of work raises StorageUnavailable instead.
        log.error("neo4j unavailable: %s", exc)
        response = problem(503, "Storage unavailable", "The graph database is not reachable.")
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(redis.exceptions.ConnectionError)
    def _redis_down(exc: Exception) -> Response:
        log.error("redis unavailable: %s", exc)
        return problem(503, "Service Unavailable", "The job queue is not reachable.")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(
            500, "Internal Server Error", "Something went wrong on our side. It has been logged."
        )
