"""Refused requests go to the audit trail: a 403, a 404 from an access check, a 401 for a token
that is not (or no longer) valid. One append each, with who (the user, or `anonymous`), what
(method and path), the answer and the client's address; the refusal limit (api/limits.py)
bounds how many one address can cause. A request without any token is not audited: it learns
nothing, and costs nothing to turn away.
"""

from __future__ import annotations

import logging

from flask import g, request

from api.extensions import services
from api.limits import client_address
from silver.domain.users import User

log = logging.getLogger(__name__)


def record_refusal(status: int, reason: str) -> None:
    """Audit this request's refusal (and count it against the client's refusal limit). Never
    raises: the refusal is answered whatever becomes of its record."""
    g.silver_refused = True
    user: User | None = g.get("silver_user") or g.get("web_user")
    view_args = request.view_args or {}
    case_id = view_args.get("case_id")
    try:
        services().audit.refused(
            actor=user.username if user is not None else "anonymous",
            request=f"{request.method} {request.path}",
            status=status,
            reason=reason,
            client=client_address(),
            case_id=case_id if isinstance(case_id, str) else None,
        )
    except Exception:
        log.exception("could not audit a refused request (%s %s)", request.method, request.path)
