"""The rq worker process: `python -m silver.worker` (started by `make run`).

Listens on the `silver` queue with the scheduler enabled, so retries with back-off and
scheduled jobs run. Jobs make their own Neo4j driver inside the work horse (see silver/jobs.py).
"""

from __future__ import annotations

import redis
from rq import Queue, Worker

from silver.config import load_settings

QUEUE_NAME = "silver"


def main() -> None:
    settings = load_settings()
    connection = redis.Redis.from_url(settings.redis_url)
    worker = Worker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
