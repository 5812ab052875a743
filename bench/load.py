"""Load on `make run`'s gunicorn: reading a case, the realistic mix, beside /healthz, with locust.

    .venv/bin/python bench/load.py [--duration 20] [--users 8] [--cases 40] [--seed N]
                                   [--no-start] [--workers W] [--threads T]

Serves the app as `make run` does (`ops/services.sh start web`: gunicorn with
ops/gunicorn.conf.py on 127.0.0.1:$PORT) unless one already answers there, against the
services of the environment (SILVER_VAR_DIR, SILVER_LOCAL_*_PORT, or NEO4J_URI and REDIS_URL),
and stops it again at the end if it started it. `--workers` and `--threads` start it with
that many gunicorn workers and threads (WEB_CONCURRENCY, WEB_THREADS). It makes a caseworker of
FIOD, a screener and an evaluator with random passwords, and `--cases` cases of the caseworker
(half of them submitted, so they have a screening), through the services.

Then three phases of `--duration` seconds each, every one a headless locust run (a subprocess,
`--users` users, loopback only) whose figures are printed per endpoint (requests, req/s, p50,
p99 and errors):

* healthz: `GET /healthz` without pause, the baseline of the run;
* read:    `GET /api/v1/cases/{id}` as the caseworker without pause;
* mix:     caseworkers (log in, list, read, the screening view, create and submit, log in
           again), screeners (the queue, read, the screening view) and an evaluator (the
           statistics) with a short think time, beside a user hitting `/healthz` without pause.

The last lines give the read/healthz ratio of the first two phases (target >= 0.7), the errors
of all (target 0) and the p99 of the reads in the mix (target < 150 ms). Every request made is
a real one: the cases and users stay in the database, and each read is audited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import support  # puts the project root on sys.path: before any of the project's imports

# isort: split
from tests.support.cases import case_body

ROOT = support.ROOT
READS = ("GET /api/v1/cases/{id}", "GET /api/v1/cases", "GET /api/v1/cases/{id}/screening")


def main() -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--duration", type=int, default=20, help="seconds per phase")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--no-start", action="store_true", help="use the server on $PORT")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    port = int(os.environ.get("PORT", "8000"))
    host = f"http://127.0.0.1:{port}"
    out = Path(os.environ.get("SILVER_VAR_DIR", ROOT / "var")) / "bench" / "load"
    out.mkdir(parents=True, exist_ok=True)

    fixture = out / "fixture.json"
    fixture.write_text(json.dumps(_make_fixture(args.cases, args.users)), encoding="utf-8")
    started = False
    if not _answers(host):
        if args.no_start:
            print(f"nothing answers on {host}", file=sys.stderr)
            return 2
        _web("start", args.workers, args.threads)
        started = True
    try:
        for _ in range(20):  # every worker up and warm before the figures
            _answers(host, "/healthz")
        print(f"gunicorn on {host}: {_gunicorn_shape(args)}; {support.machine()}")
        env = {**os.environ, "SILVER_LOAD_FIXTURE": str(fixture)}
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for phase, classes in (
            ("healthz", ["Health"]),
            ("read", ["ReadCase"]),
            ("mix", ["Health", "Caseworker", "Screener", "Evaluator"]),
        ):
            users = args.users + (1 if phase == "mix" else 0)
            results[phase] = _locust(phase, classes, users, args.duration, host, out, env)
            _print(phase, results[phase], args.duration, users)
    finally:
        if started:
            _web("stop", None, None)

    health = results["healthz"]["GET /healthz"]["rps"]
    read = results["read"]["GET /api/v1/cases/{id}"]["rps"]
    errors = sum(row["failures"] for phase in results.values() for row in phase.values())
    slow = max((results["mix"][name]["p99"] for name in READS if name in results["mix"]), default=0)
    print(
        f"read case / healthz: {read:.1f} / {health:.1f} req/s = {support.ratio(read, health)}"
        " (target >= 0.70x)"
    )
    print(f"errors: {errors} (target 0)")
    print(f"p99 of the reads in the mix: {slow:.0f} ms (target < 150 ms)")
    return 0


def _make_fixture(cases: int, clients: int) -> dict[str, Any]:
    """The users (with a token for each locust user: logging in is measured in the mix, not
    paid by every user before its first read) and the cases."""
    with support.services() as (_, svc):
        users: dict[str, dict[str, str]] = {}
        tokens: dict[str, list[str]] = {}
        made: dict[str, Any] = {}
        for role, agency in (("caseworker", "FIOD"), ("screener", None), ("evaluator", None)):
            user, password = support.new_user(svc, role, agency)
            users[role] = {"username": user.username, "password": password}
            tokens[role] = [
                svc.services.users.issue_token(user.username, password).access_token
                for _ in range(clients + 1)
            ]
            made[role] = user
        drafts, submitted = [], []
        for n in range(cases):
            case = svc.services.cases.create(case_body(), made["caseworker"])
            if n % 2:
                svc.services.cases.submit(case.id, case.version, made["caseworker"])
                submitted.append(case.id)
            else:
                drafts.append(case.id)
    return {
        "users": users,
        "tokens": tokens,
        "drafts": drafts,
        "submitted": submitted,
        "body": case_body(),
    }


def _answers(host: str, path: str = "/livez") -> bool:
    try:
        with urllib.request.urlopen(f"{host}{path}", timeout=30) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _web(action: str, workers: int | None, threads: int | None) -> None:
    env = dict(os.environ)
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        env["WEB_THREADS"] = str(threads)
    subprocess.run([str(ROOT / "ops" / "services.sh"), action, "web"], check=True, env=env)


def _gunicorn_shape(args: Any) -> str:
    # The defaults of ops/services.sh and ops/gunicorn.conf.py.
    workers = args.workers or os.environ.get("WEB_CONCURRENCY", "2")
    threads = args.threads or os.environ.get("WEB_THREADS", "4")
    return f"workers {workers}, threads {threads} (see ops/gunicorn.conf.py)"


def _locust(
    phase: str,
    classes: list[str],
    users: int,
    duration: int,
    host: str,
    out: Path,
    env: dict[str, str],
) -> dict[str, dict[str, Any]]:
    figures = out / f"{phase}.json"
    command = [
        sys.executable,
        str(ROOT / "bench" / "locustfile.py"),
        host,
        str(users),
        str(duration),
        str(figures),
        *classes,
    ]
    subprocess.run(command, env=env, check=True, timeout=duration + 300)
    rows: dict[str, dict[str, Any]] = json.loads(figures.read_text(encoding="utf-8"))
    return rows


def _print(phase: str, rows: dict[str, dict[str, Any]], duration: int, users: int) -> None:
    print(f"\n{phase}: {users} users, {duration} s")
    print(
        f"  {'endpoint':36} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    for name, row in sorted(rows.items()):
        print(
            f"  {name:36} {row['requests']:9d} {row['rps']:8.1f} {row['p50']:7.0f} "
            f"{row['p99']:7.0f} {row['failures']:6d}"
        )


if __name__ == "__main__":
    sys.exit(main())
