"""What operators see of the web process: request ids, JSON request logs and Prometheus metrics.

Request id: taken from the caller's `X-Request-Id` when it is a sane token (1-128 characters of
letters, digits and `._:-`, so it cannot forge a log line or a header), else made; it is in
every log line of the request, in every problem+json body (`request_id`), on the error pages,
and echoed in the response's `X-Request-Id`.

Metrics (`GET /metrics`, Prometheus text format):

- `silver_http_requests_total{endpoint,method,status}` and
  `silver_http_request_duration_seconds{endpoint,method}` (a histogram): `endpoint` is the URL
  rule (`/api/v1/cases/<string:case_id>`), never the path with its ids, so the number of series
  stays bounded and no case id reaches the monitoring system; `unmatched` for a path no rule
  knows.
- Collected at scrape time, one cheap query each: `silver_queue_jobs{queue,state}` (the rq
  queue's depth: queued, started, scheduled, deferred, and the failed jobs kept 30 days),
  `silver_overdue_answers` (sent notices whose answer window has passed) and
  `silver_dependency_up{dependency}` (1 or 0 for neo4j and redis, as seen by these queries; a
  dependency that is down leaves its figures out instead of failing the scrape).

Gunicorn runs several worker processes, each counting its own requests. With
`PROMETHEUS_MULTIPROC_DIR` set (ops/services.sh sets it to var/metrics and empties it before
gunicorn starts), prometheus_client keeps each process's counters in files there and the scrape
adds them up, so whichever worker answers `/metrics` reports every worker's requests.

Who may scrape: a request from a loopback address that did not come through a proxy (no
`X-Forwarded-For` or `Forwarded` header), or one that sends `Authorization: Bearer` with an
admin's token or with `SILVER_METRICS_TOKEN` (a static token for a remote Prometheus, since
users' tokens expire). Anyone else gets 404, as if there were nothing there.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import redis
from flask import Flask, Response, abort, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.extensions import silver
from silver.bootstrap import Silver
from silver.domain.errors import Unauthenticated
from silver.domain.users import Role
from silver.infra import logs

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "silver_http_requests",
    "HTTP requests answered, by URL rule, method and status",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "silver_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL rule and method",
    ["endpoint", "method"],
)
log = logs.get_logger("silver.http")


def current_request_id() -> str | None:
    """The id of the request being answered (None outside a request)."""
    if not has_request_context():
        return None
    found: str | None = g.get("request_id")
    return found


def _incoming_request_id() -> str:
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    return sent if _SANE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def _endpoint() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def init_observability(app: Flask) -> None:
    """Request ids, request logs and metrics for every request of `app`; `GET /metrics`.
    Registered before anything else, so the id exists when the other hooks log or refuse."""

    @app.before_request
    def _start() -> None:
        logs.clear()
        g.request_id = _incoming_request_id()
        g.request_started = time.perf_counter()
        logs.bind(request_id=g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        elapsed = time.perf_counter() - started if started is not None else 0.0
        endpoint, method = _endpoint(), request.method
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        LATENCY.labels(endpoint, method).observe(elapsed)
        log.info(
            "request",
            method=method,
            endpoint=endpoint,
            status=response.status_code,
            duration_ms=round(elapsed * 1000, 1),
        )
        return response

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        logs.clear()

    app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])


# --- /metrics --------------------------------------------------------------------------------


def _loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _may_scrape(found: Silver) -> bool:
    proxied = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    if _loopback(request.remote_addr) and not proxied:
        return True
    token = _bearer()
    if token is None:
        return False
    static = found.settings.metrics_token
    if static and hmac.compare_digest(token.encode(), static.encode()):
        return True
    try:
        return found.services.users.authenticate(token).role is Role.ADMIN
    except Unauthenticated:
        return False


class ScrapeTimeCollector(Collector):
    """Figures read when Prometheus scrapes, not counted by the processes: the queue's depth,
    the failed jobs and the overdue answers."""

    def __init__(self, found: Silver) -> None:
        self._silver = found

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "silver_dependency_up",
            "1 when the dependency answered the scrape's query, else 0",
            labels=["dependency"],
        )
        jobs = GaugeMetricFamily(
            "silver_queue_jobs",
            "Jobs of the rq queue by state (failed: kept 30 days in rq's failed registry)",
            labels=["queue", "state"],
        )
        try:
            for state, count in self._silver.queue_stats().items():
                jobs.add_metric([self._silver.settings.queue_name, state], count)
            up.add_metric(["redis"], 1)
        except redis.RedisError:
            up.add_metric(["redis"], 0)
        yield jobs
        overdue = GaugeMetricFamily(
            "silver_overdue_answers",
            "Disseminated notices whose answer window has passed without an answer",
        )
        try:
            overdue.add_metric([], self._silver.services.disseminations.count_overdue())
            up.add_metric(["neo4j"], 1)
        except Exception:  # any driver failure: the scrape goes on without this figure
            log.warning("metrics: the overdue answers could not be counted", exc_info=True)
            up.add_metric(["neo4j"], 0)
        yield overdue
        yield up


def exposition(found: Silver) -> bytes:
    """Every metric in the Prometheus text format: the processes' (added up over gunicorn's
    workers in multiprocess mode) and the scrape-time figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(ScrapeTimeCollector(found))
    return generate_latest(counted) + generate_latest(scraped)


def _metrics() -> Any:
    found = silver()
    if not _may_scrape(found):
        abort(404)
    return Response(exposition(found), headers={"Content-Type": CONTENT_TYPE_LATEST})
