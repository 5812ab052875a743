"""Gunicorn settings of `make run` (ops/services.sh passes the bind address, workers and logs).

The worker processes count requests for Prometheus in files under PROMETHEUS_MULTIPROC_DIR
(set and emptied by ops/services.sh before gunicorn starts), so /metrics adds up every worker's
counts. When a worker exits, its live gauges are dropped; its counters stay in the sum.
"""

from __future__ import annotations

import os
from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# Threads per worker (gunicorn's gthread worker when more than one): WEB_THREADS, else the
# figure chosen from bench/load.py's measurements (bench/README.md, "Reads and load").
threads = int(os.environ.get("WEB_THREADS", "4"))
