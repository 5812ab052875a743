"""The users of bench/load.py, for locust (run by it as `locust -f bench/locustfile.py ...`).

Credentials and case ids come from the JSON file named by SILVER_LOAD_FIXTURE, which
bench/load.py writes after making the users and cases. Requests are named by route, so the
figures group by endpoint (`GET /api/v1/cases/{id}`, not one line per case).

* Health:      `GET /healthz` without pause: the baseline.
* ReadCase:    a caseworker reading cases of the agency without pause: the read path alone.
* Caseworker, Screener, Evaluator: the realistic mix, each logging in first and now and then
  again, with a short think time between requests.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, constant, task

with open(os.environ["SILVER_LOAD_FIXTURE"], encoding="utf-8") as fixture_file:
    FIXTURE: dict[str, Any] = json.load(fixture_file)
THINK = between(0.05, 0.2)
_COUNTER = itertools.count()


class Health(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")


class _Signed(FastHttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        # A token made beforehand; logging in again is a task of the mix.
        tokens: list[str] = FIXTURE["tokens"][self.role]
        self.auth = {"Authorization": f"Bearer {tokens[next(_COUNTER) % len(tokens)]}"}

    def login(self) -> None:
        credentials = FIXTURE["users"][self.role]
        response = self.client.post(
            "/api/v1/auth/token", json=credentials, name="POST /api/v1/auth/token"
        )
        token = response.json()["access_token"] if response.status_code == 200 else ""
        self.auth = {"Authorization": f"Bearer {token}"}

    def case_id(self, kind: str = "drafts") -> str:
        ids: list[str] = FIXTURE[kind]
        return random.choice(ids)

    def get(self, path: str, name: str) -> Any:
        return self.client.get(path, headers=self.auth, name=name)


class ReadCase(_Signed):
    wait_time = constant(0)
    role = "caseworker"

    @task
    def read_case(self) -> None:
        self.get(f"/api/v1/cases/{self.case_id()}", "GET /api/v1/cases/{id}")


class Caseworker(_Signed):
    wait_time = THINK
    role = "caseworker"
    weight = 4

    @task(6)
    def read_case(self) -> None:
        self.get(f"/api/v1/cases/{self.case_id()}", "GET /api/v1/cases/{id}")

    @task(3)
    def list_cases(self) -> None:
        self.get("/api/v1/cases?page=1&page_size=50", "GET /api/v1/cases")

    @task(2)
    def screening(self) -> None:
        case_id = self.case_id("submitted")
        self.get(f"/api/v1/cases/{case_id}/screening", "GET /api/v1/cases/{id}/screening")

    @task(1)
    def create_and_submit(self) -> None:
        created = self.client.post(
            "/api/v1/cases", json=FIXTURE["body"], headers=self.auth, name="POST /api/v1/cases"
        )
        if created.status_code != 201:
            return
        case_id = created.json()["id"]
        self.client.post(
            f"/api/v1/cases/{case_id}/submit",
            headers={**self.auth, "If-Match": created.headers["ETag"]},
            name="POST /api/v1/cases/{id}/submit",
        )

    @task(1)
    def relogin(self) -> None:
        self.login()


class Screener(_Signed):
    wait_time = THINK
    role = "screener"
    weight = 2

    @task(2)
    def queue(self) -> None:
        self.get("/api/v1/screening/queue?page=1&page_size=50", "GET /api/v1/screening/queue")

    @task(3)
    def read_case(self) -> None:
        self.get(f"/api/v1/cases/{self.case_id('submitted')}", "GET /api/v1/cases/{id}")

    @task(3)
    def screening(self) -> None:
        case_id = self.case_id("submitted")
        self.get(f"/api/v1/cases/{case_id}/screening", "GET /api/v1/cases/{id}/screening")


class Evaluator(_Signed):
    wait_time = THINK
    role = "evaluator"
    weight = 1

    @task
    def statistics(self) -> None:
        self.get("/api/v1/stats/pilot?audience=internal", "GET /api/v1/stats/pilot")


def _run(host: str, classes: list[str], users: int, duration: float, out: str) -> None:
    """Headless, for exactly `duration` seconds from the moment every user has started, then
    the figures per endpoint as JSON in `out` (locust as a library: its own --run-time counts
    from the process's start, which on a busy machine eats much of a short phase)."""
    import gevent
    from locust.env import Environment

    env = Environment(user_classes=[globals()[name] for name in classes], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(0)
    env.stats.reset_all()
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()
    figures = {
        entry.name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.num_requests / duration,
            "p50": entry.get_response_time_percentile(0.5) or 0,
            "p99": entry.get_response_time_percentile(0.99) or 0,
        }
        for entry in env.stats.entries.values()
    }
    with open(out, "w", encoding="utf-8") as out_file:
        json.dump(figures, out_file)


if __name__ == "__main__":
    import sys

    _host, _users, _duration, _out, *_classes = sys.argv[1:]
    _run(_host, _classes, int(_users), float(_duration), _out)
