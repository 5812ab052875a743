"""The long fuzz run: schemathesis against the API as every role until N requests are sent.

    .venv/bin/python bench/fuzz.py [--requests 10000] [--examples 25] [--scenarios 50]
                                   [--steps 15] [--seed N] [--anonymous]

The same fuzzer as the suite's bounded run (tests/support/fuzz.py, tests/integration/
test_fuzz.py), in this process against the app built as `make run` builds it (settings from the
environment: the local Neo4j and Redis of SILVER_VAR_DIR and the SILVER_LOCAL_*_PORT variables,
or NEO4J_URI and REDIS_URL), with the suite's generous per-address limits (every request comes
from one address). Rounds of, for each role (caseworker, screener, evaluator, admin, and with
`--anonymous` no token at all): every operation with `--examples` positive and as many negative
cases, then `--scenarios` stateful scenarios of up to `--steps` linked calls; rounds repeat,
each with a new random seed, until `--requests` requests have been sent. Prints the requests
and findings per role and phase, then every distinct finding (operation, role, status, check
and a curl line that reproduces it). Exit status 1 when anything was found.

It writes to the configured database like a user would: cases, users, decisions, country
profile reviews (put back as they were at the end). Run it against the tests' services
(`SILVER_VAR_DIR=var/test ...`), not against data you care about.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import time

import support  # puts the project root on sys.path: before any of the project's imports

# isort: split
import hypothesis.errors

from tests.support.fuzz import ROLES, Fuzzer, restore_profiles

LIMITS = {
    "SILVER_QUOTA": "1000000",
    "SILVER_RETRY_INTERVALS": "0,0,0",
    "SILVER_LOGIN_LIMIT_PER_ADDRESS": "1000000/minute",
    "SILVER_REFUSAL_LIMIT_PER_ADDRESS": "1000000/minute",
}


def main() -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--anonymous", action="store_true", help="fuzz without a token too")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    roles = (*ROLES, "anonymous") if args.anonymous else ROLES
    logging.disable(logging.WARNING)
    with support.services({**os.environ, **LIMITS}, quiet=("werkzeug", "neo4j", "silver")) as (
        app,
        svc,
    ):
        fuzzer = Fuzzer(app, prefix="bench-fuzz")
        operations = fuzzer.operations()
        profiles = svc.services.countries.all()
        print(f"{len(operations)} operations, roles {', '.join(roles)}; {support.machine()}")
        start = time.perf_counter()
        round_no = 0
        try:
            while fuzzer.requests < args.requests:
                round_no += 1
                for role in roles:
                    for phase in ("fuzz", "stateful"):
                        _seed(rng)
                        sent, found = fuzzer.requests, len(fuzzer.findings)
                        t0 = time.perf_counter()
                        if phase == "fuzz":
                            fuzzer.fuzz(role, operations, args.examples, derandomize=False)
                        else:
                            try:
                                fuzzer.stateful(role, args.scenarios, args.steps, derandomize=False)
                            except hypothesis.errors.Flaky as exc:
                                # Scenarios run against a live server whose state every
                                # request changes: when hypothesis replays one to shrink it,
                                # a rule enabled the first time (a case to link to) may not be
                                # any more. Server errors are findings, recorded as the calls
                                # are made, not raised, so none is lost here.
                                cause = exc.__context__
                                print(
                                    f"round {round_no} {role:10} stateful: hypothesis could "
                                    f"not replay a scenario against the live state "
                                    f"({type(exc).__name__}"
                                    + (f", after {type(cause).__name__}: {cause}" if cause else "")
                                    + ")",
                                    flush=True,
                                )
                        print(
                            f"round {round_no} {role:10} {phase:8} "
                            f"{fuzzer.requests - sent:6} requests in "
                            f"{time.perf_counter() - t0:6.1f} s, "
                            f"{len(fuzzer.findings) - found} new findings "
                            f"(total {fuzzer.requests})",
                            flush=True,
                        )
        finally:
            restore_profiles(svc, profiles)
        elapsed = time.perf_counter() - start
        server_errors = sum(1 for f in fuzzer.findings if f.status >= 500)
        print(
            f"requests sent: {fuzzer.requests} in {elapsed:.0f} s "
            f"({fuzzer.requests / elapsed:.1f} req/s)"
        )
        print(f"failures found: {len(fuzzer.findings)} distinct ({server_errors} server errors)")
        if fuzzer.findings:
            print(fuzzer.report())
        return 1 if fuzzer.findings else 0


def _seed(rng: random.Random) -> None:
    # hypothesis draws its seed from the global random module when not derandomized.
    random.seed(rng.getrandbits(64))


if __name__ == "__main__":
    sys.exit(main())
