"""The admin's pages: users (create, change role, agency or activity, reset a password), and the
countries' risk profiles (screeners review them too)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request, url_for

from api.countries.schemas import ProfileFieldsSchema
from api.extensions import services
from silver.domain.countries import (
    CAPITAL_OFFENCES,
    DEATH_PENALTY_STATUSES,
    FATF_STATUSES,
    FREEDOM_HOUSE_STATUSES,
)
from silver.domain.users import Agency, Role
from web import forms
from web.blueprint import bp
from web.i18n import translate as _
from web.pages import Problem, attempt, load
from web.session import requires, user

_profile_schema = ProfileFieldsSchema()


def _users_page(values: dict[str, str] | None = None, problem: Problem | None = None) -> str:
    return render_template(
        "web/admin/users.html",
        users=services().users.all(user()),
        roles=[r.value for r in Role],
        agencies=[a.value for a in Agency],
        values=values or {"role": "caseworker"},
        problem=problem,
        errors=problem.errors if problem else {},
    )


@bp.get("/admin/users")
@requires(Role.ADMIN)
def users() -> Any:
    return _users_page()


@bp.post("/admin/users")
@requires(Role.ADMIN)
def create_user() -> Any:
    values = {k: request.form.get(k, "").strip() for k in ("username", "role", "agency")}
    created = attempt(
        lambda: services().users.create(
            values["username"],
            values["role"],
            values["agency"] or None,
            request.form.get("password", ""),
            actor=user().username,
        )
    )
    if isinstance(created, Problem):
        return _users_page(values, created), created.status
    flash(_("User {username} was created.", username=created.username), "success")
    return redirect(url_for("web.users"), 303)


def _user_page(
    username: str, values: dict[str, Any] | None = None, problem: Problem | None = None
) -> str:
    found = services().users.get(user(), username)
    return render_template(
        "web/admin/user.html",
        person=found,
        roles=[r.value for r in Role],
        agencies=[a.value for a in Agency],
        values=values
        or {
            "role": found.role.value,
            "agency": found.agency.value if found.agency else "",
            "active": found.active,
        },
        version=request.form.get("version") if problem else found.version,
        problem=problem,
        errors=problem.errors if problem else {},
    )


@bp.get("/admin/users/<username>")
@requires(Role.ADMIN)
def person(username: str) -> Any:
    return _user_page(username)


@bp.post("/admin/users/<username>")
@requires(Role.ADMIN)
def update_person(username: str) -> Any:
    values = {
        "role": request.form.get("role", "").strip(),
        "agency": request.form.get("agency", "").strip(),
        "active": request.form.get("active") == "on",
    }
    changes: dict[str, Any] = {"role": values["role"], "active": values["active"]}
    if values["role"] == Role.CASEWORKER.value or values["agency"]:
        changes["agency"] = values["agency"] or None
    updated = attempt(
        lambda: services().users.update(
            user(), username, changes, forms.int_or_none(request.form.get("version"))
        )
    )
    if isinstance(updated, Problem):
        return _user_page(username, values, updated), updated.status
    flash(_("User {username} was saved.", username=updated.username), "success")
    return redirect(url_for("web.person", username=updated.username), 303)


@bp.post("/admin/users/<username>/password-reset")
@requires(Role.ADMIN)
def reset_password(username: str) -> Any:
    """The one-time password is shown on this answer only (never stored, never cached)."""
    reset = services().users.reset_password(user(), username)
    response: Response = make_response(
        render_template("web/admin/password_reset.html", reset=reset)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/countries")
@requires(Role.ADMIN, Role.SCREENER)
def countries() -> Any:
    participant = {"yes": True, "no": False}.get(request.args.get("participant", ""))
    rows = services().countries.all(participant)
    return render_template(
        "web/admin/countries.html", countries=rows, participant=request.args.get("participant", "")
    )


def _country_page(
    code: str, values: dict[str, Any] | None = None, problem: Problem | None = None
) -> str:
    country = services().countries.get(code)
    return render_template(
        "web/admin/country.html",
        country=country,
        values={"participant": country["participant"], **(values or country["profile"])},
        version=request.form.get("version") if problem else country["version"],
        history=services().countries.history(code),
        choices={
            "death_penalty_status": DEATH_PENALTY_STATUSES,
            "freedom_house_status": FREEDOM_HOUSE_STATUSES,
            "fatf_status": FATF_STATUSES,
            "capital_offences": CAPITAL_OFFENCES,
        },
        problem=problem,
        errors=forms.without_indexes(problem.errors) if problem else {},
    )


@bp.get("/admin/countries/<code>")
@requires(Role.ADMIN, Role.SCREENER)
def country(code: str) -> Any:
    return _country_page(code)


def _update(code: str, changes: dict[str, Any]) -> dict[str, Any]:
    return services().countries.update(
        code,
        load(_profile_schema, changes),
        forms.int_or_none(request.form.get("version")),
        user(),
    )


@bp.post("/admin/countries/<code>")
@requires(Role.ADMIN, Role.SCREENER)
def update_country(code: str) -> Any:
    changes = forms.profile_changes(request.form, user().role is Role.ADMIN)
    updated = attempt(lambda: _update(code, changes))
    if isinstance(updated, Problem):
        return _country_page(code, changes, updated), updated.status
    flash(_("The profile of {code} was saved.", code=updated["code"]), "success")
    return redirect(url_for("web.country", code=updated["code"]), 303)
