"""Dissemination throughput: rq jobs to the outbox and to an HTTP gateway, beside a plain loop.

    .venv/bin/python bench/dissemination.py [--cases 100] [--countries 10] [--seed N]
                                            [--profile {outbox,http}] [--top 25]

Setup, outside the clock: a new caseworker `bench-<random>` of FIOD and a new screener
`bench-<random>`; for each of the two delivery modes N cases (default 100), each with a suspect
person and a suspect organisation and two assets (a house and a car) in each of K EU member
participants (default 10 of BE ES FR IT PT SE PL EE LV HU MT, in that order), created with
silver.services.intake.create_case, submitted with the screening hook and approved by
silver.services.decisions.decide as a diffusion to those K countries with `enqueue=None`, so
nothing is enqueued yet. EU members need no transfer-basis confirmation, and the setup stops if
a screening gives a warning or a block, a chosen country a high or prohibited risk, or an
approval asks for four eyes. Each approval records K queued Notices: N x K messages per mode.

Three modes, one after the other in this process:

* outbox:   SILVER_TRANSPORT=outbox (the configured SILVER_VAR_DIR, so messages land in
            var/outbox). The clock runs from silver.infra.queue.enqueue_notices for all N x K
            Notices until an in-process rq SimpleWorker(...).work(burst=True) has drained the
            `silver` queue. Each job is a full delivery: load settings and keys, read and
            decrypt the case, build, sign and seal the message and store it on the Notice (one
            transaction), write the .sig and .json files with fsyncs, then mark the Notice sent
            with its audit event (a second transaction).
* http:     the same with SILVER_TRANSPORT=http to tests.support.gateway.Gateway, a local
            gateway (ThreadingHTTPServer on 127.0.0.1 in this process, deduplicating on the
            Idempotency-Key, not checking signatures); HttpTransport opens one connection per
            message.
* baseline: for the outbox mode's N x K (case body, recipient) pairs, messages.payload_for,
            build_message, encode and sign, and OutboxTransport writing the .sig and .json
            files (with the same fsyncs) into a temporary directory, in one plain loop: no
            Neo4j, no Redis, no rq, no encryption. The temporary directory is on the same
            file system as var/ here (check with `df`), or the fsyncs would not compare.

After the clock, each mode is checked and the checks are printed: every Notice `sent` after
exactly one attempt, every case `disseminated`, every message once (N x K .json/.sig pairs in
the outbox that verify with the signing key; N x K distinct ids accepted by the gateway, no
duplicate, each body signed with the current key), and the baseline's payloads equal to those
the outbox received. A failed check fails the run (exit status 1).

Caveats:
* SimpleWorker runs every job in this process, one after the other: no fork per job, unlike
  `make run`'s forking rq Worker (python -m worker), whose work horse is a fresh child per job
  (fork, a Neo4j driver per process, imports already done in the parent). The figures are
  therefore one worker's sequential throughput without the fork and per-child connection
  cost: an upper bound for one forking worker, and several workers would run in parallel.
* The gateway shares this process (and its GIL) with the worker; the network is loopback.
* Both delivery modes need the `silver` queue to themselves: the run refuses to start when
  the queue holds jobs or a live worker listens on it (it would take our jobs, and we would
  run its). Each mode's rq jobs are deleted afterwards.
* Besides the table, the CPU time of this process (all its threads: worker and gateway) is
  printed against the clock; the rest is waiting for Neo4j, Redis and the disk (and for the
  CPU, on a busy machine: Neo4j and Redis run on the same CPUs here).
* rq and the app log at INFO by default; logging is quietened to WARNING here, so the figures
  exclude a log line per job.
* Cases, Notices, audit events and outbox files stay, like any other (use a throw-away
  database and var dir for repeated runs). `--profile MODE` runs that mode's drain under
  cProfile (its figure then includes the profiler's overhead) and prints the functions with the
  most own and cumulative time.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import random
import string
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

import support  # puts the project root on sys.path: before any of the project's imports
from support import VIN_CHARS, Body

# isort: split
from rq import Queue, SimpleWorker, Worker
from rq.job import Job

from screening.decisions import DecisionRequest
from silver.bootstrap import Silver as Services
from silver.domain.case_body import validate_case_body
from silver.domain.users import User
from silver.infra import queue as job_queue
from silver.infra.transport import OutboxTransport
from silver.services import (
    case_store,
    intake,
    messages,
)
from silver.services import decisions as decision_service
from silver.services import screening as screening_svc
from silver.services.dissemination import MESSAGE_ROUND
from tests.support import identifiers as demo
from tests.support.cases import case_body
from tests.support.gateway import Gateway

AGENCY = "FIOD"
# EU members among the participants: no third-country transfer basis to confirm.
EU_PARTICIPANTS = ("BE", "ES", "FR", "IT", "PT", "SE", "PL", "EE", "LV", "HU", "MT")
INSTRUMENT: Final = "diffusion"
APP_ENV = {"SILVER_QUOTA": "100000000", "SILVER_RETRY_INTERVALS": "0,0,0"}
# rq, the services (silver.*) and the jobs (worker.jobs) each log a line per job at INFO.
QUIET = (*support.QUIET, "rq", "silver", "worker")


# --- Setup: approved cases with queued Notices ------------------------------------------------


@dataclass(frozen=True)
class Notice:
    id: str
    recipient: str
    message_id: str


@dataclass(frozen=True)
class Approved:
    case_id: str
    number: str
    body: Body
    notices: tuple[Notice, ...]


def make_body(countries: Sequence[str], rng: random.Random) -> Body:
    """A valid diffusion case with a house and a car in each country, unique identifiers."""
    body = case_body(target_countries=list(countries), requested_instrument=INSTRUMENT)
    tag = body["national_reference"].split("-", 1)[1]
    body["title"] = f"[BENCH] Dissemination benchmark {tag}"
    body["national_reference"] = f"BENCH-DISS-{tag}"
    assets: list[Body] = []
    holdings: list[Body] = []
    for code in countries:
        value = {"amount": f"{rng.randint(20_000, 2_000_000)}.00", "currency": "EUR"}
        assets.append(
            {"key": f"house-{code}", "type": "real_estate", "country": code,
             "address": f"Benchstraat {rng.randint(1, 300)}, {code}",
             "cadastral_reference": f"{code}-{tag}-{rng.randrange(10**6):06d}",
             "estimated_value": value, "description": "holiday home"}
        )  # fmt: skip
        vin = demo.vin("".join(rng.choices(VIN_CHARS, k=8)), "".join(rng.choices(VIN_CHARS, k=8)))
        plate = "".join(rng.choices(string.ascii_uppercase + string.digits, k=7))
        assets.append(
            {"key": f"car-{code}", "type": "vehicle", "country": code, "vin": vin,
             "registration_plate": plate, "estimated_value": None, "description": None}
        )  # fmt: skip
        holdings.append({"subject": "s1", "asset": f"house-{code}", "relation": "owns", "share": 1})
        holdings.append({"subject": "o1", "asset": f"car-{code}", "relation": "owns", "share": 1})
    body["assets"] = assets
    body["holdings"] = holdings
    return body


def check_screening(svc: Services, case_id: str, countries: Sequence[str]) -> str:
    """The stored screening of a case must let a single screener approve without any warning."""
    with svc.uow() as uow:
        row = case_store.load(uow, case_id)
    result = screening_svc.stored_result(row, svc.keys)
    if result is None:
        raise SystemExit(f"case {case_id} has no stored screening of its current version")
    findings = [f"{f['rule']} ({f['severity']})" for f in result["findings"]]
    if any(f["severity"] in ("warn", "block") for f in result["findings"]):
        raise SystemExit(f"the benchmark case draws warnings or blocks: {', '.join(findings)}")
    rows = {c["country"]: c for c in result["countries"]}
    bad = [
        f"{code}: risk {rows[code]['risk']}, basis {rows[code]['transfer_basis']}"
        for code in countries
        if code not in rows
        or not rows[code]["participant"]
        or rows[code]["risk"] in ("high", "prohibited")
        or rows[code]["transfer_basis"] != "eu_member"
    ]
    if bad:
        raise SystemExit(f"countries unfit for a one-screener diffusion: {'; '.join(bad)}")
    risks = Counter(rows[code]["risk"] for code in countries)
    return (
        f"verdict {result['verdict']}, findings: {', '.join(findings) or 'none'}; "
        f"country risks: {', '.join(f'{n} {r}' for r, n in risks.most_common())}"
    )


def notices_of(svc: Services, case_id: str) -> tuple[Notice, ...]:
    records, _, _ = svc.driver.execute_query(
        """
        MATCH (:Case {id: $id})-[:DISSEMINATED_AS]->(n:Notice)
        RETURN n.id AS id, n.recipient AS recipient, n.message_id AS message_id
        ORDER BY recipient
        """,
        id=case_id,
        database_=svc.settings.neo4j_database,
    )
    return tuple(Notice(r["id"], r["recipient"], r["message_id"]) for r in records)


def approve_cases(
    svc: Services,
    caseworker: User,
    screener: User,
    countries: Sequence[str],
    count: int,
    rng: random.Random,
) -> tuple[list[Approved], str]:
    settings = svc.settings
    hook = screening_svc.screen_on_submit(
        settings.quota, settings.penalty_threshold_years, svc.keys
    )
    request = DecisionRequest(
        decision="approve",
        instrument=INSTRUMENT,
        countries=tuple(countries),
        justification="Benchmark of dissemination (bench/dissemination.py).",
    )
    approved: list[Approved] = []
    screening = ""
    for _ in range(count):
        case = intake.create_case(
            validate_case_body(make_body(countries, rng)), caseworker, svc.uow(), svc.keys
        )
        intake.submit_case(case.id, None, caseworker, svc.uow(), svc.keys, on_submitted=hook)
        if not screening:
            screening = check_screening(svc, case.id, countries)
        decision = decision_service.decide(
            case.id,
            request,
            None,
            screener,
            svc.uow(),
            svc.keys,
            settings.quota,
            settings.penalty_threshold_years,
            enqueue=None,
        )
        if decision["case_status"] != "approved" or decision["four_eyes"]["required"]:
            raise SystemExit(f"case {case.number} was not approved by one screener: {decision}")
        notices = notices_of(svc, case.id)
        if sorted(n.recipient for n in notices) != sorted(countries):
            raise SystemExit(f"case {case.number} has Notices for {notices}, not {countries}")
        approved.append(Approved(case.id, case.number, case.body, notices))
    return approved, screening


# --- Timed modes --------------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    messages: int
    seconds: float
    cpu_seconds: float
    enqueue_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def ms_per_message(self) -> float:
        return self.seconds * 1000 / self.messages


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set variables for the jobs (which read their settings from os.environ), then restore."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def require_idle_queue(svc: Services) -> Queue:
    queue = job_queue.queue_for(svc.redis, svc.settings)
    workers = Worker.all(queue=queue)
    if queue.count or workers:
        raise SystemExit(
            f"the {svc.settings.queue_name!r} queue holds {queue.count} jobs and has "
            f"{len(workers)} live workers: stop the worker (make stop) and let the queue "
            "drain before benchmarking"
        )
    return queue


def deliver_all(
    svc: Services, mode: str, notice_ids: list[str], profiler: cProfile.Profile | None
) -> Result:
    """Enqueue every Notice and drain the queue with an in-process burst SimpleWorker."""
    queue = require_idle_queue(svc)
    worker = SimpleWorker([queue], connection=svc.redis, serializer=job_queue.SERIALIZER)
    if profiler is not None:
        profiler.enable()
    cpu = time.process_time()
    start = time.perf_counter()
    job_queue.enqueue_notices(svc.redis, svc.settings, notice_ids)
    enqueued = time.perf_counter()
    worker.work(burst=True, logging_level="WARNING")
    end = time.perf_counter()
    cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
    if worker.failed_job_count:
        print(f"  ! {mode}: the worker failed {worker.failed_job_count} jobs", flush=True)
    return Result(mode, len(notice_ids), end - start, cpu, enqueued - start)


def baseline(approved: Sequence[Approved], svc: Services, directory: Path) -> Result:
    """payload_for, build_message, encode, sign and the outbox's file writes, in one loop."""
    signing = svc.keys.signing
    transport = OutboxTransport(directory)
    ttl = timedelta(days=svc.settings.message_ttl_days)
    count = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for case in approved:
        for notice in case.notices:
            now = case_store.utcnow()
            payload = messages.payload_for(case.body, INSTRUMENT, notice.recipient)
            message = messages.build_message(
                message_id=messages.message_id_for(case.case_id, notice.recipient, MESSAGE_ROUND),
                case_number=case.number,
                instrument=INSTRUMENT,
                recipient=notice.recipient,
                created_at=now,
                expires_at=now + ttl,
                sender=messages.REQUESTER,
                payload=payload,
            )
            data = messages.encode(message)
            transport.send(
                message["message_id"], data, messages.sign(signing, data), signing.key_id
            )
            count += 1
    seconds = time.perf_counter() - start
    return Result("baseline", count, seconds, time.process_time() - cpu)


# --- Checks -------------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.failed = 0

    def __call__(self, ok: bool, text: str) -> None:
        print(f"  [{'ok' if ok else 'FAILED'}] {text}", flush=True)
        self.failed += not ok


def check_graph(svc: Services, approved: Sequence[Approved], check: Checks) -> None:
    notice_ids = [n.id for a in approved for n in a.notices]
    records, _, _ = svc.driver.execute_query(
        """
        MATCH (n:Notice) WHERE n.id IN $ids
        RETURN n.status AS status, n.attempts AS attempts, count(*) AS n
        """,
        ids=notice_ids,
        database_=svc.settings.neo4j_database,
    )
    states = Counter({(r["status"], r["attempts"]): r["n"] for r in records})
    check(
        states == Counter({("sent", 1): len(notice_ids)}),
        f"Notices sent after one attempt: {states[('sent', 1)]}/{len(notice_ids)}"
        + ("" if len(states) <= 1 else f" (all: {dict(states)})"),
    )
    records, _, _ = svc.driver.execute_query(
        "MATCH (c:Case) WHERE c.id IN $ids RETURN c.status AS status, count(*) AS n",
        ids=[a.case_id for a in approved],
        database_=svc.settings.neo4j_database,
    )
    cases = Counter({r["status"]: r["n"] for r in records})
    check(
        cases == Counter({"disseminated": len(approved)}),
        f"cases disseminated: {cases['disseminated']}/{len(approved)}"
        + ("" if len(cases) <= 1 else f" (all: {dict(cases)})"),
    )


def check_outbox(svc: Services, approved: Sequence[Approved], check: Checks) -> None:
    outbox = svc.settings.outbox_dir
    public = svc.keys.signing.public_pem()
    ids = [n.message_id for a in approved for n in a.notices]
    pairs = sum(
        (outbox / f"{mid}.json").is_file() and (outbox / f"{mid}.sig").is_file() for mid in ids
    )
    verified = sum(messages.verify_file(outbox / f"{mid}.json", public).ok for mid in ids)
    check(
        pairs == len(ids) == len(set(ids)),
        f"outbox {outbox}: {pairs}/{len(ids)} .json/.sig pairs for distinct message ids",
    )
    check(verified == len(ids), f"outbox messages that verify: {verified}/{len(ids)}")


def check_gateway(
    svc: Services, approved: Sequence[Approved], gateway: Gateway, check: Checks
) -> None:
    expected = {n.message_id for a in approved for n in a.notices}
    signing = svc.keys.signing
    public = signing.public_pem()
    accepted = dict(gateway.accepted)
    check(
        set(accepted) == expected,
        f"gateway accepted {len(accepted)} distinct message ids, expected {len(expected)}: "
        f"{len(set(accepted) & expected)} match",
    )
    duplicates = sum(gateway.duplicates.values())
    attempts = sum(gateway.attempts.values())
    check(
        duplicates == 0 and attempts == len(expected),
        f"gateway requests: {attempts}, duplicates: {duplicates}",
    )
    records, _, _ = svc.driver.execute_query(
        "MATCH (n:Notice) WHERE n.message_id IN $ids RETURN n.message_id AS id, n.signature AS s",
        ids=sorted(expected),
        database_=svc.settings.neo4j_database,
    )
    signatures = {r["id"]: r["s"] for r in records}
    good = sum(
        gateway.key_ids.get(mid) == signing.key_id
        and messages.verify(public, body, signatures.get(mid) or "")
        for mid, body in accepted.items()
    )
    check(good == len(expected), f"accepted bodies signed with the current key: {good}")


def check_baseline(
    svc: Services, approved: Sequence[Approved], directory: Path, check: Checks
) -> None:
    """The loop built the payloads the outbox mode delivered (only the times differ)."""
    same = 0
    total = 0
    for case in approved:
        for notice in case.notices:
            total += 1
            ours = json.loads((directory / f"{notice.message_id}.json").read_bytes())
            sent = json.loads((svc.settings.outbox_dir / f"{notice.message_id}.json").read_bytes())
            for envelope in (ours, sent):
                del envelope["created_at"], envelope["expires_at"]
            same += ours == sent
    check(same == total, f"baseline messages equal to the delivered ones: {same}/{total}")


def delete_jobs(svc: Services, notice_ids: Sequence[str]) -> None:
    found = Job.fetch_many(
        [job_queue.notice_job_id(i) for i in notice_ids],
        connection=svc.redis,
        serializer=job_queue.SERIALIZER,
    )
    for job in found:
        if job is not None:
            job.delete()


# --- Main ---------------------------------------------------------------------------------------


def print_profile(mode: str, profiler: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\n{mode} under cProfile, by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print(f"{mode} under cProfile, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    parser = support.parser(__doc__)
    parser.add_argument(
        "--cases", type=int, default=100, help="approved cases per delivery mode (default 100)"
    )
    parser.add_argument(
        "--countries", type=int, default=10,
        help=f"recipients per case, the first K of {' '.join(EU_PARTICIPANTS)} (default 10)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", choices=("outbox", "http"), default=None,
        help="run this mode's drain under cProfile and print the hot spots",
    )  # fmt: skip
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    args = parser.parse_args(argv)
    if args.cases < 1 or not 1 <= args.countries <= len(EU_PARTICIPANTS) or args.top < 1:
        parser.error(
            f"--cases and --top must be at least 1, --countries from 1 to {len(EU_PARTICIPANTS)}"
        )
    countries = EU_PARTICIPANTS[: args.countries]

    rng = random.Random(args.seed)
    check = Checks()
    with support.services({**os.environ, **APP_ENV}, QUIET) as (_app, svc):
        require_idle_queue(svc)
        caseworker, _ = support.new_user(svc, "caseworker", AGENCY)
        screener, _ = support.new_user(svc, "screener")
        total = args.cases * len(countries)
        print(
            f"dissemination benchmark: {args.cases} approved diffusions per mode to "
            f"{len(countries)} countries ({' '.join(countries)}) = {total} messages per mode; "
            f"{support.machine()}, Neo4j {svc.settings.neo4j_uri}, Redis "
            f"{svc.settings.redis_url}, users {caseworker.username} and {screener.username}",
            flush=True,
        )
        start = time.perf_counter()
        outbox_cases, screening = approve_cases(
            svc, caseworker, screener, countries, args.cases, rng
        )
        http_cases, _ = approve_cases(svc, caseworker, screener, countries, args.cases, rng)
        print(
            f"setup: {2 * args.cases} cases created, submitted and approved in "
            f"{time.perf_counter() - start:.1f} s; screening of the first: {screening}",
            flush=True,
        )
        profiler = cProfile.Profile() if args.profile else None

        print("\noutbox", flush=True)
        outbox_ids = [n.id for a in outbox_cases for n in a.notices]
        with environment(
            SILVER_TRANSPORT="outbox", SILVER_RETRY_INTERVALS=APP_ENV["SILVER_RETRY_INTERVALS"]
        ):
            outbox = deliver_all(
                svc, "outbox", outbox_ids, profiler if args.profile == "outbox" else None
            )
        check_graph(svc, outbox_cases, check)
        check_outbox(svc, outbox_cases, check)
        delete_jobs(svc, outbox_ids)

        print("\nhttp", flush=True)
        http_ids = [n.id for a in http_cases for n in a.notices]
        with (
            Gateway() as gateway,
            environment(
                SILVER_TRANSPORT="http",
                SILVER_GATEWAY_URL=gateway.url,
                SILVER_RETRY_INTERVALS=APP_ENV["SILVER_RETRY_INTERVALS"],
            ),
        ):
            http = deliver_all(svc, "http", http_ids, profiler if args.profile == "http" else None)
        check_graph(svc, http_cases, check)
        check_gateway(svc, http_cases, gateway, check)
        delete_jobs(svc, http_ids)

        print("\nbaseline", flush=True)
        with tempfile.TemporaryDirectory(prefix="silver-bench-outbox-") as tmp:
            base = baseline(outbox_cases, svc, Path(tmp))
            check_baseline(svc, outbox_cases, Path(tmp), check)

    results = [outbox, http, base]
    if args.profile:
        results[("outbox", "http").index(args.profile)].mode += " (cProfile)"
    print()
    print(f"{'mode':<20}{'messages':>9}{'seconds':>10}{'messages/s':>12}{'ms/message':>12}")
    for r in results:
        print(
            f"{r.mode:<20}{r.messages:>9}{r.seconds:>10.2f}{r.rate:>12.1f}{r.ms_per_message:>12.2f}"
        )
    print()
    for r in (outbox, http):
        assert r.enqueue_seconds is not None
        print(
            f"{r.mode.split()[0] + '/baseline':<16} messages/s {support.ratio(r.rate, base.rate)}, "
            f"ms/message {support.ratio(r.ms_per_message, base.ms_per_message)} "
            f"(enqueueing took {r.enqueue_seconds:.2f} s of its {r.seconds:.2f} s)"
        )
    print(
        "CPU time of this process (all threads) against the clock: "
        + ", ".join(
            f"{r.mode} {r.cpu_seconds:.2f} s of {r.seconds:.2f} s ({r.cpu_seconds / r.seconds:.0%})"
            for r in results
        )
    )
    if profiler is not None and args.profile:
        print_profile(args.profile, profiler, args.top)
    if check.failed:
        print(f"\n{check.failed} checks FAILED: the figures above are not to be trusted")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
