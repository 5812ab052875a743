"""Bearer-token authentication and the role guard for every /api/v1 endpoint.

`guard` runs before every request of the API, before its body is read or validated: every
`/api/v1` endpoint needs a valid token (401 otherwise) unless it is marked `public` (the token
endpoint, the password change, the OpenAPI document and the JWK set); an endpoint marked with
`requires(roles)` also refuses any other role (403) before parsing. So a caller without a token
learns nothing of a schema, and a new endpoint is closed unless it says otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from api.extensions import services
from api.refusals import record_refusal
from silver.domain.errors import Unauthenticated
from silver.domain.users import Role, User
from silver.services import auth

F = TypeVar("F", bound=Callable[..., Any])
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
API_PREFIX = "/api/v1"
# flask-smorest's own endpoints (the OpenAPI document) are public.
PUBLIC_BLUEPRINTS = frozenset({"api-docs"})
_PUBLIC = "silver_public"
_ROLES = "silver_roles"


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send 'Authorization: Bearer <token>' (POST /api/v1/auth/token)")
    return token.strip()


def current_user() -> User:
    user: User | None = g.get("silver_user")
    if user is None:
        token = bearer_token()
        try:
            user = services().users.authenticate(token)
        except Unauthenticated as exc:
            record_refusal(401, exc.detail)  # a token was sent, and it is not valid
            raise
        g.silver_user = user
    return user


def requires(*roles: Role) -> Callable[[F], F]:
    """Authenticate the caller and require one of `roles` (all roles when none are given).
    `guard` checks the same before the body is parsed (the mark travels outwards with
    functools.wraps through flask-smorest's decorators)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if roles:
                auth.require_role(user, *roles)
            return view(*args, **kwargs)

        setattr(wrapper, _ROLES, roles)
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """An /api/v1 endpoint that needs no token (put it innermost, under flask-smorest's)."""
    setattr(view, _PUBLIC, True)
    return view


def _view() -> Callable[..., Any] | None:
    """The function that will answer this request (a MethodView's method for its verb)."""
    if request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method = "get" if request.method == "HEAD" else request.method.lower()
        found: Callable[..., Any] | None = getattr(view_class, method, None)
        return found
    return view


def is_public() -> bool:
    """Whether this request's endpoint needs no token."""
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return True
    return bool(getattr(_view(), _PUBLIC, False))


def guard() -> None:
    """Before any /api/v1 request is parsed: authenticate it, and check the role its endpoint
    requires (401 and 403 come before 415, 400 and 422)."""
    if not (request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")):
        return
    if request.routing_exception is not None or is_public():
        # A path or method that does not exist is its 404 or 405: nothing will be parsed.
        return
    user = current_user()
    roles: tuple[Role, ...] = getattr(_view(), _ROLES, ())
    if roles:
        auth.require_role(user, *roles)
