"""Where a read spends its time: /healthz, reading a case and listing cases, one at a time.

    .venv/bin/python bench/profile_read.py [--reps 200] [--top 30] [--sort cumulative]

In this process, through Flask's test client (no HTTP server, no other load), against the
services of the environment: a caseworker of FIOD and one case of tests/support/cases.py are
made, then each request is timed over `--reps` repetitions (milliseconds of wall and of CPU
per request), and the case read is run again under cProfile, printing the `--top` functions
by `--sort` (cumulative or tottime) and how many messages went to Neo4j per read. The user and
the case stay in the database, and each read is audited like any other.
"""

from __future__ import annotations

import cProfile
import pstats
import time

import support  # puts the project root on sys.path: before any of the project's imports

# isort: split
from neo4j._async_compat.network import _bolt_socket

from tests.support.cases import case_body


def main() -> None:
    parser = support.parser(__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    args = parser.parse_args()
    with support.services(quiet=("werkzeug", "neo4j", "silver")) as (app, svc):
        user, password = support.new_user(svc, "caseworker", "FIOD")
        case = svc.services.cases.create(case_body(), user)
        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token", json={"username": user.username, "password": password}
        ).json["access_token"]  # type: ignore[index]
        headers = {"Authorization": f"Bearer {token}"}
        paths = {
            "GET /healthz": "/healthz",
            "GET /api/v1/cases/{id}": f"/api/v1/cases/{case.id}",
            "GET /api/v1/cases (page of 50)": "/api/v1/cases?page=1&page_size=50",
        }
        print(f"{args.reps} requests each, one at a time; {support.machine()}")
        for name, path in paths.items():
            for _ in range(10):
                client.get(path, headers=headers)
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.reps):
                client.get(path, headers=headers)
            wall = (time.perf_counter() - wall) / args.reps * 1000
            cpu = (time.process_time() - cpu) / args.reps * 1000
            print(f"  {name:32} {wall:7.2f} ms wall {cpu:7.2f} ms CPU per request")

        sent = 0
        send = _bolt_socket.BoltSocketBase.sendall

        def counting(self: object, data: bytes) -> object:
            nonlocal sent
            sent += 1
            return send(self, data)  # type: ignore[arg-type]

        _bolt_socket.BoltSocketBase.sendall = counting  # type: ignore[method-assign]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.reps):
            client.get(paths["GET /api/v1/cases/{id}"], headers=headers)
        profile.disable()
        _bolt_socket.BoltSocketBase.sendall = send  # type: ignore[method-assign]
        print(f"\nflights of messages to Neo4j per case read: {sent / args.reps:.1f}")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
