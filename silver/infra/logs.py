"""Structured logs: one JSON object per line, on standard error, from every process.

structlog renders both its own events and the standard library's records (Neo4j's driver, rq,
gunicorn's app errors and our `logging.getLogger(__name__)` calls alike), so a log shipper gets
one format. Whatever is bound with `structlog.contextvars` is added to each line of the same
request or job: the web process binds `request_id` (api/observability.py), the worker `job_id`
(worker/__main__.py), so every line of one request or job can be found by one id.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

_MARK = "_silver_json_handler"


def _shared() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every log record, as JSON, to `stream` (default: standard error). Idempotent: a
    second call replaces the handler of the first (tests point it at a buffer and back)."""
    shared = _shared()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def get_logger(name: str) -> Any:
    """A structlog logger: `log.info("event", key=value, ...)`."""
    return structlog.get_logger(name)


def bind(**values: Any) -> None:
    """Add `values` to every line logged from here on in this request or job."""
    structlog.contextvars.bind_contextvars(**values)


def clear() -> None:
    """Forget what `bind` added (at the end of a request or job)."""
    structlog.contextvars.clear_contextvars()
