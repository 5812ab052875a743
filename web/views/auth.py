"""Login, logout, the language switch and the landing page of each role."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for

from web.blueprint import bp
from web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from web.i18n import translate as _
from web.pages import Problem, attempt
from web.security import cookie_secure
from web.session import LANDING, current_user, log_in, log_out, safe_next


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
    result = attempt(lambda: log_in(username, request.form.get("password", "")))
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
