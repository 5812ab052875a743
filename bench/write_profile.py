"""Where a case intake and a dissemination attempt spend their time: CPU per side, statements.

    .venv/bin/python bench/write_profile.py [--cases 50] [--seed N] [--profile K]

One thread, one call at a time (no contention: the cost of one write, not a throughput), after
5 uncounted calls of each mode:

* raw:      bench/intake.py's raw driver write (one statement, no encryption, no projection,
            no audit);
* service:  silver.services.intake.create_case, the body validated again (as the bench's
            service mode does);
* api:      POST /api/v1/cases through the Flask test client (no socket, no werkzeug server):
            authentication, the schema, the service, the response;
* delivery: silver.services.dissemination.deliver of queued Notices to the outbox, called
            directly (no rq), for approved diffusions to 5 EU members made beforehand.

For each: the wall time, this process's CPU time, the local Neo4j's CPU time (from
/proc/<pid>/stat of SILVER_VAR_DIR/run/neo4j.pid; "n/a" when Neo4j is elsewhere) and the Cypher
statements and transactions the driver ran, per case or message, and per statement the Neo4j
CPU it cost. On a 2-core machine shared with other work these are the robust figures: the
throughput of bench/intake.py at concurrency 4 is bounded by the CPU a write costs in total
(Python holds the GIL; Neo4j's CPU is shared with it), not by round trips. `--profile K` prints
the K functions with the most own time of the service and api modes under cProfile.

The cases, Notices and audit events stay like any other (raw nodes are deleted).
"""

from __future__ import annotations

import cProfile
import importlib.util
import json
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import support  # puts the project root on sys.path: before any of the project's imports
from support import Body

# isort: split
import neo4j

from screening.decisions import DecisionRequest
from silver.bootstrap import Silver as Services
from silver.domain.case_body import validate_case_body
from silver.infra.transport import OutboxTransport
from silver.services import decisions, dissemination, intake
from silver.services import screening as screening_svc
from tests.support.cases import case_body

_spec = importlib.util.spec_from_file_location("bench_intake", support.HERE / "intake.py")
assert _spec is not None and _spec.loader is not None
bench_intake = importlib.util.module_from_spec(_spec)
sys.modules["bench_intake"] = bench_intake
_spec.loader.exec_module(bench_intake)

COUNTRIES = ("BE", "ES", "FR", "IT", "PT")


class Neo4jCpu:
    """The local Neo4j's CPU seconds so far (user + system), or None when it is not ours."""

    def __init__(self, svc: Services) -> None:
        pidfile = Path(os.environ.get("SILVER_VAR_DIR", support.ROOT / "var")) / "run/neo4j.pid"
        local = "127.0.0.1" in svc.settings.neo4j_uri or "localhost" in svc.settings.neo4j_uri
        self.pid = int(pidfile.read_text()) if local and pidfile.is_file() else None

    def __call__(self) -> float | None:
        if self.pid is None:
            return None
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Statements:
    """Counts the statements and commits the driver runs, and the Neo4j CPU of each."""

    def __init__(self, cpu: Neo4jCpu) -> None:
        self.cpu = cpu
        self.count: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    @contextmanager
    def installed(self) -> Iterator[None]:
        run, commit = neo4j.Transaction.run, neo4j.Transaction.commit
        cpu = self.cpu

        def counted_run(tx: neo4j.Transaction, query: Any, *args: Any, **kwargs: Any) -> Any:
            before = cpu()
            result = run(tx, query, *args, **kwargs)
            result._buffer_all()  # wait for the whole answer, to time it
            self._add(" ".join(str(query).split())[:70], before)
            return result

        def counted_commit(tx: neo4j.Transaction) -> None:
            before = cpu()
            commit(tx)
            self._add("COMMIT", before)

        neo4j.Transaction.run = counted_run  # type: ignore[method-assign]
        neo4j.Transaction.commit = counted_commit  # type: ignore[method-assign]
        try:
            yield
        finally:
            neo4j.Transaction.run = run  # type: ignore[method-assign]
            neo4j.Transaction.commit = commit  # type: ignore[method-assign]

    def _add(self, key: str, before: float | None) -> None:
        after = self.cpu()
        self.count[key] += 1
        if before is not None and after is not None:
            self.seconds[key] += after - before

    def clear(self) -> None:
        self.count.clear()
        self.seconds.clear()


def measure(
    name: str,
    call: Callable[[Any], object],
    items: Sequence[Any],
    cpu: Neo4jCpu,
    statements: Statements,
    profile: int,
) -> None:
    for item in items[:5]:
        call(item)
    statements.clear()
    profiler = cProfile.Profile() if profile else None
    n = len(items) - 5
    neo_before, py_before, start = cpu(), time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    with statements.installed():
        for item in items[5:]:
            call(item)
    if profiler is not None:
        profiler.disable()
    wall = (time.perf_counter() - start) * 1000 / n
    python = (time.process_time() - py_before) * 1000 / n
    neo_after = cpu()
    neo = (
        "n/a"
        if neo_before is None or neo_after is None
        else f"{(neo_after - neo_before) * 1000 / n:.2f}"
    )
    commits = statements.count["COMMIT"] / n
    runs = sum(v for k, v in statements.count.items() if k != "COMMIT") / n
    print(
        f"{name:<9} wall {wall:7.2f} ms   python CPU {python:6.2f} ms   neo4j CPU {neo:>6} ms   "
        f"statements {runs:4.1f}   commits {commits:3.1f}   (per call, mean of {n})",
        flush=True,
    )
    for key, count in statements.count.most_common():
        seconds = statements.seconds[key] * 1000 / n
        print(f"    {count / n:4.1f} x {seconds:6.2f} ms neo4j CPU  {key}")
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(profile)


def approved_notices(svc: Services, count: int) -> list[str]:
    """Approved diffusions to COUNTRIES, their Notices queued (nothing enqueued)."""
    caseworker, _ = support.new_user(svc, "caseworker", "FIOD")
    screener, _ = support.new_user(svc, "screener")
    settings = svc.settings
    hook = screening_svc.screen_on_submit(
        settings.quota, settings.penalty_threshold_years, svc.keys
    )
    request = DecisionRequest(
        decision="approve",
        instrument="diffusion",
        countries=COUNTRIES,
        justification="Profile of dissemination (bench/write_profile.py).",
    )
    ids: list[str] = []
    while len(ids) < count:
        body = case_body(target_countries=list(COUNTRIES), requested_instrument="diffusion")
        case = intake.create_case(body, caseworker, svc.uow(), svc.keys)
        intake.submit_case(case.id, None, caseworker, svc.uow(), svc.keys, on_submitted=hook)
        decisions.decide(
            case.id, request, None, screener, svc.uow(), svc.keys, settings.quota,
            settings.penalty_threshold_years, enqueue=None,
        )  # fmt: skip
        with svc.uow() as uow:
            ids += [n["id"] for n in uow.disseminations.of_case(case.id)]
    return ids


def main(argv: Sequence[str] | None = None) -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--cases", type=int, default=50, help="calls per mode (default 50)")
    parser.add_argument("--profile", type=int, default=0, help="cProfile: top K functions")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.profile < 0:
        parser.error("--cases must be at least 1, --profile at least 0")
    rng = random.Random(args.seed)
    env = {**os.environ, "SILVER_QUOTA": "100000000", "SILVER_RETRY_INTERVALS": "0,0,0"}
    with support.services(env, (*support.QUIET, "silver")) as (app, svc):
        cpu = Neo4jCpu(svc)
        statements = Statements(cpu)
        user, password = support.new_user(svc, "caseworker", bench_intake.AGENCY)
        gen = bench_intake.Generator(rng)
        n = args.cases + 5
        print(
            f"write profile: {args.cases} calls per mode, one at a time; {support.machine()}, "
            f"Neo4j {svc.settings.neo4j_uri} (pid {cpu.pid or 'not local'})",
            flush=True,
        )

        raw = bench_intake.raw_worker(svc)()
        try:
            bodies: list[Body] = [validate_case_body(gen.body()) for _ in range(n)]
            measure("raw", raw, bodies, cpu, statements, 0)
        finally:
            bench_intake.delete_raw(svc)

        bodies = [validate_case_body(gen.body()) for _ in range(n)]
        measure(
            "service",
            lambda body: intake.create_case(body, user, svc.uow(), svc.keys),
            bodies, cpu, statements, args.profile,
        )  # fmt: skip

        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": password}
        ).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def post(payload: str) -> None:
            response = client.post("/api/v1/cases", data=payload, headers=headers)
            if response.status_code != 201:
                raise RuntimeError(f"POST /api/v1/cases -> {response.status_code}")

        measure(
            "api", post, [json.dumps(gen.body()) for _ in range(n)], cpu, statements, args.profile
        )

        notices = approved_notices(svc, n)
        delivery = dissemination.Delivery(
            svc.settings, svc.keys, OutboxTransport(svc.settings.outbox_dir)
        )

        def deliver(notice_id: str) -> None:
            if dissemination.deliver(notice_id, svc.uow, delivery) != "sent":
                raise RuntimeError(f"notice {notice_id} was not sent")

        measure("delivery", deliver, notices, cpu, statements, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
