"""Tracing at ICIJ scale: the trace service beside the bare Cypher traversal of the same shape.

    .venv/bin/python bench/trace.py [--traces 200] [--depth 6] [--dataset bench-icij] [--seed N]
                                    [--profile K]

Needs the reference dataset that `bench/reference.py --keep` leaves behind (`bench-icij`: at
scale 1 about 2 million entities and 3.3 million links), in the local Neo4j of `make run` (or
NEO4J_URI). Then, in one run:

* random starts: a bench case whose organisations are `--traces` companies of the dataset
  picked at random (each matches its company by name and jurisdiction); one trace from each,
  `--depth` steps down;
* hub starts: the same for the companies that own the most others (the hubs of the ownership
  graph; a trace from one reaches the cap of 1,000 and says `truncated`);
* for every start, in alternating order, the service (`services.cases.trace`: reads and opens
  the sealed case, checks access, traverses, resolves other cases, renders, audits) beside the
  bare query (the same Cypher with the same parameters over the driver, rows fetched, nothing
  else);
* /matches of a case with 50 organisations and 200 assets (bank accounts and vessels of the
  dataset, matched by IBAN and IMO), through the service, beside its bare query.

It prints p50/p95 of each and the ratios. `--profile K` then traces from the random starts
once more under cProfile and prints the K functions with the most cumulative time (where the
service spends what the bare query does not). Targets (issue 13): the service at most 1.5x the bare
query; p95 under 100 ms for ordinary starts and under 500 ms from a hub; /matches p95 under
200 ms. The bench cases are deleted at the end.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import support  # puts the project root on sys.path: before any of the project's imports

# isort: split
from graph.repositories.tracing import MATCHES, MATCHES_PER_KEY, trace_query
from silver.bootstrap import Silver
from silver.domain import projection
from silver.domain.users import User
from silver.services.tracing import BRIDGES, FANOUT, RESULT_CAP

AGENCY = "FIOD"
PURPOSE = "bench: trace"


def ref_companies(svc: Silver, dataset: str, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """`n` companies of the dataset at random (by a random offset into the id index)."""
    total = svc.driver.execute_query(
        "MATCH (c:Ref:Company {dataset: $d}) WHERE c.id STARTS WITH 'c' RETURN count(c) AS n",
        d=dataset,
    ).records[0]["n"]
    if total == 0:
        raise SystemExit(f"no dataset {dataset!r}: run bench/reference.py --keep first")
    out = []
    for index in rng.sample(range(total), min(n, total)):
        records = svc.driver.execute_query(
            "MATCH (c:Ref:Company {dataset: $d, id: $id}) "
            "RETURN c.names AS names, c.jurisdictions AS jurisdictions",
            d=dataset,
            id=f"c{index}",
        ).records
        if records and records[0]["names"] and records[0]["jurisdictions"]:
            out.append(
                {"name": records[0]["names"][0], "jurisdiction": records[0]["jurisdictions"][0]}
            )
    return out


def hub_companies(svc: Silver, dataset: str, n: int) -> list[dict[str, Any]]:
    """The `n` companies that own the most others."""
    records = svc.driver.execute_query(
        """
        MATCH (c:Ref:Company {dataset: $d})
        WITH c, COUNT { (c)-[:OWNS]->() } AS owned ORDER BY owned DESC LIMIT $n
        RETURN c.names AS names, c.jurisdictions AS jurisdictions, owned
        """,
        d=dataset,
        n=n,
    ).records
    return [
        {"name": r["names"][0], "jurisdiction": r["jurisdictions"][0], "owned": r["owned"]}
        for r in records
        if r["names"] and r["jurisdictions"]
    ]


def bench_case(
    svc: Silver,
    user: User,
    organisations: Sequence[dict[str, Any]],
    assets: Sequence[dict[str, Any]] = (),
) -> str:
    body = {
        "title": "bench: tracing",
        "subjects": [
            {
                "key": f"o{i}",
                "kind": "organisation",
                "role": "suspect",
                # Only fields of a subject: a hub's `owned` count is not one.
                **{k: v for k, v in org.items() if k in ("name", "jurisdiction")},
            }
            for i, org in enumerate(organisations)
        ],
        "assets": list(assets),
    }
    return svc.services.cases.create(body, user).id


def ref_assets(svc: Silver, dataset: str, n: int) -> list[dict[str, Any]]:
    """`n` bank accounts and vessels of the dataset as case assets (half and half)."""
    accounts = svc.driver.execute_query(
        "MATCH (b:Ref:BankAccount {dataset: $d}) RETURN b.properties AS p LIMIT $n",
        d=dataset, n=n // 2,
    ).records  # fmt: skip
    vessels = svc.driver.execute_query(
        "MATCH (v:Ref:Vessel {dataset: $d}) RETURN v.properties AS p LIMIT $n",
        d=dataset, n=n - len(accounts),
    ).records  # fmt: skip
    out: list[dict[str, Any]] = []
    for r in accounts:
        out.append({"type": "bank_account", "iban": json.loads(r["p"])["iban"][0]})
    for r in vessels:
        out.append({"type": "vessel", "imo": json.loads(r["p"])["imoNumber"][0]})
    return [{"key": f"a{i}", **a} for i, a in enumerate(out)]


def delete_cases(svc: Silver, ids: Sequence[str]) -> None:
    svc.driver.execute_query(
        """
        UNWIND $ids AS id
        MATCH (c:Case {id: id})
        OPTIONAL MATCH (c)-[:HAS_SUBJECT|HAS_ASSET]->(n)
        DETACH DELETE n, c
        """,
        ids=list(ids),
    )


def bare_trace(svc: Silver, case_id: str, uid: str, depth: int) -> list[Any]:
    return svc.driver.execute_query(
        trace_query("down", "subject", depth),
        start=uid,
        case_id=case_id,
        agency=AGENCY,
        depth=depth,
        linking=BRIDGES,
        fanout=FANOUT,
        limit=RESULT_CAP + 1,
        database_=svc.settings.neo4j_database,
    ).records


def pair(service: Callable[[], Any], bare: Callable[[], Any], order: int) -> tuple[float, float]:
    """One call of each, in the given order (alternated by the caller), in milliseconds."""
    times: dict[str, float] = {}
    for name, call in (
        (("s", service), ("b", bare)) if order % 2 == 0 else (("b", bare), ("s", service))
    ):
        start = time.perf_counter()
        call()
        times[name] = (time.perf_counter() - start) * 1000
    return times["s"], times["b"]


def report(
    title: str, service: list[float], bare: list[float], target: float, extra: str = ""
) -> None:
    p = support.percentile
    s50, s95, b50, b95 = p(service, 50), p(service, 95), p(bare, 50), p(bare, 95)
    print(
        f"{title:<24} service p50 {s50:7.1f} ms  p95 {s95:7.1f} ms | bare p50 {b50:7.1f} ms  "
        f"p95 {b95:7.1f} ms | ratio p50 {support.ratio(s50, b50)}  p95 {support.ratio(s95, b95)}"
        f" | target p95 < {target:.0f} ms, ratio <= 1.5x {extra}"
    )


def run_traces(
    svc: Silver, user: User, case_id: str, count: int, depth: int
) -> tuple[list[float], list[float], int, int]:
    service, bare, truncated, reached = [], [], 0, 0
    for i in range(count):
        key, uid = f"o{i}", projection.subject_uid(case_id, i)
        result: dict[str, Any] = {}

        def by_service(key: str = key, result: dict[str, Any] = result) -> None:
            result.update(svc.services.cases.trace(case_id, key, "down", depth, user, PURPOSE))

        def by_query(uid: str = uid) -> None:
            bare_trace(svc, case_id, uid, depth)

        s, b = pair(by_service, by_query, i)
        service.append(s)
        bare.append(b)
        truncated += bool(result.get("truncated"))
        reached += len(result.get("reached", []))
    return service, bare, truncated, reached


def main() -> None:
    parser = support.parser(__doc__)
    parser.add_argument("--traces", type=int, default=200, help="starts of each kind (200)")
    parser.add_argument("--depth", type=int, default=6, help="steps (6)")
    parser.add_argument("--dataset", default="bench-icij")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="K",
        help="afterwards, profile the service's traces and print the K costliest functions",
    )  # fmt: skip
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with support.services() as (_app, svc):
        nodes = svc.driver.execute_query(
            "MATCH (n:Ref {dataset: $d}) RETURN count(n) AS n", d=args.dataset
        ).records[0]["n"]
        rels = svc.driver.execute_query(
            "MATCH (:Ref {dataset: $d})-[r]->() RETURN count(r) AS n", d=args.dataset
        ).records[0]["n"]
        print(
            f"bench/trace.py: {support.machine()}, dataset {args.dataset}: {nodes:,} nodes, "
            f"{rels:,} relationships; depth {args.depth}, {args.traces} starts of each kind"
        )
        user, _ = support.new_user(svc, "caseworker", AGENCY)
        ordinary = ref_companies(svc, args.dataset, args.traces, rng)
        hubs = hub_companies(svc, args.dataset, args.traces)
        owned = [h["owned"] for h in hubs] or [0]
        print(f"hubs own {max(owned):,} .. {min(owned):,} companies each")
        cases = [bench_case(svc, user, ordinary), bench_case(svc, user, hubs)]
        matches_case = bench_case(svc, user, ordinary[:50], ref_assets(svc, args.dataset, 200))
        cases.append(matches_case)
        try:
            # Warm both paths (plans, page cache) with a few starts first.
            run_traces(svc, user, cases[0], min(5, len(ordinary)), args.depth)
            s, b, t, r = run_traces(svc, user, cases[0], len(ordinary), args.depth)
            report(
                "random starts",
                s,
                b,
                100,
                f"| {t} truncated, {r / max(1, len(s)):.0f} reached on average",
            )
            s, b, t, r = run_traces(svc, user, cases[1], len(hubs), args.depth)
            report(
                "hub starts",
                s,
                b,
                500,
                f"| {t} truncated, {r / max(1, len(s)):.0f} reached on average",
            )

            def by_service() -> None:
                svc.services.cases.matches(matches_case, user, PURPOSE)

            def bare() -> None:
                svc.driver.execute_query(MATCHES, case_id=matches_case, per_key=MATCHES_PER_KEY)

            found = len(svc.services.cases.matches(matches_case, user, PURPOSE))
            ms, mb = [], []
            for i in range(100):
                x, y = pair(by_service, bare, i)
                ms.append(x)
                mb.append(y)
            report("/matches 50 x 200", ms, mb, 200, f"| {found} matches")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                run_traces(svc, user, cases[0], len(ordinary), args.depth)
                profiler.disable()
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(args.profile)
        finally:
            delete_cases(svc, cases)


if __name__ == "__main__":
    main()
