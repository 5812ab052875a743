"""Cookies, CSRF tokens and the security headers of every page.

The API is untouched: it authenticates with bearer tokens, which a browser never sends on its
own, so it needs no CSRF token. These hooks run for the pages' blueprint only.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from silver.domain.errors import SilverError

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class CsrfFailed(SilverError):
    status = 400
    title = "Form refused"


class WebSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session whose Secure flag follows SILVER_COOKIE_SECURE: `true`,
    `false`, or `auto` (Secure when the request came over TLS)."""

    def __init__(self, secure: str = "auto") -> None:
        self.secure = secure

    def get_cookie_secure(self, app: Flask) -> bool:
        if self.secure == "auto":
            return bool(has_request_context() and request.is_secure)
        return self.secure == "true"


def cookie_secure() -> bool:
    from flask import current_app

    interface = current_app.session_interface
    if isinstance(interface, WebSessionInterface):
        return interface.get_cookie_secure(current_app)
    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every form sends it back."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


def renew_session() -> None:
    """A fresh session (at login and logout): nothing of the previous one survives."""
    session.clear()
    session[_CSRF_KEY] = secrets.token_urlsafe(32)


def check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return
    expected = session.get(_CSRF_KEY)
    sent = request.form.get(CSRF_FIELD, "")
    if (
        not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfFailed(
            "The form was refused: it has expired or did not come from this site. "
            "Reload the page and try again."
        )


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "web.static":
        # Pages hold personal data: nothing is kept in a cache (nor shown by Back after logout).
        response.headers["Cache-Control"] = "no-store"
    return response
