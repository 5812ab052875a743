"""Trying a transaction again when the database gave up on it for lock contention.

Concurrent writers meet on shared nodes (the case-number counter, the audit chain's head, the
countries and identifiers of a projection); the database resolves a deadlock by failing one of
the transactions, which then stored nothing. A service whose `with uow:` block depends only on
its arguments and what it reads is safe to run again: `on_contention` does, a few times, before
the error reaches the caller (a 503 in the API).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from silver.domain.errors import Contention

T = TypeVar("T")
ATTEMPTS = 4
log = logging.getLogger(__name__)


def on_contention(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """`work()`, run again (after a short random pause) while it fails with Contention."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Contention:
            if attempt == attempts:
                raise
            log.info("transaction gave up on contention; attempt %d of %d", attempt + 1, attempts)
            time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311  # jitter, not a secret
    raise AssertionError("unreachable")
