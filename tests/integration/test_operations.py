"""What operators rely on, against the real services: request ids in logs, problem bodies and
headers; JSON logs of the web process and the worker; Prometheus metrics (added up over
gunicorn's workers); liveness and readiness."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker

from silver.bootstrap import Silver as Services
from silver.infra import queue
from silver.infra.logs import configure_logging
from tests.integration import test_dissemination
from tests.integration.conftest import TEST_ENV, Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient
from tests.support.cases import case_body
from worker.__main__ import JobLogContext
from wsgi import create_app

ROOT = Path(__file__).resolve().parents[2]
transport = test_dissemination.transport
REMOTE = {"REMOTE_ADDR": "192.0.2.10"}  # TEST-NET-1: never a real client


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line of the block, as the JSON the processes write."""
    buffer = io.StringIO()
    configure_logging(stream=buffer)
    try:
        yield buffer
    finally:
        configure_logging()


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@contextmanager
def _app_with(**env: str) -> Iterator[Flask]:
    app = create_app({**os.environ, **TEST_ENV, **env})
    try:
        yield app
    finally:
        app.extensions["silver"].close()


# --- Request ids and logs ----------------------------------------------------------------------


def test_a_sane_request_id_is_kept_and_echoed_and_in_every_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"X-Request-Id": "gw-4711.a:b_c"})
    assert response.status_code == 404
    assert response.headers["X-Request-Id"] == "gw-4711.a:b_c"
    assert response.json is not None and response.json["request_id"] == "gw-4711.a:b_c"
    refused = client.get("/api/v1/cases")
    assert refused.status_code == 401
    assert refused.json is not None
    assert refused.json["request_id"] == refused.headers["X-Request-Id"]


@pytest.mark.parametrize("sent", ["", "has space", "x" * 129, "semi;colon", "ünïcode"])
def test_an_insane_request_id_is_replaced(client: FlaskClient, sent: str) -> None:
    response = client.get("/livez", headers={"X-Request-Id": sent})
    made = response.headers["X-Request-Id"]
    assert made != sent and re.fullmatch(r"[0-9a-f]{32}", made)


def test_every_log_line_of_a_request_carries_its_id() -> None:
    with _app_with() as app:

        @app.get("/boom")
        def boom() -> str:
            raise RuntimeError("internal detail")

        with captured_logs() as buffer:
            response = app.test_client().get("/boom", headers={"X-Request-Id": "req-boom-1"})
    assert response.status_code == 500
    assert response.json is not None and response.json["request_id"] == "req-boom-1"
    logged = [line for line in lines(buffer) if line.get("request_id") == "req-boom-1"]
    events = {line["event"] for line in logged}
    assert "unhandled error" in events and "request" in events
    failure = next(line for line in logged if line["event"] == "unhandled error")
    assert failure["level"] == "error" and "RuntimeError: internal detail" in failure["exception"]
    request = next(line for line in logged if line["event"] == "request")
    assert request["endpoint"] == "/boom" and request["status"] == 500
    assert request["method"] == "GET" and request["duration_ms"] >= 0
    assert all("timestamp" in line and "logger" in line for line in logged)
    # Nothing of a request is left bound for the next one.
    with captured_logs() as after:
        app.test_client().get("/livez")
    assert all(line.get("request_id") != "req-boom-1" for line in lines(after))


def test_the_worker_logs_json_with_the_job_id(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, cw, _ = approved_case(client, login, countries=["ES"])

    class Worker(JobLogContext, SimpleWorker):
        pass

    with captured_logs() as buffer:
        jobs_queue = queue.queue_for(svc.redis, svc.settings)
        Worker([jobs_queue], connection=svc.redis, serializer=queue.SERIALIZER).work(burst=True)
    notice_lines = [
        line
        for line in lines(buffer)
        if line["event"].startswith("notice ") and "sent" in line["event"]
    ]
    assert notice_lines
    assert all(line["job_id"].startswith("silver-notice-") for line in notice_lines)
    assert all(line["job"] == "worker.jobs.send_notice" for line in notice_lines)
    assert rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "sent"


# --- Liveness and readiness --------------------------------------------------------------------


def test_livez_and_readyz(client: FlaskClient) -> None:
    live = client.get("/livez")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "neo4j": "ok", "redis": "ok", "graph": "ok"}


def test_readyz_names_what_is_down_and_livez_does_not_care(svc: Services) -> None:
    with _app_with(REDIS_URL="redis://127.0.0.1:1/0") as app:
        ready = app.test_client().get("/readyz")
        live = app.test_client().get("/livez")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "neo4j": "ok", "redis": "down", "graph": "ok"}
    assert live.status_code == 200
    with _app_with(
        NEO4J_URI="bolt://127.0.0.1:1",
        NEO4J_PASSWORD="irrelevant",
        REDIS_URL=svc.settings.redis_url,
    ) as app:
        ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json is not None
    assert ready.json["neo4j"] == "down" and ready.json["graph"] == "unknown"


# --- Metrics -----------------------------------------------------------------------------------


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the exposition, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_by_url_rule_and_read_the_queue_and_overdue_answers(
    client: FlaskClient, login: Login
) -> None:
    headers = login("caseworker", "FIOD")
    case = client.post("/api/v1/cases", json=case_body(), headers=headers).json
    assert case is not None
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.content_type.startswith("text/plain")
    rule = "/api/v1/cases/<string:case_id>"
    counted = _sample(before.text, "silver_http_requests_total", endpoint=rule, status="200") or 0
    assert client.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == 200
    text = client.get("/metrics").text
    assert (
        _sample(text, "silver_http_requests_total", endpoint=rule, method="GET", status="200")
        == counted + 1
    )
    assert case["id"] not in text
    assert _sample(text, "silver_http_request_duration_seconds_count", endpoint=rule) is not None
    assert 'le="0.1"' in text
    assert _sample(text, "silver_queue_jobs", state="queued") is not None
    assert _sample(text, "silver_queue_jobs", state="failed") is not None
    assert _sample(text, "silver_overdue_answers") is not None
    assert _sample(text, "silver_dependency_up", dependency="neo4j") == 1
    assert _sample(text, "silver_dependency_up", dependency="redis") == 1
    client.get("/no/such/path/123")
    assert (
        _sample(client.get("/metrics").text, "silver_http_requests_total", endpoint="unmatched")
        is not None
    )


def test_metrics_are_for_loopback_or_an_admin_token_and_404_for_anyone_else(
    client: FlaskClient, login: Login, svc: Services
) -> None:
    assert client.get("/metrics", environ_base=REMOTE).status_code == 404
    # Through a proxy on the same host: the request is not the proxy's own.
    assert client.get("/metrics", headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 404
    caseworker = login("caseworker", "OM")
    assert client.get("/metrics", headers=caseworker, environ_base=REMOTE).status_code == 404
    admin = login("admin")
    allowed = client.get("/metrics", headers=admin, environ_base=REMOTE)
    assert allowed.status_code == 200 and "silver_http_requests_total" in allowed.text
    token = "m" * 40
    with _app_with(SILVER_METRICS_TOKEN=token) as app:
        scraper = app.test_client()
        ok = scraper.get(
            "/metrics", headers={"Authorization": f"Bearer {token}"}, environ_base=REMOTE
        )
        wrong = scraper.get(
            "/metrics", headers={"Authorization": "Bearer " + "n" * 40}, environ_base=REMOTE
        )
    assert ok.status_code == 200 and wrong.status_code == 404


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, timeout: float = 5.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return str(response.read().decode())


def test_gunicorns_workers_are_added_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """Requests served by different worker processes are added up, whichever worker answers
    /metrics, and a worker that dies keeps its counts in the sum. The worker that served the
    first requests is killed, so the later ones are surely served by another process."""
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {**os.environ, **TEST_ENV, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "ops" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "wsgi:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def served_pids() -> set[int]:
        return {int(re.sub(r"\D", "", p.stem)) for p in metrics_dir.glob("counter_*.db")}

    def wait_until_up() -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/livez", timeout=1)
                return
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.2)

    try:
        wait_until_up()
        for _ in range(19):
            _get(f"{base}/livez")
        first = served_pids()
        assert first, "no worker counted its requests in PROMETHEUS_MULTIPROC_DIR"
        for pid in first:
            os.kill(pid, signal.SIGKILL)  # a worker of the gunicorn this test started
        time.sleep(0.5)
        wait_until_up()
        for _ in range(19):
            _get(f"{base}/livez")
        assert served_pids() - first, "no other worker served the later requests"
        for _ in range(4):
            text = _get(f"{base}/metrics")
            served = _sample(text, "silver_http_requests_total", endpoint="/livez", status="200")
            # The killed worker's requests (its first answer may have been lost) and the rest.
            assert served is not None and served >= 39
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
