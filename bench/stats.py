"""Pilot statistics at pilot scale: the full statistics beside a single count of the cases.

    .venv/bin/python bench/stats.py [--cases 10000] [--outcomes 100000] [--repeat 7] [--seed N]

Builds a synthetic data set with UNWIND batches of raw Cypher (tests/support/stats_graph.py, the
writer of the statistics tests too), shaped as docs/graph-model.md describes the graph: N cases
across FIOD, OM and POLITIE with assets, decisions (returns, rejections, single and four-eyes
approvals), KEPT_OUT relationships, notices (a notice is one Notice SENT_TO every participant but
the Netherlands, a diffusion one Notice per chosen country) and M outcomes reported by the
countries that received the case. The recipients are the participating countries already in the
graph (51 with the Netherlands after `flask --app wsgi graph init`). Every case is created in 1066,
a year no real case uses, and every case id starts with `bench-stats-<random>-`: the statistics of
that window see exactly this data set, and all of it is deleted at the end, also after an error.

Then, in the same run and against the same database, it times after one warm-up each:

* count: `MATCH (c:Case) RETURN count(c)` through the driver: a round trip and a label count,
  the floor any query pays;
* stats:  `silver.services.stats.pilot_statistics` with the real reader (the sums of the
  buckets that cover the window, graph/repositories/stats.py `read_stats`), assembled and
  suppressed, as the API computes it before rendering; once for `internal`, once for `public`.
  The reader keeps the sums of the last periods by the tokens of their buckets (new whenever a
  write changes one), so a repeated reading of unchanged data only checks the tokens; the
  `..., sums` lines drop them before every call: every bucket parsed and summed again, the
  figure for data that just changed;
* recount: the same with the full recount instead (`recount`: every query of
  graph/repositories/stats.py over the window's cases and outcomes), the path before the sums;
* report: the HTML report with its charts drawn (SVG), for the record.

The writer has the sums take the data set in (`refresh_cases`, as the service's write
transactions do), timed and printed apart. Before timing, the internal figures of both paths
are compared: they must be equal, figure for figure.

Each is repeated `--repeat` times; the medians, their ratio to the count and the ratio of each
path to the recount are printed.
`--profile` also prints, per statistics query, the database hits Neo4j's PROFILE reports.

The range index the period filter needs (`case_created_at` on `Case.created_at`) is created
with IF NOT EXISTS before timing, so the figure reflects it.
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import support  # puts the project root on sys.path: before any of the project's imports

# isort: split
import neo4j

import graph.repositories.stats as queries
from api.stats.report import render_report
from graph.repositories.stats import forget_summed, read_stats, recount
from silver.domain.projection import ASSET_LABELS
from silver.domain.stats.export import PilotStatistics, to_json
from silver.domain.stats.rates import default_rates
from silver.services import stats
from tests.support import stats_graph

YEAR = 1066
AGENCIES = ("FIOD", "OM", "POLITIE")
CRIMES = ("fraud", "corruption", "drug_trafficking", "money_laundering", "tax_fraud",
          "organised_crime", "cybercrime", "other")  # fmt: skip
RESULTS = ("no_information", "asset_located", "frozen", "seized", "confiscated", "returned")
REASONS = ("INSUFFICIENT_DATA", "PENALTY_THRESHOLD", "MISUSE_RISK", "NOT_PROPORTIONATE", "OTHER")
RULES = ("MISUSE.DEATH_PENALTY", "MISUSE.HUMAN_RIGHTS", "MISUSE.CORRUPTION",
         "MISUSE.SUBJECT_TIES")  # fmt: skip
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "GBP", "CHF", "KZT", "AED")
INDEXES = ("CREATE INDEX case_created_at IF NOT EXISTS FOR (c:Case) ON (c.created_at)",)
Row = dict[str, Any]


# --- The data set ---------------------------------------------------------------------------------


class DataSet:
    """Rows for every kind of node, made in memory first so that writing is all that is timed
    by the database, and outcomes can be spread over the pairs that received a case. The rows
    are those of tests/support/stats_graph.py, the writer the statistics tests use too."""

    def __init__(self, rng: random.Random, prefix: str, countries: Sequence[str]) -> None:
        self.rng, self.prefix, self.countries = rng, prefix, list(countries)
        self.graph = stats_graph.StatsGraph()
        self.rows = self.graph.rows
        self.reached: list[tuple[str, datetime, list[str], list[str]]] = []
        self.serial = 0

    def uid(self) -> str:
        self.serial += 1
        return f"{self.prefix}x{self.serial}"

    def money(self) -> tuple[str | None, str | None]:
        if self.rng.random() < 0.15:
            return None, None
        amount = f"{self.rng.randint(500, 5_000_000)}.{self.rng.randint(0, 99):02d}"
        return amount, self.rng.choice(CURRENCIES)

    def build(self, n_cases: int, n_outcomes: int) -> None:
        for i in range(n_cases):
            self.case(i)
        self.outcomes(n_outcomes)

    def case(self, i: int) -> None:
        rng, case_id = self.rng, f"{self.prefix}{i:06d}"
        created = datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(525_000))
        row = self.graph.case(
            case_id, agency=rng.choice(AGENCIES), status="draft",
            urgency=rng.choice(("normal", "urgent")),
            crime_types=rng.sample(CRIMES, rng.randint(1, 3)),
            target_countries=rng.sample(self.countries, 2), subject_count=2, created_at=created,
        )  # fmt: skip
        assets = [f"{case_id}/a{j}" for j in range(rng.randint(1, 5))]
        row["asset_count"] = len(assets)
        for uid in assets:
            kind = rng.choice(tuple(ASSET_LABELS))
            self.graph.asset(case_id, uid, kind, *self.money())
        if rng.random() < 0.2:
            return
        t = created + timedelta(hours=rng.randint(1, 200))
        row.update(status="submitted", submitted_at=t, first_submitted_at=t)
        if rng.random() < 0.3:
            t += timedelta(hours=rng.randint(2, 300))
            self.decision(case_id, "return", "single", t, rng.sample(REASONS, 2))
            t += timedelta(hours=rng.randint(2, 300))
            row.update(status="submitted", submitted_at=t)
        t += timedelta(hours=rng.randint(2, 400))
        verdict = rng.random()
        if verdict < 0.2:
            self.decision(case_id, "reject", "single", t, rng.sample(REASONS, 1))
            row.update(status="rejected", decided_at=t)
            return
        if verdict > 0.65:
            return
        if rng.random() < 0.3:
            self.decision(case_id, "approve", "first", t, [])
            t += timedelta(hours=rng.randint(2, 100))
            self.decision(case_id, "approve", "second", t, [])
        else:
            self.decision(case_id, "approve", "single", t, [])
        row.update(status="approved", decided_at=t, approved_at=t)
        if rng.random() < 0.3:
            for country in rng.sample(self.countries, rng.randint(1, 3)):
                self.graph.kept_out(case_id, country, rng.choice(RULES), t)
        if rng.random() < 0.85:
            self.disseminate(case_id, row, t, assets)

    def decision(self, case_id: str, kind: str, stage: str, at: datetime, codes: list[str]) -> None:
        self.graph.decision(case_id, self.uid(), kind, stage, at, codes, "bench")

    def disseminate(self, case_id: str, row: Row, t: datetime, assets: list[str]) -> None:
        rng = self.rng
        sent = t + timedelta(hours=rng.randint(1, 48))
        row.update(status="disseminated", disseminated_at=sent, instrument="notice")
        if rng.random() < 0.5:
            notices = [("notice", "INTERPOL-GS", self.countries)]
        else:
            notices = [("diffusion", c, [c]) for c in rng.sample(self.countries, rng.randint(1, 4))]
        for instrument, recipient, countries in notices:
            status = rng.choice(("sent", "sent", "acknowledged", "acknowledged", "failed"))
            delivered = status != "failed"
            self.graph.notice(
                case_id, self.uid(), instrument=instrument, recipient=recipient,
                countries=countries, status=status, queued_at=t,
                sent_at=sent if delivered else None,
                due_by=sent + timedelta(days=7) if delivered else None,
                overdue=status == "sent" and rng.random() < 0.5,
            )  # fmt: skip
            if delivered:
                self.reached.append((case_id, sent, countries, assets))
        if rng.random() < 0.3:
            row.update(status="closed", closed_at=sent + timedelta(days=90))

    def outcomes(self, n: int) -> None:
        """`n` outcomes, each from a country a case reached, on one of the case's assets."""
        rng = self.rng
        if not self.reached:
            return
        for _ in range(n):
            case_id, sent, countries, assets = rng.choice(self.reached)
            result = rng.choice(RESULTS)
            amount, currency = (None, None) if result == "no_information" else self.money()
            asset_uid = rng.choice(assets) if assets else None
            self.graph.outcome(
                case_id, self.uid(), country=rng.choice(countries), result=result,
                asset_uid=asset_uid, amount=amount, currency=currency,
                reported_on=sent.date() + timedelta(days=rng.randint(0, 120)),
                recorded_at=sent, by="bench",
            )  # fmt: skip


# --- Timing ---------------------------------------------------------------------------------------


def profile(driver: neo4j.Driver, database: str | None, start: datetime, end: datetime) -> None:
    """Database hits and rows of every statistics query (PROFILE), biggest first."""
    params = {"start": start, "end": end, "now": datetime.now(UTC), "requester": "NL",
              "rated": default_rates().convertible}  # fmt: skip
    results = []
    for name, text in vars(queries).items():
        if not (
            name.isupper()
            and isinstance(text, str)
            and text.lstrip().startswith("MATCH")
            and "RETURN" in text
        ):
            continue
        with driver.session(database=database) as session:
            result = session.run("PROFILE " + text, params)
            list(result)
            summary = result.consume()
        plan = summary.profile or {}
        hits = total_hits(plan)
        results.append((hits, name, summary.result_available_after))
    print(f"\n{'query':<22}{'db hits':>12}{'ms':>8}")
    for hits, name, ms in sorted(results, reverse=True):
        print(f"{name:<22}{hits:>12}{ms or 0:>8}")


def total_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(total_hits(c) for c in plan.get("children", []))


def main(argv: Sequence[str] | None = None) -> int:
    parser = support.parser(__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="cases (default 10000)")
    parser.add_argument("--outcomes", type=int, default=100_000, help="outcomes (default 100000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--profile", action="store_true", help="PROFILE every query as well")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.outcomes < 0 or args.repeat < 1:
        parser.error("--cases and --repeat must be at least 1, --outcomes at least 0")

    prefix = f"bench-stats-{secrets.token_hex(4)}-"
    with support.services() as (_app, svc):
        settings, driver = svc.settings, svc.driver
        database = settings.neo4j_database
        try:
            countries = stats_graph.recipients(driver, database)
            if len(countries) < 2:
                print("the graph has no participating countries: run `flask --app wsgi graph init`")
                return 1
            for statement in INDEXES:
                driver.execute_query(statement, database_=database)
            driver.execute_query("CALL db.awaitIndexes(300)", database_=database)

            data = DataSet(random.Random(args.seed), prefix, countries)
            data.build(args.cases, args.outcomes)
            print(
                f"stats benchmark: {args.cases} cases, {len(countries) + 1} countries "
                f"({len(countries)} recipients), {len(data.rows['outcomes'])} outcomes in "
                f"{YEAR}; Neo4j {settings.neo4j_uri}; {support.machine()}; prefix {prefix}",
                flush=True,
            )
            start = time.perf_counter()
            stats_graph.write(
                driver,
                database,
                data.graph,
                on_written=lambda kind, n: print(
                    f"  wrote {n:>7} {kind} (at {time.perf_counter() - start:.1f} s)", flush=True
                ),
            )
            print(f"  written in {time.perf_counter() - start:.1f} s", flush=True)
            records, _, _ = driver.execute_query(
                """
                MATCH (c:Case) WHERE c.id STARTS WITH $prefix
                RETURN count(c) AS cases,
                       sum(COUNT { (c)-[:DISSEMINATED_AS]->(:Notice)-[:SENT_TO]->() }) AS sent_to,
                       sum(COUNT { (c)-[:HAS_OUTCOME]->() }) AS outcomes
                """,
                prefix=prefix,
                database_=database,
            )
            print(f"  in the graph: {records[0].data()}; all cases: ", end="")

            def count_all() -> int:
                rows, _, _ = driver.execute_query(
                    "MATCH (c:Case) RETURN count(c) AS n",
                    database_=database,
                    routing_=neo4j.RoutingControl.READ,
                )
                return int(rows[0]["n"])

            print(count_all(), flush=True)
            reader = partial(read_stats, driver, database)
            counter = partial(recount, driver, database)

            def full(audience: str, read: Any = reader) -> PilotStatistics:
                return stats.pilot_statistics(
                    read,
                    period_from=date(YEAR, 1, 1),
                    period_to=date(YEAR, 12, 31),
                    audience=audience,
                    quota_limit=settings.quota,
                    suppress_below=settings.suppress_below,
                )

            first = time.perf_counter()
            check = full("internal").figures
            print(f"  first read of the sums (cold): {(time.perf_counter() - first) * 1000:.1f} ms")
            assert check[("funnel", "total", "all", "proposed")] == args.cases
            outcomes = check[("asset_results", "total", "all", "outcomes")]
            assert outcomes == len(data.rows["outcomes"])
            counted = full("internal", counter).figures
            differ = [k for k in set(check) | set(counted) if check.get(k) != counted.get(k)]
            assert not differ, f"the sums and the recount differ: {sorted(differ)[:10]}"
            print(f"  the sums give the recount's {len(check)} figures", flush=True)
            runs = max(1, args.repeat // 2)
            results = {
                "count(c)": support.timed(count_all, args.repeat),
                "stats internal": support.timed(lambda: full("internal"), args.repeat),
                "stats public": support.timed(lambda: full("public"), args.repeat),
                "internal, sums": support.timed(
                    lambda: (forget_summed(), full("internal")), args.repeat
                ),
                "public, sums": support.timed(
                    lambda: (forget_summed(), full("public")), args.repeat
                ),
                "report (html)": support.timed(
                    lambda: render_report(to_json(full("public"))), args.repeat
                ),
                "recount internal": support.timed(lambda: full("internal", counter), runs),
                "recount public": support.timed(lambda: full("public", counter), runs),
                "recount report": support.timed(
                    lambda: render_report(to_json(full("public", counter))), runs
                ),
            }
            print_table(results)
            for path in ("internal", "public"):
                sums = statistics.median(results[f"stats {path}"])
                cold = statistics.median(results[f"{path}, sums"])
                old = statistics.median(results[f"recount {path}"])
                print(f"{path}: sums {sums:.1f} ms ({cold:.1f} ms parsing every bucket), "
                      f"recount {old:.1f} ms: {sums / old:.3f}x ({cold / old:.3f}x)")  # fmt: skip
            sums = statistics.median(results["report (html)"])
            old = statistics.median(results["recount report"])
            print(f"report: sums {sums:.1f} ms, recount {old:.1f} ms: {sums / old:.3f}x")
            if args.profile:
                bounds = stats.period_bounds(date(YEAR, 1, 1), date(YEAR, 12, 31))
                profile(driver, database, *bounds)
        finally:
            stats_graph.delete(driver, database, prefix)
    return 0


def print_table(results: dict[str, list[float]]) -> None:
    base = statistics.median(results["count(c)"])
    print(f"\n{'what':<16}{'runs':>6}{'median ms':>12}{'min ms':>10}{'max ms':>10}{'x count':>10}")
    for name, values in results.items():
        mid = statistics.median(values)
        print(f"{name:<16}{len(values):>6}{mid:>12.1f}{min(values):>10.1f}{max(values):>10.1f}"
              f"{mid / base:>10.1f}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
