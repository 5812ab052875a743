"""What the benchmarks share: the import path, the services, users and the arithmetic of figures.

A benchmark imports this module first, before anything of the project:

    import support  # puts the project root on sys.path: before any of the project's imports

    # isort: split
    from wsgi import create_app

Run as `.venv/bin/python bench/<name>.py`, Python puts bench/ on sys.path, where
bench/screening.py has the name of the `screening` package (which silver imports): importing
this module takes bench/ off the path again and puts the project root first, so `screening`
is the package, and `api`, `silver`, `tests.support` ... are importable.

The services are those of `make run`, found the same way (settings from the environment: the
local Neo4j and Redis of SILVER_VAR_DIR and the SILVER_LOCAL_*_PORT variables, or NEO4J_URI
and REDIS_URL).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask

from silver.bootstrap import Silver as Services
from silver.domain.users import User
from silver.services import auth
from wsgi import create_app

Body = dict[str, Any]
# The characters of a VIN (no I, O or Q), for random valid VINs.
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# Loggers quietened to WARNING, so that the figures exclude a log line per request or job.
QUIET = ("werkzeug", "neo4j", "silver.http")


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The benchmark's argument parser, described by the first line of its docstring, with the
    `--seed` every benchmark takes."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    return parser


@contextlib.contextmanager
def services(
    env: Mapping[str, str] | None = None, quiet: Sequence[str] = QUIET
) -> Iterator[tuple[Flask, Services]]:
    """The app and its services (settings, Neo4j driver, Redis, keys) built as for `make run`,
    from the environment or `env`; closed again at the end."""
    app = create_app(env)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    svc: Services = app.extensions["silver"]
    try:
        yield app, svc
    finally:
        svc.close()


def new_user(svc: Services, role: str, agency: str | None = None) -> tuple[User, str]:
    """A new user `bench-<random>` with a random password: the benchmark's cases are its own."""
    password = secrets.token_urlsafe(18)
    user = auth.create_user(f"bench-{secrets.token_hex(4)}", role, agency, password, svc.uow())
    return user, password


def machine() -> str:
    """What the figures were measured on, beside them: the CPUs and how busy they were."""
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def timed(call: Callable[[], object], reps: int, warmup: int = 1) -> list[float]:
    """Milliseconds of `reps` calls, one at a time, after `warmup` uncounted ones."""
    for _ in range(warmup):
        call()
    latencies = []
    for _ in range(reps):
        start = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def percentile(values: Sequence[float], p: int) -> float:
    """The p-th percentile by the nearest rank: a value that was measured."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"
