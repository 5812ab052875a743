"""The rq worker process: `python -m worker` (started by `make run`).

Listens on the `SILVER_QUEUE` queue (default `silver`) with the scheduler enabled, so retries
with back-off and scheduled jobs run. On start it re-enqueues every dissemination still queued
(a worker killed mid-send leaves one behind) and schedules the overdue check. Jobs make their
own Neo4j driver inside the work horse (see silver/jobs.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import redis
from rq import Queue, Worker

from silver.infra.config import load_settings
from worker.jobs import resume, schedule_overdue

log = logging.getLogger("worker.__main__")


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = load_settings()
    connection = redis.Redis.from_url(settings.redis_url)
    resumed = resume(connection, settings)
    log.info("re-enqueued %d queued disseminations", resumed)
    schedule_overdue(connection, settings, timedelta(seconds=0))
    queue = Queue(settings.queue_name, connection=connection)
    worker = Worker([queue], connection=connection)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
