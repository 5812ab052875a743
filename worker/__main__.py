"""The rq worker process: `python -m worker` (started by `make run`).

Listens on the `SILVER_QUEUE` queue (default `silver`) with the scheduler enabled, so retries
with back-off and scheduled jobs run. On start it re-enqueues every dissemination still queued
(a worker killed mid-send leaves one behind) and schedules the overdue check. Each job builds
Silver's dependencies inside the work horse (see worker/jobs.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rq import Worker

from silver.bootstrap import bootstrap
from silver.infra import queue
from worker.jobs import resume

log = logging.getLogger("silver.worker")


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    silver = bootstrap()
    resumed = resume(silver)
    log.info("re-enqueued %d queued disseminations", resumed)
    queue.schedule_overdue(silver.redis, silver.settings, timedelta(seconds=0))
    # The parent's driver is not used across the fork: each work horse bootstraps its own.
    silver.driver.close()
    worker = Worker(
        [queue.queue_for(silver.redis, silver.settings)],
        connection=silver.redis,
        serializer=queue.SERIALIZER,
    )
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
