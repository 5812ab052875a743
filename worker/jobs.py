"""rq job entrypoints: top-level functions that take ids and call services.

A job runs in the worker's work horse (a forked child for rq's default Worker), so it builds
Silver's dependencies there (`silver.bootstrap`): a Neo4j driver cannot cross a fork. Each job
reads the settings from the environment afresh; the driver and the Redis connection are kept
per process and server, so a `SimpleWorker` (the tests) or a long-lived horse connects once.
The application enqueues these functions by name (`silver.infra.queue`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from silver.bootstrap import Silver, for_job
from silver.infra import queue

OVERDUE_EVERY = timedelta(minutes=15)
LOST_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)


def send_notice(notice_id: str) -> str:
    """Deliver one recipient's message (see silver/services/dissemination.py for the
    guarantees)."""
    result = for_job().services.disseminations.deliver(notice_id)
    log.info("notice %s: %s", notice_id, result)
    return result


def mark_overdue(reschedule: bool = True) -> int:
    """Housekeeping every 15 minutes: flag the recipients whose answer window has passed, and
    enqueue again any dissemination whose job was lost (idle for 10 minutes, and no job of its
    own waiting in rq: a retry waiting for its back-off is not sent early).

    The next run is scheduled first, so a run that fails (Neo4j down, a deadlock) does not
    end the housekeeping: it fails on its own, and the next one comes 15 minutes later."""
    silver = for_job()
    if reschedule:
        queue.schedule_overdue(silver.redis, silver.settings, OVERDUE_EVERY)
    disseminations = silver.services.disseminations
    count = disseminations.mark_overdue()
    lost = disseminations.queued(idle_for=LOST_AFTER)
    if lost:
        enqueued = queue.enqueue_notices(silver.redis, silver.settings, lost)
        if enqueued:
            log.warning("re-enqueued %d disseminations without a recent attempt", enqueued)
    return count


def resume(silver: Silver) -> int:
    """At worker start: enqueue again every Notice still queued (e.g. its worker was killed
    mid-send), but those whose job waits in rq (queued, or scheduled for its back-off).
    Delivery is idempotent, so a Notice whose job also runs elsewhere is harmless. Returns how
    many were enqueued."""
    ids = silver.services.disseminations.queued()
    return queue.enqueue_notices(silver.redis, silver.settings, ids)
