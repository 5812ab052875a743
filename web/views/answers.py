"""The answers to chase: what the recipients of a caseworker's agency's cases (a screener: all
cases) have not answered yet and is overdue or due soon, by country and by case."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from api.extensions import services
from silver.domain.users import Role
from web import forms
from web.blueprint import bp
from web.session import requires, user


@bp.get("/answers")
@requires(Role.CASEWORKER, Role.SCREENER)
def answers() -> Any:
    days = forms.int_or_none(request.args.get("within_days"))
    due = services().disseminations.due(user(), days if days is not None and days >= 0 else None)
    return render_template("web/answers.html", due=due)
