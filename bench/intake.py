"""Case intake throughput: the HTTP API against the same writes made without it.

    .venv/bin/python bench/intake.py [--cases 200] [--concurrency 4] [--warmup 5] [--seed N]

Three modes, each creating N cases of 5 subjects and 10 assets from C client threads:

* api:        POST /api/v1/cases over real HTTP/1.1 (keep-alive, one connection per client
              thread) to the app served by werkzeug's threaded server on 127.0.0.1 in this
              process: authentication, validation, encryption, projection and audit.
* service:    silver.services.intake.create_case with a unit of work, called directly: the
              same validation, Cypher, encryption, projection and audit, without HTTP or
              authentication.
* raw driver: one transaction per case with one CREATE of a case node and UNWINDs creating 5
              subject and 10 asset nodes, no encryption, projection or audit. These nodes are
              labelled BenchCase/BenchSubject/BenchAsset and deleted at the end.

Every case has its own random, valid identifiers (IBANs with computed check digits and so on),
so the cases do not link to each other. The api and service cases are real draft cases of a
new caseworker `bench-<random>` of POLITIE, in the configured database (the local one unless
NEO4J_URI is set); they stay there like any other case.

Caveat: the server shares this process (and its GIL) with the client threads, so the api figure
includes the clients' own small cost; the service and raw modes share the process with nothing.
"""

from __future__ import annotations

import http.client
import json
import random
import string
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import support  # puts the project root on sys.path: before any of the project's imports
from support import VIN_CHARS, Body

# isort: split
from werkzeug.serving import WSGIRequestHandler, make_server

from silver.bootstrap import Silver as Services
from silver.domain.case_body import validate_case_body
from silver.domain.users import User
from silver.services import (
    intake,
)
from tests.support import identifiers as demo

TARGETS = ("BE", "ES", "FR", "GB", "IT", "PL", "PT", "SE", "AE", "SG", "US", "GE", "MT")
AGENCY = "POLITIE"


# --- Random, valid, unique case bodies ----------------------------------------------------------


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()
        self.count = 0

    def _unique(self, make: Callable[[], str | None]) -> str:
        while True:
            value = make()
            if value is not None and value not in self.seen:
                self.seen.add(value)
                return value

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choices(string.digits, k=n))

    def _alnum(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=n))

    def nl_iban(self) -> str:
        def make() -> str | None:
            bban = demo.nl_bban("BNCH", self._digits(9))
            return demo.iban("NL", bban) if bban else None

        return self._unique(make)

    def imo(self) -> str:
        return self._unique(lambda: demo.imo(self._digits(6)))

    def vin(self) -> str:
        return self._unique(
            lambda: demo.vin(
                "ZZB" + "".join(self.rng.choices(VIN_CHARS, k=5)), "SB" + self._digits(6)
            )
        )

    def lei(self) -> str:
        return self._unique(lambda: demo.lei("BNCH00" + self._alnum(12)))

    def eth(self) -> str:
        return self._unique(lambda: "0x" + "".join(self.rng.choices("0123456789abcdef", k=40)))

    def generic(self, prefix: str) -> str:
        return self._unique(lambda: f"{prefix}{self._alnum(9)}")

    def body(self) -> Body:
        self.count += 1
        n = self.count
        money = {"amount": f"{self.rng.randint(1_000, 2_000_000)}.00", "currency": "EUR"}

        def person(key: str, role: str, **extra: Any) -> Body:
            return {
                "key": key,
                "kind": "person",
                "role": role,
                "full_name": f"Bench Persoon {key} {n}",
                "date_of_birth": f"{self.rng.randint(1950, 2000)}-0{self.rng.randint(1, 9)}-1"
                f"{self.rng.randint(0, 9)}",
                "nationalities": ["NL"],
                "residence_country": self.rng.choice(TARGETS),
                **extra,
            }

        subjects = [
            person(
                "p1",
                "suspect",
                identifiers=[{"type": "passport", "value": self.generic("BP"), "country": "NL"}],
            ),
            person(
                "p2",
                "suspect",
                identifiers=[{"type": "national_id", "value": self.generic("BN"), "country": "BE"}],
            ),
            person("p3", "third_party", justification="Co-holder of an account (benchmark)."),
            {
                "key": "o1",
                "kind": "organisation",
                "role": "suspect",
                "name": f"Bench Holding {n} BV",
                "registration_number": self.generic("BK"),
                "jurisdiction": "NL",
                "lei": self.lei(),
            },
            {
                "key": "o2",
                "kind": "organisation",
                "role": "suspect",
                "name": f"Bench Trading {n} Ltd",
                "registration_number": self.generic("BK"),
                "jurisdiction": "GB",
            },
        ]
        assets: list[Body] = [
            {
                "key": f"acc{i}",
                "type": "bank_account",
                "iban": self.nl_iban(),
                "country": "NL",
                "estimated_value": money,
            }
            for i in range(1, 5)
        ]
        assets += [
            {
                "key": "car",
                "type": "vehicle",
                "vin": self.vin(),
                "registration_plate": self.generic("BV"),
                "country": "NL",
                "estimated_value": money,
            },
            {
                "key": "ship",
                "type": "vessel",
                "imo": self.imo(),
                "name": f"Bench Vessel {n}",
                "country": "MT",
                "estimated_value": money,
            },
            {
                "key": "house",
                "type": "real_estate",
                "address": f"Benchstraat {n}, Fictiestad",
                "cadastral_reference": self.generic("BC"),
                "country": "ES",
                "estimated_value": money,
            },
            {
                "key": "wallet",
                "type": "crypto_wallet",
                "currency": "ETH",
                "address": self.eth(),
                "estimated_value": money,
            },
            {
                "key": "shares",
                "type": "company_share",
                "organisation": "o1",
                "percentage": 60,
                "country": "NL",
                "estimated_value": money,
            },
            {
                "key": "plane",
                "type": "aircraft",
                "registration_mark": self.generic("N-"),
                "country": "US",
                "estimated_value": money,
            },
        ]
        holders = ["p1", "p2", "p3", "o1", "o2"]
        holdings = [
            {"subject": holders[i % 5], "asset": a["key"], "relation": "owns", "share": 1}
            for i, a in enumerate(assets)
        ]
        return {
            "title": f"[BENCH] Intake benchmark case {n}",
            "national_reference": f"BENCH-{uuid.uuid4().hex[:12]}",
            "crime_types": ["money_laundering", "fraud"],
            "offence_summary": "Synthetic case made by bench/intake.py.",
            "max_penalty_years": 8,
            "legal_basis": {"type": "criminal_investigation", "reference": "BENCH"},
            "urgency": "normal",
            "requested_instrument": "notice",
            "target_countries": self.rng.sample(TARGETS, 2),
            "subjects": subjects,
            "assets": assets,
            "holdings": holdings,
            "relations": [
                {"from": "p1", "to": "o1", "relation": "director_of"},
                {"from": "p2", "to": "o2", "relation": "director_of"},
                {"from": "p3", "to": "p1", "relation": "relative_of"},
            ],
        }


# --- Running and timing -------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    cases: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.cases / self.seconds

    def percentile(self, p: int) -> float:
        return support.percentile(self.latencies_ms, p)


def run(
    mode: str,
    items: Sequence[Any],
    concurrency: int,
    make_worker: Callable[[], Callable[[Any], None]],
) -> Result:
    """Run every item through a per-thread worker from `concurrency` threads; time each call."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(item: Any) -> None:
        worker = getattr(local, "worker", None)
        if worker is None:
            worker = local.worker = make_worker()
        start = time.perf_counter()
        worker(item)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(one, item) for item in items]:
            future.result()
    return Result(mode, len(items), time.perf_counter() - start, latencies)


class Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def api_worker(port: int, token: str) -> Callable[[], Callable[[bytes], None]]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def make() -> Callable[[bytes], None]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def post(payload: bytes) -> None:
            conn.request("POST", "/api/v1/cases", body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 201:
                raise RuntimeError(f"POST /api/v1/cases -> {response.status}: {data[:500]!r}")

        return post

    return make


def service_worker(svc: Services, user: User) -> Callable[[], Callable[[Body], None]]:
    def make() -> Callable[[Body], None]:
        def create(body: Body) -> None:
            intake.create_case(body, user, svc.uow(), svc.keys)

        return create

    return make


RAW_CYPHER = """
CREATE (c:BenchCase)
SET c = $case
WITH c
UNWIND $subjects AS s
CREATE (c)-[:HAS_SUBJECT]->(:BenchSubject {uid: s.uid, kind: s.kind, role: s.role})
WITH DISTINCT c
UNWIND $assets AS a
CREATE (c)-[:HAS_ASSET]->(:BenchAsset {uid: a.uid, type: a.type,
                                       value_amount: a.amount, value_currency: a.currency})
"""


def raw_params(body: Body) -> dict[str, Any]:
    case_id = str(uuid.uuid4())
    return {
        "case": {
            "id": case_id,
            "agency": AGENCY,
            "status": "draft",
            "version": 1,
            "created_at": datetime.now(UTC),
            "body": json.dumps(body, sort_keys=True),
        },
        "subjects": [
            {"uid": f"{case_id}/s{i}", "kind": s["kind"], "role": s["role"]}
            for i, s in enumerate(body["subjects"])
        ],
        "assets": [
            {
                "uid": f"{case_id}/a{i}",
                "type": a["type"],
                "amount": a["estimated_value"]["amount"],
                "currency": a["estimated_value"]["currency"],
            }
            for i, a in enumerate(body["assets"])
        ],
    }


def raw_worker(svc: Services) -> Callable[[], Callable[[Body], None]]:
    database = svc.settings.neo4j_database

    def make() -> Callable[[Body], None]:
        def create(body: Body) -> None:
            with (
                svc.driver.session(database=database) as session,
                session.begin_transaction() as tx,
            ):
                tx.run(RAW_CYPHER, raw_params(body)).consume()
                tx.commit()

        return create

    return make


def delete_raw(svc: Services) -> None:
    while True:
        records, _, _ = svc.driver.execute_query(
            """
            MATCH (n) WHERE n:BenchCase OR n:BenchSubject OR n:BenchAsset
            WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n
            """,
            database_=svc.settings.neo4j_database,
        )
        if not records or records[0]["n"] == 0:
            return


# --- Main ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--cases", type=int, default=200, help="cases per mode (default 200)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--warmup", type=int, default=5, help="uncounted cases per mode first (default 5)"
    )
    args = parser.parse_args(argv)
    if args.cases < 1 or args.concurrency < 1 or args.warmup < 0:
        parser.error("--cases and --concurrency must be at least 1, --warmup at least 0")

    with support.services() as (app, svc):
        gen = Generator(random.Random(args.seed))
        per_mode = args.cases + args.warmup
        user, password = support.new_user(svc, "caseworker", AGENCY)

        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Handler)
        thread = threading.Thread(target=server.serve_forever, name="bench-server", daemon=True)
        thread.start()
        port = server.port
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST",
                "/api/v1/auth/token",
                body=json.dumps({"username": user.username, "password": password}),
                headers={"Content-Type": "application/json"},
            )
            token = json.loads(conn.getresponse().read())["access_token"]
            conn.close()

            print(
                f"intake benchmark: {args.cases} cases per mode (+{args.warmup} warm-up), "
                f"5 subjects and 10 assets each, concurrency {args.concurrency}, "
                f"{support.machine()}, Neo4j {svc.settings.neo4j_uri}, user {user.username}",
                flush=True,
            )

            payloads = [json.dumps(gen.body()).encode() for _ in range(per_mode)]
            api_make = api_worker(port, token)
            run("api warm-up", payloads[: args.warmup], args.concurrency, api_make)
            api = run("api (HTTP)", payloads[args.warmup :], args.concurrency, api_make)

            bodies = [validate_case_body(gen.body()) for _ in range(per_mode)]
            service_make = service_worker(svc, user)
            run("service warm-up", bodies[: args.warmup], args.concurrency, service_make)
            service = run("service", bodies[args.warmup :], args.concurrency, service_make)

            raw_bodies = [validate_case_body(gen.body()) for _ in range(per_mode)]
            raw_make = raw_worker(svc)
            run("raw warm-up", raw_bodies[: args.warmup], args.concurrency, raw_make)
            raw = run("raw driver", raw_bodies[args.warmup :], args.concurrency, raw_make)
        finally:
            server.shutdown()
            delete_raw(svc)

    print()
    print(f"{'mode':<12}{'cases':>7}{'seconds':>10}{'cases/s':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for r in (api, service, raw):
        print(
            f"{r.mode:<12}{r.cases:>7}{r.seconds:>10.2f}{r.rate:>10.1f}"
            f"{r.percentile(50):>10.1f}{r.percentile(95):>10.1f}"
        )
    print()
    for name, base in (("API/service", service), ("API/raw driver", raw)):
        print(
            f"{name:<15} throughput {support.ratio(api.rate, base.rate)}, "
            f"p50 latency {support.ratio(api.percentile(50), base.percentile(50))}, "
            f"p95 latency {support.ratio(api.percentile(95), base.percentile(95))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
