"""The rq worker process: `python -m worker` (started by `make run`).

Listens on the `SILVER_QUEUE` queue (default `silver`) with the scheduler enabled, so retries
with back-off and scheduled jobs run. On start it re-enqueues every dissemination still queued
(a worker killed mid-send leaves one behind) and schedules the overdue check. Each job builds
Silver's dependencies inside the work horse (see worker/jobs.py).

Logs are JSON lines (silver/infra/logs.py), rq's own included; every line logged while a job
runs carries its `job_id` and `job` (the function), in the worker and in the work horse it forks.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from rq import Queue, Worker
from rq.job import Job

from silver.bootstrap import bootstrap
from silver.infra import logs, queue
from worker.jobs import resume

log = logging.getLogger("silver.worker")


class JobLogContext:
    """Binds the job's id to every log line while the job runs (mixed into an rq worker)."""

    def execute_job(self, job: Job, queue: Queue) -> Any:
        logs.bind(job_id=job.id, job=job.func_name)
        try:
            return super().execute_job(job, queue)  # type: ignore[misc]
        finally:
            logs.clear()


class SilverWorker(JobLogContext, Worker):
    """rq's forking worker, with the job id in its log lines."""


def main() -> None:
    logs.configure_logging()
    silver = bootstrap()
    resumed = resume(silver)
    log.info("re-enqueued %d queued disseminations", resumed)
    queue.schedule_overdue(silver.redis, silver.settings, timedelta(seconds=0))
    # The parent's driver is not used across the fork: each work horse bootstraps its own.
    silver.driver.close()
    worker = SilverWorker(
        [queue.queue_for(silver.redis, silver.settings)],
        connection=silver.redis,
        serializer=queue.SERIALIZER,
    )
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
