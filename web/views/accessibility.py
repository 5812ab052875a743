"""The accessibility statement (toegankelijkheidsverklaring), for everyone, logged in or not."""

from __future__ import annotations

from typing import Any

from flask import render_template

from web.blueprint import bp

# The standard the pages are measured against, and when the statement was last checked.
STANDARD = "WCAG 2.1 AA (EN 301 549)"
CHECKED_ON = "2026-12-02"


@bp.get("/toegankelijkheid")
def accessibility() -> Any:
    return render_template("web/accessibility.html", standard=STANDARD, checked_on=CHECKED_ON)
