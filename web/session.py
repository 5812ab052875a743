"""Who is logged in: the session holds the user's API token, checked on every request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from api.extensions import services
from api.limits import client_address
from silver.domain.errors import Forbidden, Unauthenticated
from silver.domain.users import Role, User
from web.security import renew_session

F = TypeVar("F", bound=Callable[..., Any])
_TOKEN_KEY = "token"  # noqa: S105 - the session key, not a secret

LANDING: dict[Role, str] = {
    Role.CASEWORKER: "web.cases",
    Role.SCREENER: "web.queue",
    Role.EVALUATOR: "web.report",
    Role.ADMIN: "web.users",
    Role.PRIVACY_OFFICER: "web.privacy",
}


def current_user() -> User | None:
    if "web_user" not in g:
        token = session.get(_TOKEN_KEY)
        user = None
        if isinstance(token, str) and token:
            try:
                user = services().users.authenticate(token)
            except Unauthenticated:
                session.pop(_TOKEN_KEY, None)
        g.web_user = user
    user_: User | None = g.web_user
    return user_


def user() -> User:
    """The logged-in user of a view behind `requires`."""
    found = current_user()
    if found is None:
        raise Unauthenticated("log in first")
    return found


def log_in(username: str, password: str) -> User:
    users = services().users
    issued = users.issue_token(username, password, client_address())
    renew_session()
    session[_TOKEN_KEY] = issued.access_token
    g.pop("web_user", None)
    return users.authenticate(issued.access_token)


def change_password(username: str, current: str, new: str) -> User:
    """Change the password (checking the current one) and go on in a new session with the
    fresh token: every earlier session of the user, this one included, has ended."""
    users = services().users
    issued = users.change_password(username, current, new, client_address())
    renew_session()
    session[_TOKEN_KEY] = issued.access_token
    g.pop("web_user", None)
    return users.authenticate(issued.access_token)


def log_out() -> None:
    """Revoke the token (the API no longer accepts it either) and end the session."""
    found, token = current_user(), session.get(_TOKEN_KEY)
    if found is not None and isinstance(token, str):
        services().users.revoke(token, found)
    renew_session()
    g.web_user = None


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after login, never another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def requires(*roles: Role) -> Callable[[F], F]:
    """Log in first (redirect to the login page), then one of `roles` (403 otherwise)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found = current_user()
            if found is None:
                path = request.full_path if request.method == "GET" else None
                return redirect(url_for("web.login", next=safe_next(path and path.rstrip("?"))))
            if roles and found.role not in roles:
                raise Forbidden("this page is for the role " + " or ".join(r.value for r in roles))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
