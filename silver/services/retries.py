"""Running a service call again when the graph database had a passing fault.

A unit of work that fails with a retryable `StorageUnavailable` (a deadlock, a lock timeout,
a connection the database dropped when it restarted: see graph/uow.py) committed nothing, so
the whole call may run again, with a fresh unit of work, as long as no earlier unit of work of
the same call committed (a call that committed something is not idempotent as a whole). After
a few tries, or when the commit itself was cut off, the `StorageUnavailable` goes to the
caller: a 503 in the API, the error page on the web, rq's retry in a job.

The facade (silver/services/facade.py) wraps every service call with `retrying`; a call made
from inside another is left to the outer one.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from silver.domain.errors import StorageUnavailable
from silver.domain.uow import commits

F = TypeVar("F", bound=Callable[..., Any])
# Pauses before each new try, in seconds: 1.75 s at most, then the caller gets its 503.
DELAYS = (0.05, 0.2, 0.5, 1.0)
log = logging.getLogger(__name__)


def retrying(call: F, delays: tuple[float, ...] = DELAYS) -> F:
    """`call`, run again after a retryable StorageUnavailable while nothing was committed."""

    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if commits.get() is not None:
            return call(*args, **kwargs)  # inside another call: that one retries
        for attempt, delay in enumerate((*delays, None), start=1):
            counted = [0]
            token = commits.set(counted)
            try:
                return call(*args, **kwargs)
            except StorageUnavailable as exc:
                if delay is None or not exc.retryable or counted[0]:
                    raise
                log.warning(
                    "%s: the graph database failed (%s); try %d in %.2f s",
                    call.__qualname__,
                    exc.__cause__ or exc,
                    attempt + 1,
                    delay,
                )
                time.sleep(delay)
            finally:
                commits.reset(token)
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


def retrying_methods(cls: type) -> type:
    """Class decorator: every public method of a facade area is `retrying`."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and callable(member) and not isinstance(member, type):
            setattr(cls, name, retrying(member))
    return cls
