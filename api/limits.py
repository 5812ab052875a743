"""Rate limits in front of the logins and of refused requests (Flask-Limiter, on Silver's Redis).

- Logins (`POST /api/v1/auth/token` and the login page, one budget for both): failed attempts
  per client address (SILVER_LOGIN_LIMIT_PER_ADDRESS, default 10/minute: password spraying
  across many usernames) and per username typed (SILVER_LOGIN_LIMIT_PER_USERNAME, default
  5/minute: guessing one password), whether the username exists or not. Only failures count
  (401, and the lockout's 429), so an office behind one address can log in at nine o'clock.
- Refused requests per client address (SILVER_REFUSAL_LIMIT_PER_ADDRESS, default 60/minute):
  every refusal is audited (one append to a chain that serialises its writers), so a client
  that keeps being refused is stopped before the audit becomes its amplifier.

A breach is the same 429 problem+json (`LOGIN_THROTTLED` for logins) with `Retry-After` as the
lockout's, so neither says whether a username exists. Counters live in Redis (moving window);
while Redis is unreachable each process limits in memory and logs it, and retries Redis.

The client address is the TCP peer, or with SILVER_PROXY_HOPS set the address that many
trusted proxies in front of Silver report (`X-Forwarded-For`, see wsgi.py).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_limiter import ApplicationLimit, Limiter, RequestLimit

from silver.domain.users import LOGIN_THROTTLED
from silver.infra.config import Settings

# A password change checks the current password as a login does: the same budget.
LOGIN_ENDPOINTS = frozenset(
    {"auth.issue_token", "web.login", "auth.change_password", "web.password"}
)
REFUSALS_THROTTLED = "Too many refused requests from this address. Try again later."
# Flask-Limiter skips a limit whose key is empty (a login without a username: 422 anyway).
NO_KEY = ""


def client_address() -> str:
    return request.remote_addr or "unknown"


def login_username() -> str:
    """The username a login names (a hash of it: the limiter's keys hold no usernames)."""
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    if not isinstance(name, str) or not name.strip():
        return NO_KEY
    return hashlib.sha256(name.strip().casefold().encode()).hexdigest()


def _not_a_login() -> bool:
    return request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS


def _login_failed(response: Response) -> bool:
    return response.status_code in (401, 429)


def _refused(response: Response) -> bool:
    return bool(g.get("silver_refused"))


def _breached(limit: RequestLimit) -> None:
    g.silver_retry_after = max(1, math.ceil(limit.reset_at - time.time()))


def retry_after() -> int:
    """Seconds until the limit that was just breached lets the client in again."""
    seconds: int = g.get("silver_retry_after", 60)
    return seconds


def _storage_uri(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url


def init_limits(app: Flask, settings: Settings) -> Limiter:
    def login_limit(rate: str, key: str, key_function: Callable[[], str]) -> ApplicationLimit:
        return ApplicationLimit(
            rate,
            key_function=key_function,
            scope=key,
            exempt_when=_not_a_login,
            deduct_when=_login_failed,
            on_breach=_breached,
            error_message=LOGIN_THROTTLED,
        )

    limiter = Limiter(
        key_func=client_address,
        storage_uri=_storage_uri(settings.redis_url),
        storage_options={"socket_timeout": 1, "socket_connect_timeout": 1},
        strategy="moving-window",
        key_prefix="silver-limits",
        headers_enabled=False,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        application_limits=[
            login_limit(settings.login_limit_per_address, "login-address", client_address),
            login_limit(settings.login_limit_per_username, "login-username", login_username),
            ApplicationLimit(
                settings.refusal_limit_per_address,
                key_function=client_address,
                scope="refused",
                deduct_when=_refused,
                on_breach=_breached,
                error_message=REFUSALS_THROTTLED,
            ),
        ],
    )
    limiter.init_app(app)
    # Health checks come from a load balancer, often all from one address; so do scrapes.
    for endpoint in ("health.healthz", "health.livez", "health.readyz", "metrics"):
        view = app.view_functions.get(endpoint)
        if view is not None:
            limiter.exempt(view)
    return limiter
