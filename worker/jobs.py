"""rq job entrypoints: top-level functions that take ids and call services.

A job runs in the worker's work horse (a forked child for rq's default Worker), so it makes its
own Neo4j driver there: a driver cannot cross a fork. The driver is kept per process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta

import neo4j
import redis
from rq import Queue, Retry

from graph.driver import make_driver
from graph.uow import Neo4jUnitOfWork
from silver.infra.config import Settings, load_settings
from silver.infra.keys import load_keys
from silver.infra.transport import make_transport
from silver.services import dissemination

OVERDUE_EVERY = timedelta(minutes=15)
OVERDUE_JOB_ID = "silver-mark-overdue"
LOST_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)

_drivers: dict[tuple[int, str], neo4j.Driver] = {}


def _driver(settings: Settings) -> neo4j.Driver:
    key = (os.getpid(), settings.neo4j_uri)
    if key not in _drivers:
        _drivers[key] = make_driver(settings)
    return _drivers[key]


def notice_job_id(notice_id: str) -> str:
    return f"silver-notice-{notice_id}"


def enqueue_after_commit(
    connection: redis.Redis, settings: Settings
) -> Callable[[list[str]], None]:
    """The hook an approval (or a retry) runs once committed. The Notices are already safe in
    the graph, so when Redis is unreachable the request still succeeds: the worker's start-up
    and its 15-minute housekeeping enqueue them again."""

    def enqueue(notice_ids: list[str]) -> None:
        try:
            enqueue_notices(connection, settings, notice_ids)
        except redis.RedisError:
            log.exception(
                "could not enqueue %d disseminations; housekeeping will pick them up",
                len(notice_ids),
            )

    return enqueue


def enqueue_notices(connection: redis.Redis, settings: Settings, notice_ids: list[str]) -> None:
    """One job per recipient, with a deterministic id and retries with back-off."""
    queue = Queue(settings.queue_name, connection=connection)
    intervals = list(settings.retry_intervals)
    for notice_id in notice_ids:
        queue.enqueue(
            send_notice,
            notice_id,
            job_id=notice_job_id(notice_id),
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=max(60, int(settings.gateway_timeout_seconds * 3)),
            result_ttl=7 * 24 * 3600,
            failure_ttl=30 * 24 * 3600,
            description=f"disseminate notice {notice_id}",
        )


def send_notice(notice_id: str) -> str:
    """Deliver one recipient's message (see silver/dissemination.py for the guarantees)."""
    settings = load_settings()
    driver = _driver(settings)
    delivery = dissemination.Delivery(
        settings,
        load_keys(settings),
        make_transport(
            settings.transport,
            settings.outbox_dir,
            settings.gateway_url,
            timeout=settings.gateway_timeout_seconds,
        ),
    )
    result = dissemination.deliver(
        notice_id, lambda: Neo4jUnitOfWork(driver, settings.neo4j_database), delivery
    )
    log.info("notice %s: %s", notice_id, result)
    return result


def mark_overdue(reschedule: bool = True) -> int:
    """Housekeeping every 15 minutes: flag the recipients whose answer window has passed, and
    enqueue again any dissemination whose job was lost (idle for 10 minutes)."""
    settings = load_settings()
    driver = _driver(settings)
    count = dissemination.mark_overdue(Neo4jUnitOfWork(driver, settings.neo4j_database))
    connection = redis.Redis.from_url(settings.redis_url)
    lost = dissemination.queued_notices(
        Neo4jUnitOfWork(driver, settings.neo4j_database), idle_for=LOST_AFTER
    )
    if lost:
        log.warning("re-enqueueing %d disseminations without a recent attempt", len(lost))
        enqueue_notices(connection, settings, lost)
    if reschedule:
        schedule_overdue(connection, settings, OVERDUE_EVERY)
    return count


def schedule_overdue(connection: redis.Redis, settings: Settings, delay: timedelta) -> None:
    Queue(settings.queue_name, connection=connection).enqueue_in(
        delay, mark_overdue, job_id=OVERDUE_JOB_ID, result_ttl=3600
    )


def resume(connection: redis.Redis, settings: Settings) -> int:
    """At worker start: enqueue again every Notice still queued (e.g. its worker was killed
    mid-send). Delivery is idempotent, so a Notice that also has a live job is harmless."""
    ids = dissemination.queued_notices(Neo4jUnitOfWork(_driver(settings), settings.neo4j_database))
    enqueue_notices(connection, settings, ids)
    return len(ids)
