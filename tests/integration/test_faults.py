"""Faults of the services the app depends on, against the real ones (this run's own Neo4j and
Redis on loopback, which these tests stop and start: `ops/services.sh` with the run's
environment; every test starts them again, whatever happens):

- Neo4j restarted under traffic: requests fail with 503 while it is down, never with 500; no
  acknowledged write is lost; the app is back on its own once Neo4j is;
- a transient error (a deadlock) runs the whole unit of work again;
- Redis restarted with jobs queued: none is lost (append-only file);
- the worker killed mid-delivery: exactly one message per recipient;
- the housekeeping survives a failed run, and a retry's back-off is not cut short.

The time limits below only stop a hung test; they measure nothing.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from silver.bootstrap import Silver as Services
from silver.domain.errors import StorageUnavailable
from silver.infra import queue
from silver.infra.config import PROJECT_ROOT
from silver.services.retries import retrying
from tests.integration.conftest import TEST_ENV, Login
from tests.integration.test_dissemination import (
    _start_worker,
    _wait_for,
    approved_case,
    rows_by_recipient,
    run_jobs,
)
from tests.support.cases import case_body
from tests.support.gateway import Gateway
from worker import jobs

SERVICES = str(PROJECT_ROOT / "ops" / "services.sh")


def services(action: str, name: str) -> None:
    # A busy machine can take minutes to start Neo4j: the limit only stops a hung start.
    env = {**os.environ, "SILVER_START_TIMEOUT": "600"}
    subprocess.run([SERVICES, action, name], check=True, cwd=PROJECT_ROOT, env=env, timeout=900)


@pytest.fixture
def restores() -> Iterator[Callable[[str], None]]:
    """stop(name) stops a service; it is started again after the test, whatever happened."""
    stopped: list[str] = []

    def stop(name: str) -> None:
        stopped.append(name)
        services("stop", name)

    yield stop
    for name in stopped:
        services("start", name)  # idempotent: "already running" when the test did it


class Traffic(threading.Thread):
    """Creates and reads cases through the API until stopped, recording every answer."""

    def __init__(self, app: Flask, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.headers = headers
        self.statuses: Counter[int] = Counter()
        self.created: list[str] = []  # cases whose creation was acknowledged (201)
        self.log: list[tuple[float, str, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self._record(
                "POST", self.client.post("/api/v1/cases", json=case_body(), headers=self.headers)
            )
            if self.created:
                case_id = self.created[-1]
                self._record(
                    "GET", self.client.get(f"/api/v1/cases/{case_id}", headers=self.headers)
                )
            self._record("LIST", self.client.get("/api/v1/cases?page_size=5", headers=self.headers))
            time.sleep(0.05)

    def _record(self, what: str, response: Any) -> None:
        self.statuses[response.status_code] += 1
        self.log.append((time.monotonic(), what, response.status_code))
        if response.status_code == 503:
            assert response.mimetype == "application/problem+json"
            assert response.json["title"] == "Storage unavailable", response.json
        if what == "POST" and response.status_code == 201:
            self.created.append(response.json["id"])

    def since(self, moment: float) -> Counter[int]:
        return Counter(status for at, _, status in self.log if at >= moment)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


def test_neo4j_restarted_under_traffic(
    app: Flask, client: FlaskClient, login: Login, restores: Callable[[str], None]
) -> None:
    cw = login("caseworker", "FIOD")
    traffic = Traffic(app, cw)
    traffic.start()
    try:
        _wait_for(lambda: len(traffic.created) >= 3, "traffic before the restart")
        restores("neo4j")
        down = time.monotonic()
        _wait_for(lambda: traffic.since(down)[503] >= 2, "requests refused while Neo4j is down")
        services("start", "neo4j")
        up = time.monotonic()
        _wait_for(lambda: traffic.since(up)[201] >= 3, "the app to be back on its own")
        back = min(at for at, what, status in traffic.log if at >= up and status == 201) - up
    finally:
        traffic.stop()
    assert traffic.statuses[500] == 0, traffic.statuses
    assert set(traffic.statuses) <= {200, 201, 503}, traffic.statuses
    after = [(round(at - up, 1), what, status) for at, what, status in traffic.log if at >= up - 5]
    assert back < 30, f"the first write after Neo4j was up took {back:.1f} s: {after[:40]}"
    # Every acknowledged write is there.
    for case_id in traffic.created:
        assert client.get(f"/api/v1/cases/{case_id}", headers=cw).status_code == 200


def test_a_deadlock_runs_the_whole_unit_of_work_again(svc: Services, unique: str) -> None:
    """Two transactions lock two nodes in opposite orders: Neo4j kills one of them
    (TransientError, DeadlockDetected); it is run again, and both end up committed."""
    ids = (f"fault-a-{unique}", f"fault-b-{unique}")
    with svc.uow() as uow:
        uow._tx.run("UNWIND $ids AS id CREATE (:FaultLock {id: id, n: 0})", ids=list(ids))  # type: ignore[attr-defined]
        uow.commit()
    both_locked_one = threading.Barrier(2, timeout=30)
    attempts: Counter[str] = Counter()

    def bump(first: str, second: str) -> None:
        attempts[first] += 1
        with svc.uow() as uow:
            tx = uow._tx  # type: ignore[attr-defined]
            tx.run("MATCH (n:FaultLock {id: $id}) SET n.n = n.n + 1", id=first).consume()
            if attempts[first] == 1:
                both_locked_one.wait()  # each holds one lock and now asks for the other
            tx.run("MATCH (n:FaultLock {id: $id}) SET n.n = n.n + 1", id=second).consume()
            uow.commit()

    errors: list[BaseException] = []

    def run(first: str, second: str) -> None:
        try:
            retrying(bump)(first, second)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in (ids, ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2], "the deadlock's victim ran once more"
    records, _, _ = svc.driver.execute_query(
        "MATCH (n:FaultLock) WHERE n.id IN $ids RETURN n.n AS n", ids=list(ids)
    )
    assert [r["n"] for r in records] == [2, 2], "both transactions committed, once each"


def test_a_retryable_failure_after_a_commit_is_not_run_again(svc: Services) -> None:
    """A call that committed a unit of work and then hits a transient fault is not idempotent
    as a whole: the fault goes to the caller (a 503), the call is not repeated."""
    calls = Counter[str]()

    def commits_then_fails() -> None:
        calls["run"] += 1
        with svc.uow() as uow:
            uow.commit()
        raise StorageUnavailable("lost the connection", retryable=True)

    with pytest.raises(StorageUnavailable):
        retrying(commits_then_fails)()
    assert calls["run"] == 1


def test_redis_restarted_with_jobs_queued_loses_none(
    app: Flask,
    svc: Services,
    client: FlaskClient,
    login: Login,
    restores: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    monkeypatch.setenv("SILVER_RETRY_INTERVALS", TEST_ENV["SILVER_RETRY_INTERVALS"])
    cases = [approved_case(client, login, countries=["ES", "BE"]) for _ in range(3)]
    jobs_queue = queue.queue_for(svc.redis, svc.settings)
    queued = set(jobs_queue.job_ids)
    assert len(queued) >= 6

    restores("redis")
    cw = cases[0][1]
    # While Redis is down the API still answers (its rate limits count in memory meanwhile).
    assert client.get("/api/v1/cases?page_size=1", headers=cw).status_code == 200
    services("start", "redis")

    _wait_for(lambda: _answers(svc), "Redis to answer again")
    assert queued <= set(jobs_queue.job_ids), "every queued job survived the restart"
    run_jobs(svc)
    for case, cw, _ in cases:
        rows = rows_by_recipient(client, case["id"], cw)
        assert {r["status"] for r in rows.values()} == {"sent"}, rows
        assert all(r["attempts"] == 1 for r in rows.values())


def _answers(svc: Services) -> bool:
    try:
        return bool(svc.redis.ping())
    except Exception:
        return False


def test_a_worker_killed_mid_delivery_sends_each_message_exactly_once(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    with Gateway(hold_after_accept=30) as gateway:
        env = {
            **os.environ,
            **TEST_ENV,
            "SILVER_TRANSPORT": "http",
            "SILVER_GATEWAY_URL": gateway.url,
            "SILVER_GATEWAY_TIMEOUT_SECONDS": "60",
        }
        case, cw, _ = approved_case(client, login, countries=["ES", "BE"])
        ids = {
            code: row["message_id"]
            for code, row in rows_by_recipient(client, case["id"], cw).items()
        }
        worker = _start_worker(env)
        try:
            _wait_for(lambda: set(ids.values()) & set(gateway.accepted), "a message to arrive")
        finally:
            os.killpg(worker.pid, 9)  # SIGKILL, in the middle of a delivery
            worker.wait()
        gateway.hold_after_accept = 0
        worker = _start_worker(env)
        try:
            _wait_for(
                lambda: (
                    {r["status"] for r in rows_by_recipient(client, case["id"], cw).values()}
                    == {"sent"}
                ),
                "the restarted worker to deliver every message",
            )
        finally:
            os.killpg(worker.pid, 15)
            worker.wait()
    # The gateway keeps one message per id (the idempotency key): each recipient has its one.
    assert len(set(ids.values())) == len(ids) == 2
    assert set(ids.values()) <= set(gateway.accepted)
    assert sum(gateway.duplicates[m] for m in ids.values()) >= 1, "a re-send was recognised"


def test_the_housekeeping_schedules_its_next_run_before_it_fails(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = ScheduledJobRegistry(queue=queue.queue_for(svc.redis, svc.settings))
    registry.remove(queue.OVERDUE_JOB_ID)
    # The run's Neo4j is unreachable (a port nothing listens on): the run fails.
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.setenv("NEO4J_PASSWORD", "unused")
    before = datetime.now(UTC)
    with pytest.raises(StorageUnavailable):
        jobs.mark_overdue()
    try:
        at = registry.get_scheduled_time(queue.OVERDUE_JOB_ID)
        assert at >= before + jobs.OVERDUE_EVERY - timedelta(seconds=5)
        job = Job.fetch(queue.OVERDUE_JOB_ID, connection=svc.redis, serializer=queue.SERIALIZER)
        assert job.func_name == queue.MARK_OVERDUE
    finally:
        registry.remove(queue.OVERDUE_JOB_ID, delete_job=True)


def test_a_retry_waiting_for_its_back_off_is_not_enqueued_early(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    case, _, _ = approved_case(client, login, countries=["ES"])
    records, _, _ = svc.driver.execute_query(
        "MATCH (:Case {id: $id})-[:DISSEMINATED_AS]->(n:Notice) RETURN n.id AS id", id=case["id"]
    )
    [notice_id] = [r["id"] for r in records]
    job_id = queue.notice_job_id(notice_id)
    jobs_queue = queue.queue_for(svc.redis, svc.settings)
    # As rq leaves a job whose attempt failed: scheduled for its retry, 10 minutes from now.
    job = Job.fetch(job_id, connection=svc.redis, serializer=queue.SERIALIZER)
    jobs_queue.remove(job)
    registry = ScheduledJobRegistry(queue=jobs_queue)
    try:
        jobs_queue.schedule_job(job, datetime.now(UTC) + timedelta(minutes=10))
        assert job.get_status(refresh=True) == "scheduled"
        # What the housekeeping and a starting worker do with a Notice still queued:
        assert queue.enqueue_notices(svc.redis, svc.settings, [notice_id]) == 0
        assert job_id not in jobs_queue.job_ids, "not queued before its back-off"
        assert job_id in registry.get_job_ids()
        # A Notice whose job is gone (Redis lost it, the retries ran out) is enqueued again.
        registry.remove(job, delete_job=True)
        assert queue.enqueue_notices(svc.redis, svc.settings, [notice_id]) == 1
        assert job_id in jobs_queue.job_ids
    finally:
        registry.remove(job_id)
    run_jobs(svc)
