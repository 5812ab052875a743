"""Bearer-token authentication and the role guard for every /api/v1 endpoint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from api.extensions import services
from api.refusals import record_refusal
from silver.domain.errors import Unauthenticated
from silver.domain.users import Role, User
from silver.services import auth

F = TypeVar("F", bound=Callable[..., Any])
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


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
    """Authenticate the caller and require one of `roles` (all roles when none are given)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if roles:
                auth.require_role(user, *roles)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
