"""Optimistic locking: an edit names the version it was based on, and loses to a newer one.

Cases and country profiles are edited by several people; each edit carries the version its
author read (the ETag, sent back in If-Match), so nothing anyone saved is silently overwritten.
"""

from __future__ import annotations

from silver.domain.errors import PreconditionFailed, PreconditionRequired


def check_version(what: str, stored: int, expected: int | None, *, required: bool = True) -> None:
    """Refuse an edit of `what` (e.g. "the case") based on another version than `stored`.
    Without a version: refused when `required`, else allowed (a decision may pin the case
    version, but need not)."""
    if expected is None:
        if required:
            raise PreconditionRequired(
                f"send the ETag you read in If-Match, so that no one else's edit of {what} "
                "is overwritten"
            )
        return
    if stored != expected:
        raise PreconditionFailed(
            f"{what} was changed by someone else (version {stored}, you sent {expected}): "
            "read it again and re-apply your change"
        )
