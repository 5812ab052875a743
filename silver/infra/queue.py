"""The rq queue: how work is handed to the worker.

Jobs are named by their dotted path (`worker.jobs.send_notice`), not imported, so the
application can enqueue without depending on the worker entrypoint; rq imports the function in
the worker. Job ids are deterministic, so enqueueing the same Notice twice while its job exists
is one job; delivery is idempotent anyway.

Every queue and worker uses rq's JSON serializer (`queue_for`, `SERIALIZER`), never pickle: a
job's arguments are plain ids, and a worker that unpickled jobs would run the code of anyone who
can write to Redis, in the process that holds every key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import redis
from rq import Queue, Retry
from rq.job import Job
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)
from rq.serializers import JSONSerializer

from silver.infra.config import Settings

SERIALIZER = JSONSerializer

SEND_NOTICE = "worker.jobs.send_notice"
MARK_OVERDUE = "worker.jobs.mark_overdue"
OVERDUE_JOB_ID = "silver-mark-overdue"
log = logging.getLogger(__name__)


def queue_for(connection: redis.Redis, settings: Settings) -> Queue:
    """The application's queue, JSON-serialised (workers must use `SERIALIZER` too)."""
    return Queue(settings.queue_name, connection=connection, serializer=SERIALIZER)


def notice_job_id(notice_id: str) -> str:
    return f"silver-notice-{notice_id}"


# A job in one of these states will run without help: enqueueing it again (with its
# deterministic id) would replace it and run it now, cutting a retry's back-off short.
WAITING = frozenset({b"queued", b"scheduled", b"deferred"})


def job_waiting(connection: redis.Redis, job_id: str) -> bool:
    """Whether the job exists and waits to run (queued, or scheduled for its back-off)."""
    status = connection.hget(Job.key_for(job_id), "status")
    return status in WAITING


def enqueue_notices(connection: redis.Redis, settings: Settings, notice_ids: list[str]) -> int:
    """One job per recipient, with a deterministic id and retries with back-off, all in one
    Redis pipeline (one round trip, not a few per job); a Notice whose job already waits is
    left to it. Returns how many jobs were enqueued."""
    if not notice_ids:
        return 0
    pipe = connection.pipeline(transaction=False)
    for notice_id in notice_ids:
        pipe.hget(Job.key_for(notice_job_id(notice_id)), "status")
    statuses = pipe.execute()
    todo = [n for n, status in zip(notice_ids, statuses, strict=True) if status not in WAITING]
    if not todo:
        return 0
    queue = queue_for(connection, settings)
    intervals = list(settings.retry_intervals)
    queue.enqueue_many(
        [
            Queue.prepare_data(
                SEND_NOTICE,
                args=(notice_id,),
                job_id=notice_job_id(notice_id),
                retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
                timeout=max(60, int(settings.gateway_timeout_seconds * 3)),
                result_ttl=7 * 24 * 3600,
                failure_ttl=30 * 24 * 3600,
                description=f"disseminate notice {notice_id}",
            )
            for notice_id in todo
        ]
    )
    return len(todo)


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


def schedule_overdue(connection: redis.Redis, settings: Settings, delay: timedelta) -> None:
    queue_for(connection, settings).enqueue_in(
        delay, MARK_OVERDUE, job_id=OVERDUE_JOB_ID, result_ttl=3600
    )


def job_counts(connection: redis.Redis, settings: Settings) -> dict[str, int]:
    """How many jobs the queue holds in each state (for the metrics): queued, started,
    scheduled (retries waiting for their back-off, the overdue check), deferred, and failed
    (kept 30 days in rq's failed registry)."""
    queue = queue_for(connection, settings)
    return {
        "queued": queue.count,
        "started": StartedJobRegistry(queue=queue).count,
        "scheduled": ScheduledJobRegistry(queue=queue).count,  # type: ignore[no-untyped-call]
        "deferred": DeferredJobRegistry(queue=queue).count,
        "failed": FailedJobRegistry(queue=queue).count,
    }
