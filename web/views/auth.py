"""Login, logout, changing one's password, the language switch and the landing page of each
role."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for

from silver.domain.errors import PasswordChangeRequired, Unauthenticated, ValidationFailed
from web.blueprint import bp
from web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from web.i18n import translate as _
from web.pages import Problem, attempt
from web.security import cookie_secure
from web.session import (
    LANDING,
    change_password,
    current_user,
    log_in,
    log_out,
    safe_next,
)


@bp.get("/")
def home() -> Any:
    user = current_user()
    if user is None:
        return redirect(url_for("web.login"))
    return redirect(url_for(LANDING[user.role]))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target or url_for("web.home"))
        return render_template("web/login.html", next=target, username="", problem=None)
    username = request.form.get("username", "").strip()

    def attempt_login() -> Any:
        try:
            return log_in(username, request.form.get("password", ""))
        except PasswordChangeRequired:
            return None

    result = attempt(attempt_login)
    if result is None:
        # The right one-time password: the user chooses their own before anything else.
        return _password_page(username, forced=True, next_=target)
    if isinstance(result, Problem):
        page = render_template("web/login.html", next=target, username=username, problem=result)
        retry = {"Retry-After": str(result.retry_after)} if result.retry_after else {}
        return page, result.status, retry
    return redirect(target or url_for(LANDING[result.role]), 303)


@bp.post("/logout")
def logout() -> Any:
    log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("web.login"), 303)


@bp.post("/language")
def language() -> Any:
    chosen = request.form.get("lang", "")
    response = make_response(
        redirect(safe_next(request.form.get("next")) or url_for("web.home"), 303)
    )
    if chosen in LANGUAGES:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=cookie_secure(),
        )
    return response


def _password_page(
    username: str,
    *,
    forced: bool,
    next_: str | None = None,
    problem: Problem | None = None,
) -> str:
    return render_template(
        "web/password.html",
        username=username,
        forced=forced,
        next=next_,
        problem=problem,
        errors=problem.errors if problem else {},
    )


def _check_repeat(new: str, repeated: str) -> None:
    if new != repeated:
        raise ValidationFailed({"new_password_repeat": [_("The two new passwords differ.")]})


@bp.route("/password", methods=["GET", "POST"])
def password() -> Any:
    """Change one's own password: logged in (the username is theirs), or right after logging in
    with a one-time password (the username comes with the form, and the current password
    proves it)."""
    me = current_user()
    if request.method == "GET":
        if me is None:
            return redirect(url_for("web.login", next=url_for("web.password")))
        return _password_page(me.username, forced=False)
    username = me.username if me is not None else request.form.get("username", "").strip()
    target = safe_next(request.form.get("next"))
    new = request.form.get("new_password", "")

    def change() -> Any:
        _check_repeat(new, request.form.get("new_password_repeat", ""))
        try:
            return change_password(username, request.form.get("current_password", ""), new)
        except Unauthenticated:
            # Shown next to the field, and a wrong password here must not end the session; a
            # 401 all the same, so the login limits count it as the failed login it is.
            wrong = _("This is not your current password.")
            return Problem(401, "Wrong password", wrong, {"current_password": [wrong]})

    result = attempt(change)
    if isinstance(result, Problem):
        page = _password_page(username, forced=me is None, next_=target, problem=result)
        return page, result.status
    flash(_("Your password was changed."), "success")
    return redirect(target or url_for(LANDING[result.role]), 303)
