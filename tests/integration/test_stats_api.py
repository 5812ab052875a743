"""Pilot statistics over HTTP against the real Neo4j, on generated data with known answers.

The data set is written straight into the graph with Cypher (tests/support/stats_graph.py, the
writer bench/stats.py uses too), exactly as docs/graph-model.md describes it (cases, decisions,
notices, outcomes, assets, KEPT_OUT), in a year far from today
that no other case uses, so the shared database cannot disturb the figures. Every expected
figure is computed here from the generator's own list, never by the code under test, and the
nodes are deleted afterwards by their case id prefix.
"""

from __future__ import annotations

import copy
import csv
import io
import random
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.domain.case_body import validate_case_body
from silver.domain.projection import ASSET_LABELS
from silver.services.demo import DEMO_CASES, load_demo
from tests.integration.conftest import PASSWORD, Login
from tests.support import stats_graph

pytestmark = pytest.mark.integration

RATES_FILE = Path(__file__).resolve().parents[2] / "silver" / "data" / "eur_rates.csv"
AGENCIES = ("FIOD", "OM", "POLITIE")
CRIMES = ("fraud", "corruption", "drug_trafficking", "money_laundering", "tax_fraud", "other")
ASSET_TYPES = tuple(ASSET_LABELS)
RESULTS = ("no_information", "asset_located", "frozen", "seized", "confiscated", "returned")
REASONS = ("INSUFFICIENT_DATA", "PENALTY_THRESHOLD", "MISUSE_RISK", "NOT_PROPORTIONATE")
RULES = ("MISUSE.DEATH_PENALTY", "MISUSE.HUMAN_RIGHTS", "MISUSE.CORRUPTION")
CURRENCIES = ("EUR", "EUR", "USD", "GBP", "KZT", None)
SENT = ("sent", "acknowledged")
STAGES = ("first_decision", "final_decision")
METRIC_OF = {"approve": "approvals", "reject": "rejections", "return": "returns"}
HALF_DAY = timedelta(hours=12)
PII_SKIP = {
    "key", "kind", "role", "type", "relation", "urgency", "requested_instrument", "crime_types",
    "country", "nationalities", "residence_country", "jurisdiction", "target_countries",
    "currency", "country_of_origin", "subject", "asset", "from", "to", "organisation",
    "amount", "share", "percentage", "max_penalty_years", "contains_special_categories",
}  # fmt: skip


# --- The generated data set ---------------------------------------------------------------------


@dataclass
class Asset:
    uid: str
    type: str
    amount: str | None
    currency: str | None


@dataclass
class Decision:
    id: str
    decision: str
    stage: str
    at: datetime
    reason_codes: list[str]


@dataclass
class Notice:
    id: str
    instrument: str
    recipient: str
    status: str
    sent_at: datetime | None
    due_by: datetime | None
    overdue: bool
    countries: list[str]


@dataclass
class Outcome:
    id: str
    country: str
    result: str
    amount: str | None
    currency: str | None
    reported_on: date
    asset_uid: str | None


@dataclass
class Case:
    id: str
    agency: str
    created_at: datetime
    crime_types: list[str]
    first_submitted_at: datetime | None = None
    approved_at: datetime | None = None
    disseminated_at: datetime | None = None
    closed_at: datetime | None = None
    purged_at: datetime | None = None
    decisions: list[Decision] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    kept_out: list[tuple[str, str]] = field(default_factory=list)

    def decided(self, kind: str) -> list[Decision]:
        return [d for d in self.decisions if d.decision == kind]


class Generator:
    """Random cases that follow the status machine, in one year, with a unique id prefix."""

    def __init__(self, rng: random.Random, prefix: str, year: int, participants: list[str]):
        self.rng, self.prefix, self.year, self.participants = rng, prefix, year, participants
        self.n = 0

    def uid(self) -> str:
        return str(uuid.uuid4())

    def money(self) -> tuple[str | None, str | None]:
        currency = self.rng.choice(CURRENCIES)
        if currency is None:
            return None, None
        return f"{self.rng.randint(1, 9_000_000)}.{self.rng.randint(0, 99):02d}", currency

    def case(self, created_at: datetime | None = None, *, full: bool = False) -> Case:
        rng = self.rng
        self.n += 1
        case_id = f"{self.prefix}-{self.n:04d}"
        created = created_at or datetime(self.year, 1, 1, tzinfo=UTC) + timedelta(
            days=rng.randrange(330), hours=rng.randrange(24), minutes=rng.randrange(60)
        )
        case = Case(case_id, rng.choice(AGENCIES), created, rng.sample(CRIMES, rng.randint(1, 3)))
        for j in range(rng.randint(0, 4)):
            case.assets.append(Asset(f"{case_id}/a{j}", rng.choice(ASSET_TYPES), *self.money()))
        if not full and rng.random() < 0.2:
            return case
        t = created + HALF_DAY * rng.randint(1, 6)
        case.first_submitted_at = t
        if rng.random() < 0.35:
            t += HALF_DAY * rng.randint(1, 6)
            codes = rng.sample(REASONS, rng.randint(1, 2))
            case.decisions.append(Decision(self.uid(), "return", "single", t, codes))
            t += HALF_DAY * rng.randint(1, 4)
        t += HALF_DAY * rng.randint(1, 8)
        verdict = "approve" if full else rng.choice(("reject", "approve", "approve", "pending"))
        if verdict == "reject":
            codes = rng.sample(REASONS, rng.randint(1, 2))
            case.decisions.append(Decision(self.uid(), "reject", "single", t, codes))
            if rng.random() < 0.3:
                case.closed_at = t + timedelta(days=30)
        elif verdict == "approve":
            if rng.random() < 0.3:
                case.decisions.append(Decision(self.uid(), "approve", "first", t, []))
                t += HALF_DAY * rng.randint(1, 4)
                case.decisions.append(Decision(self.uid(), "approve", "second", t, []))
            else:
                case.decisions.append(Decision(self.uid(), "approve", "single", t, []))
            case.approved_at = t
            if rng.random() < 0.4:
                countries = rng.sample(self.participants, rng.randint(1, 2))
                case.kept_out = [(countries[0], r) for r in rng.sample(RULES, rng.randint(1, 2))]
                case.kept_out += [(c, rng.choice(RULES)) for c in countries[1:]]
            if full or rng.random() < 0.85:
                self.disseminate(case, t, everywhere=full)
        return case

    def disseminate(self, case: Case, t: datetime, *, everywhere: bool = False) -> None:
        """A notice (to every participant) or a diffusion; `everywhere`: a notice, sent."""
        rng = self.rng
        sent_at = t + timedelta(hours=rng.randint(1, 30))
        if everywhere or rng.random() < 0.5:
            status = (
                "sent" if everywhere else rng.choice(("sent", "sent", "acknowledged", "failed"))
            )
            case.notices.append(self.notice("notice", "INTERPOL-GS", status, sent_at,
                                            self.participants))  # fmt: skip
            chance = 0.15
        else:
            for country in rng.sample(self.participants, rng.randint(1, 3)):
                status = rng.choice(("sent", "sent", "acknowledged", "failed", "queued"))
                case.notices.append(self.notice("diffusion", country, status, sent_at, [country]))
            chance = 0.6
        case.disseminated_at = sent_at
        for notice in case.notices:
            for country in notice.countries:
                reached = notice.status in SENT
                if rng.random() < (chance if reached else 0.1):
                    for _ in range(rng.randint(1, 3)):
                        self.outcome(case, country, sent_at.date())
        if rng.random() < 0.3:
            case.closed_at = sent_at + timedelta(days=60)

    def notice(self, instrument: str, recipient: str, status: str, sent_at: datetime,
               countries: list[str]) -> Notice:  # fmt: skip
        delivered = status in SENT
        due_by = sent_at + timedelta(days=7) if delivered and self.rng.random() < 0.8 else None
        overdue = status == "sent" and self.rng.random() < 0.3
        return Notice(self.uid(), instrument, recipient, status, sent_at if delivered else None,
                      due_by, overdue, list(countries))  # fmt: skip

    def outcome(self, case: Case, country: str, sent: date) -> None:
        result = self.rng.choice(RESULTS)
        amount, currency = (None, None) if result == "no_information" else self.money()
        asset = self.rng.choice(case.assets).uid if case.assets else None
        reported = sent + timedelta(days=self.rng.randint(0, 40))
        case.outcomes.append(
            Outcome(self.uid(), country, result, amount, currency, reported, asset)
        )


def write(svc: Services, cases: list[Case]) -> None:
    """The data set as the graph model has it, through the writer bench/stats.py uses too."""
    graph = stats_graph.StatsGraph()
    for c in cases:
        status = (
            "closed"
            if c.closed_at
            else "disseminated"
            if c.disseminated_at
            else ("approved" if c.approved_at else "submitted" if c.first_submitted_at else "draft")
        )
        graph.case(
            c.id,
            agency=c.agency,
            status=status,
            crime_types=c.crime_types,
            created_at=c.created_at,
            asset_count=len(c.assets),
            submitted_at=c.first_submitted_at,
            first_submitted_at=c.first_submitted_at,
            approved_at=c.approved_at,
            disseminated_at=c.disseminated_at,
            closed_at=c.closed_at,
            purged_at=c.purged_at,
        )
        for d in c.decisions:
            graph.decision(c.id, d.id, d.decision, d.stage, d.at, d.reason_codes, "stats-test")
        for a in c.assets:
            graph.asset(c.id, a.uid, a.type, a.amount, a.currency)
        for n in c.notices:
            graph.notice(c.id, n.id, instrument=n.instrument, recipient=n.recipient,
                         countries=n.countries, status=n.status, queued_at=c.approved_at,
                         sent_at=n.sent_at, due_by=n.due_by, overdue=n.overdue)  # fmt: skip
        for o in c.outcomes:
            graph.outcome(c.id, o.id, country=o.country, result=o.result,
                          asset_uid=o.asset_uid, amount=o.amount, currency=o.currency,
                          reported_on=o.reported_on, recorded_at=c.created_at,
                          by="stats-test")  # fmt: skip
        for k, r in c.kept_out:
            graph.kept_out(c.id, k, r, c.approved_at)
    stats_graph.write(svc.driver, svc.settings.neo4j_database, graph)
    sent_to = sum(len(r["countries"]) for r in graph.rows["notices"])
    records, _, _ = svc.driver.execute_query(
        """
        MATCH (c:Case)-[:DISSEMINATED_AS]->(:Notice)-[s:SENT_TO]->(:Country)
        WHERE c.id STARTS WITH $prefix RETURN count(s) AS n
        """,
        prefix=cases[0].id.rsplit("-", 1)[0] if cases else "-",
        database_=svc.settings.neo4j_database,
    )
    assert records[0]["n"] == sent_to, "every country of the data set must exist in the graph"


def delete(svc: Services, prefix: str) -> None:
    stats_graph.delete(svc.driver, svc.settings.neo4j_database, prefix + "-")


def free_year(svc: Services, rng: random.Random) -> int:
    """A year in which no case exists, far from today."""
    while True:
        year = rng.randint(1100, 1899)
        records, _, _ = svc.driver.execute_query(
            "MATCH (c:Case) WHERE c.created_at >= $start AND c.created_at < $end "
            "RETURN count(c) AS n",
            start=datetime(year - 1, 1, 1, tzinfo=UTC),
            end=datetime(year + 2, 1, 1, tzinfo=UTC),
            database_=svc.settings.neo4j_database,
        )
        if records[0]["n"] == 0:
            return year


def participants(svc: Services) -> list[str]:
    codes = stats_graph.recipients(svc.driver, svc.settings.neo4j_database)
    assert len(codes) >= 10, "the graph needs its countries (flask --app wsgi graph init)"
    return codes


@dataclass
class DataSet:
    cases: list[Case]
    year: int
    participants: list[str]
    seed: int

    @property
    def query(self) -> str:
        return f"from={self.year}-01-01&to={self.year}-12-31"


@pytest.fixture
def make_data(svc: Services) -> Iterator[Any]:
    prefixes: list[str] = []

    def make(n: int, *, full: bool = False, purged: int = 0) -> DataSet:
        seed = random.randrange(2**32)
        rng = random.Random(seed)
        year = free_year(svc, rng)
        prefix = f"stats-test-{uuid.uuid4().hex[:10]}"
        prefixes.append(prefix)
        countries = participants(svc)
        gen = Generator(rng, prefix, year, countries)
        cases = [gen.case(full=full) for _ in range(n)]
        gone = [gen.case(full=True) for _ in range(purged)]
        for c in gone:
            c.purged_at = c.created_at + timedelta(days=300)
        write(svc, cases + gone)
        return DataSet(cases + gone, year, countries, seed)  # erased cases still count

    yield make
    for prefix in prefixes:
        delete(svc, prefix)


# --- The expected figures, computed from the generator's list -----------------------------------


def load_test_rates() -> dict[str, Decimal]:
    with RATES_FILE.open(newline="", encoding="utf-8") as f:
        return {row["currency"]: Decimal(row["rate_to_eur"]) for row in csv.DictReader(f)}


def money(pairs: list[tuple[str | None, str | None]], name: str = "value_eur") -> dict[str, Any]:
    """The sum in EUR (as `name`) and the unconverted amounts of (amount, currency) pairs."""
    rates = load_test_rates()
    eur, unconverted = Decimal(0), defaultdict[str, Decimal](Decimal)
    for amount, currency in pairs:
        if amount is None or currency is None:
            continue
        if currency == "EUR":
            eur += Decimal(amount)
        elif currency in rates:
            eur += Decimal(amount) / rates[currency]
        else:
            unconverted[currency] += Decimal(amount)
    out: dict[str, Any] = {name: str(eur.quantize(Decimal("0.01"), ROUND_HALF_UP))}
    for currency, total in unconverted.items():
        out[f"unconverted.{currency}"] = str(total.quantize(Decimal("0.01")))
    return out


def quantiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=10, method="inclusive")[8]


def expected(data: DataSet) -> dict[tuple[str, str, str, str], Any]:
    cases = data.cases
    out: dict[tuple[str, str, str, str], Any] = {}

    def put(section: str, dimension: str, key: str, figures: dict[str, Any]) -> None:
        for metric, value in figures.items():
            out[(section, dimension, key, metric)] = value

    def funnel(group: list[Case]) -> dict[str, int]:
        return {
            "proposed": len(group),
            "submitted": sum(c.first_submitted_at is not None for c in group),
            "returned": sum(bool(c.decided("return")) for c in group),
            "rejected": sum(bool(c.decided("reject")) for c in group),
            "approved": sum(c.approved_at is not None for c in group),
            "disseminated": sum(c.disseminated_at is not None for c in group),
            "closed": sum(c.closed_at is not None for c in group),
        }

    put("funnel", "total", "all", funnel(cases))
    for agency in AGENCIES:
        put("funnel", "agency", agency, funnel([c for c in cases if c.agency == agency]))
    put("crime_types", "total", "all", {m: funnel(cases)[m] for m in ("proposed", "submitted",
                                                                     "approved")})  # fmt: skip
    for crime in CRIMES:
        f = funnel([c for c in cases if crime in c.crime_types])
        put("crime_types", "crime_type", crime, {m: f[m] for m in ("proposed", "submitted",
                                                                   "approved")})  # fmt: skip

    assets = [(c, a) for c in cases for a in c.assets]
    put("asset_types", "total", "all", {
        "assets": len(assets), "cases": len({c.id for c, _ in assets}),
        **money([(a.amount, a.currency) for _, a in assets], "estimated_value_eur")})  # fmt: skip
    for kind in ASSET_TYPES:
        mine = [(c, a) for c, a in assets if a.type == kind]
        put("asset_types", "asset_type", kind, {
            "assets": len(mine), "cases": len({c.id for c, _ in mine}),
            **money([(a.amount, a.currency) for _, a in mine], "estimated_value_eur")})  # fmt: skip

    for kind, metric in (("reject", "rejections"), ("return", "returns")):
        decisions = [d for c in cases for d in c.decided(kind)]
        out[("reasons", "total", "all", metric)] = len(decisions)
        for code, n in Counter(code for d in decisions for code in d.reason_codes).items():
            out[("reasons", "reason", code, metric)] = n

    received: dict[str, dict[str, datetime]] = defaultdict(dict)
    for c in cases:
        for notice in c.notices:
            if notice.status in SENT and notice.sent_at is not None:
                for k in notice.countries:
                    sent = received[k].get(c.id, notice.sent_at)
                    received[k][c.id] = min(notice.sent_at, sent)
    first: dict[tuple[str, str], date] = {}
    for c in cases:
        for o in c.outcomes:
            key = (c.id, o.country)
            first[key] = min(o.reported_on, first.get(key, o.reported_on))
    all_days: list[float] = []
    for k in data.participants:
        days = [float((first[(cid, k)] - sent.date()).days)
                for cid, sent in received[k].items() if (cid, k) in first]  # fmt: skip
        all_days += days
        n = len(received[k])
        put("countries", "country", k, {
            "received": n, "responded": len(days),
            "response_rate": round(len(days) / n, 4) if n else None,
            "median_days_to_first_response": quantiles(days)[0]})  # fmt: skip
    total = sum(len(v) for v in received.values())
    put("countries", "total", "all", {
        "received": total, "responded": len(all_days),
        "response_rate": round(len(all_days) / total, 4) if total else None,
        "median_days_to_first_response": quantiles(all_days)[0]})  # fmt: skip

    outcomes = [o for c in cases for o in c.outcomes]
    put(
        "asset_results",
        "total",
        "all",
        {"outcomes": len(outcomes), **money([(o.amount, o.currency) for o in outcomes])},
    )
    for dimension, key_of, keys in (
        ("stage", lambda o: o.result, RESULTS),
        ("country", lambda o: o.country, data.participants),
    ):
        for name in keys:
            some = [o for o in outcomes if key_of(o) == name]
            figures = {"outcomes": len(some), **money([(o.amount, o.currency) for o in some])}
            put("asset_results", dimension, name, figures)

    waits: dict[str, list[float]] = {s: [] for s in STAGES}
    for c in cases:
        if c.first_submitted_at is None or not c.decisions:
            continue
        start = c.first_submitted_at
        waits["first_decision"].append((min(d.at for d in c.decisions) - start) / timedelta(1))
        final = c.approved_at or next((d.at for d in c.decided("reject")), None)
        if final:
            waits["final_decision"].append((final - start) / timedelta(1))
    for until, values in waits.items():
        median, p90 = quantiles(values)
        put("time_to_decision", "until", until,
            {"cases": len(values), "median_days": median, "p90_days": p90})  # fmt: skip

    out[("quota", "total", "all", "used_in_period")] = funnel(cases)["approved"]

    pairs = {(c.id, k) for c in cases for k, _ in c.kept_out}
    put("kept_out", "total", "all",
        {"kept_out": len(pairs), "cases": len({cid for cid, _ in pairs})})  # fmt: skip
    for rule in RULES:
        n = sum(r == rule for c in cases for _, r in c.kept_out)
        out[("kept_out", "rule", rule, "kept_out")] = n
    for k in data.participants:
        out[("kept_out", "country", k, "kept_out")] = sum(ck == k for _, ck in pairs)

    now = datetime.now(UTC)
    late = {
        (c.id, k)
        for c in cases
        for n in c.notices
        if n.overdue or (n.status == "sent" and n.due_by is not None and n.due_by < now)
        for k in n.countries
        if (c.id, k) not in first
    }
    out[("overdue", "total", "all", "overdue")] = len(late)
    for k in data.participants:
        out[("overdue", "country", k, "overdue")] = sum(lk == k for _, lk in late)

    months: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cases:
        months[c.created_at.strftime("%Y-%m")]["proposed"] += 1
        for d in c.decisions:
            if d.stage != "first":
                months[d.at.strftime("%Y-%m")][METRIC_OF[d.decision]] += 1
    metrics = ("proposed", "approvals", "rejections", "returns")
    put("months", "total", "all", {m: sum(c[m] for c in months.values()) for m in metrics})
    for month, counts in months.items():
        put("months", "month", month, {m: counts[m] for m in metrics})
    return out


def flat(doc: dict[str, Any]) -> dict[tuple[str, str, str, str], Any]:
    out: dict[tuple[str, str, str, str], Any] = {}
    for section, dimensions in doc["sections"].items():
        for dimension, keys in dimensions.items():
            for key, metrics in keys.items():
                for metric, value in metrics.items():
                    if metric == "unconverted":
                        for currency, amount in value.items():
                            out[(section, dimension, key, f"unconverted.{currency}")] = amount
                    else:
                        out[(section, dimension, key, metric)] = value
    return out


def fetch(client: FlaskClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    doc: dict[str, Any] = response.get_json()
    return doc


def same(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) and isinstance(actual, int | float):
        return actual == pytest.approx(wanted, abs=0.006)
    return bool(actual == wanted)


# --- The tests ------------------------------------------------------------------------------------


def test_every_figure_matches_a_generated_data_set(
    client: FlaskClient, login: Login, make_data: Any, svc: Services
) -> None:
    data = make_data(60, purged=2)
    doc = fetch(client, f"/api/v1/stats/pilot?{data.query}&audience=internal", login("evaluator"))
    assert doc["period"] == {"from": f"{data.year}-01-01", "to": f"{data.year}-12-31"}
    assert doc["audience"] == "internal" and doc["suppress_below"] is None
    assert doc["rates"]["date"] and "Central Bank" in doc["rates"]["source"]
    actual, wanted = flat(doc), expected(data)
    wrong = {k: (actual.get(k, "missing"), v) for k, v in wanted.items()
             if not same(actual.get(k, "missing"), v)}  # fmt: skip
    assert not wrong, f"seed {data.seed}: (actual, expected) {wrong}"
    for key, value in actual.items():
        if key not in wanted and key[0] != "quota":
            assert value in (0, None, "0.00"), (key, value, data.seed)
    quota = doc["sections"]["quota"]["total"]["all"]
    assert quota["limit"] == svc.settings.quota
    assert quota["used"] >= quota["used_in_period"]
    assert quota["remaining"] == max(0, quota["limit"] - quota["used"])
    # The data set is rich enough for the comparison to mean something.
    assert wanted[("funnel", "total", "all", "disseminated")] > 5
    assert wanted[("countries", "total", "all", "responded")] > 5
    assert any(k[3] == "unconverted.KZT" for k in wanted)


def test_an_empty_period_is_all_zeros(client: FlaskClient, login: Login, svc: Services) -> None:
    year = free_year(svc, random.Random())
    doc = fetch(
        client,
        f"/api/v1/stats/pilot?from={year}-01-01&to={year}-12-31&audience=public",
        login("evaluator"),
    )
    figures = flat(doc)
    assert figures[("funnel", "total", "all", "proposed")] == 0
    assert doc["sections"]["months"] == {
        "total": {"all": {"proposed": 0, "approvals": 0, "rejections": 0, "returns": 0}}
    }
    for (section, _d, _k, metric), value in figures.items():
        if section == "quota" and metric != "used_in_period":
            continue
        if any(word in metric for word in ("rate", "median", "p90")):
            assert value is None, (section, metric)
        elif metric.endswith("value_eur"):
            assert value == "0.00"
        else:
            assert value == 0, (section, metric, value)


def test_three_cases_are_all_suppressed_for_the_public(
    client: FlaskClient, login: Login, make_data: Any
) -> None:
    data = make_data(3, full=True)
    evaluator = login("evaluator")
    internal = flat(fetch(client, f"/api/v1/stats/pilot?{data.query}&audience=internal", evaluator))
    assert internal[("funnel", "total", "all", "proposed")] == 3
    assert internal[("countries", "total", "all", "received")] >= 5
    public = fetch(client, f"/api/v1/stats/pilot?{data.query}&audience=public", evaluator)
    assert public["suppress_below"] == 5
    figures = flat(public)
    assert figures[("funnel", "total", "all", "proposed")] == "<5"
    assert figures[("countries", "total", "all", "received")] == "suppressed"
    for (section, _d, _k, metric), value in figures.items():
        if section == "quota" and metric != "used_in_period":
            continue
        assert value in (0, None, "0.00", "<5", "suppressed"), (section, _d, _k, metric, value)
        if internal[(section, _d, _k, metric)] not in (0, None, "0.00"):
            assert value in ("<5", "suppressed"), (section, _d, _k, metric, value)
    csv_text = client.get(
        f"/api/v1/stats/pilot?{data.query}&audience=public&format=csv", headers=evaluator
    ).get_data(as_text=True)
    values = [r["value"] for r in csv.DictReader(io.StringIO(csv_text))
              if r["section"] not in ("about", "quota")]  # fmt: skip
    assert set(values) <= {"0", "", "0.00", "<5", "suppressed"}


def test_the_period_includes_both_days_to_the_last_moment(
    client: FlaskClient, login: Login, make_data: Any, svc: Services
) -> None:
    data = make_data(0)
    year, prefix = data.year, f"stats-test-{uuid.uuid4().hex[:10]}"
    gen = Generator(random.Random(), prefix, year, data.participants)
    moments = {
        datetime(year, 3, 9, 23, 59, 59, tzinfo=UTC): False,
        datetime(year, 3, 10, 0, 0, 0, tzinfo=UTC): True,
        datetime(year, 3, 15, 12, 0, 0, tzinfo=UTC): True,
        datetime(year, 3, 20, 23, 59, 59, tzinfo=UTC): True,
        datetime(year, 3, 20, 23, 59, 59, 999000, tzinfo=UTC): True,
        datetime(year, 3, 21, 0, 0, 0, tzinfo=UTC): False,
    }
    try:
        write(svc, [gen.case(at) for at in moments])
        evaluator = login("evaluator")

        def proposed(query: str) -> int:
            doc = fetch(client, f"/api/v1/stats/pilot?{query}&audience=internal", evaluator)
            return int(doc["sections"]["funnel"]["total"]["all"]["proposed"])

        assert proposed(f"from={year}-03-10&to={year}-03-20") == 4
        assert proposed(f"from={year}-03-10&to={year}-03-10") == 1
        assert proposed(f"from={year}-03-20&to={year}-03-20") == 2
        assert proposed(f"from={year}-03-21&to={year}-03-21") == 1
        assert proposed(f"from={year}-03-09&to={year}-03-21") == 6
    finally:
        delete(svc, prefix)


def test_a_one_day_window_cannot_single_out_a_case_for_an_evaluator(
    client: FlaskClient, login: Login, make_data: Any, svc: Services
) -> None:
    data = make_data(0)
    year, prefix = data.year, f"stats-test-{uuid.uuid4().hex[:10]}"
    gen = Generator(random.Random(), prefix, year, data.participants)
    try:
        write(svc, [gen.case(datetime(year, 5, 14, 10, 0, tzinfo=UTC))])
        evaluator = login("evaluator")
        one_day = f"from={year}-05-14&to={year}-05-14"
        for query in (one_day, f"{one_day}&audience=public", f"from={year}-05-01&to={year}-05-30"):
            for path in ("/api/v1/stats/pilot", "/api/v1/stats/pilot/report"):
                refused = client.get(f"{path}?{query}", headers=evaluator)
                assert refused.status_code == 422, (path, query)
                assert "from" in refused.json["errors"]
        # A month is the shortest public window, and its single case is suppressed.
        month = fetch(client, f"/api/v1/stats/pilot?from={year}-05-01&to={year}-05-31", evaluator)
        assert month["audience"] == "public" and month["suppress_below"] == 5
        assert month["sections"]["funnel"]["total"]["all"]["proposed"] == "<5"
        # Only when they ask for it does an evaluator get the internal figures; an admin's
        # default stays internal.
        internal = fetch(client, f"/api/v1/stats/pilot?{one_day}&audience=internal", evaluator)
        assert internal["sections"]["funnel"]["total"]["all"]["proposed"] == 1
        admin = fetch(client, f"/api/v1/stats/pilot?{one_day}", login("admin"))
        assert admin["audience"] == "internal"
    finally:
        delete(svc, prefix)


@pytest.mark.parametrize("path", ["/api/v1/stats/pilot", "/api/v1/stats/pilot/report"])
def test_only_evaluators_and_admins_get_statistics(
    client: FlaskClient, login: Login, path: str
) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers=login("caseworker", "FIOD")).status_code == 403
    assert client.get(path, headers=login("screener")).status_code == 403
    assert client.get(f"{path}?from=2001-01-01", headers=login("evaluator")).status_code == 200
    assert client.get(f"{path}?to=2001-01-01", headers=login("admin")).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-02-30", "from"),
        ("to=yesterday", "to"),
        ("from=2025-03-02&to=2025-03-01", "from"),
        ("audience=press", "audience"),
        ("format=docx", "format"),
        ("page=1", "page"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: FlaskClient, login: Login, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/stats/pilot?{query}", headers=login("evaluator"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_csv_is_a_tidy_table_of_the_same_figures(
    client: FlaskClient, login: Login, make_data: Any
) -> None:
    data = make_data(12)
    evaluator = login("evaluator")
    doc = fetch(client, f"/api/v1/stats/pilot?{data.query}", evaluator)
    response = client.get(f"/api/v1/stats/pilot?{data.query}&format=csv", headers=evaluator)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".csv" in disposition
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == "section,dimension,key,metric,value"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(list(r) == ["section", "dimension", "key", "metric", "value"] for r in rows)
    about = {r["metric"]: r["value"] for r in rows if r["section"] == "about"}
    assert about["period_from"] == f"{data.year}-01-01"
    assert about["rates_date"] == doc["rates"]["date"]
    figures = {(r["section"], r["dimension"], r["key"], r["metric"]): r["value"]
               for r in rows if r["section"] != "about"}  # fmt: skip
    assert len(figures) == len(rows) - len(about)
    wanted = {k: "" if v is None else str(v) for k, v in flat(doc).items()}
    pilot_wide = {("quota", "total", "all", "used"), ("quota", "total", "all", "remaining")}
    assert set(figures) == set(wanted)
    assert {k: v for k, v in figures.items() if k not in pilot_wide} == {
        k: v for k, v in wanted.items() if k not in pilot_wide
    }


def test_the_report_is_html_with_charts(client: FlaskClient, login: Login, make_data: Any) -> None:
    data = make_data(20)
    evaluator = login("evaluator")
    for audience in ("internal", "public"):
        response = client.get(
            f"/api/v1/stats/pilot/report?{data.query}&audience={audience}", headers=evaluator
        )
        assert response.status_code == 200
        assert response.content_type == "text/html; charset=utf-8"
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html
        assert html.count("<svg") >= 3
        assert "<caption>" in html and "<h2" in html
        assert "<script" not in html and "<link" not in html and "@import" not in html
        assert 'src="http' not in html and 'href="http' not in html
    assert "&lt;5" in html


def test_no_output_carries_personal_data_of_the_demo(
    client: FlaskClient, login: Login, svc: Services, unique: str
) -> None:
    numbers = load_demo(svc, password=PASSWORD, prefix=f"pii{unique}")
    assert len(numbers) == len(DEMO_CASES)
    secrets = set()
    for _, body in DEMO_CASES:
        for raw in (body, validate_case_body(copy.deepcopy(body))):
            secrets |= {s for s in strings(raw) if len(s) >= 5}
    assert any("Demo Persoon" in s for s in secrets)
    assert any(s.startswith("NL") and len(s) == 18 for s in secrets)
    assert any(s.startswith("[DEMO]") for s in secrets)
    evaluator = login("evaluator")
    outputs = []
    for audience in ("internal", "public"):
        for path in ("/api/v1/stats/pilot", "/api/v1/stats/pilot?format=csv",
                     "/api/v1/stats/pilot/report"):  # fmt: skip
            joiner = "&" if "?" in path else "?"
            response = client.get(f"{path}{joiner}audience={audience}", headers=evaluator)
            assert response.status_code == 200
            outputs.append(response.get_data(as_text=True).casefold())
    internal = fetch(client, "/api/v1/stats/pilot", evaluator)
    assert internal["sections"]["funnel"]["total"]["all"]["proposed"] >= len(DEMO_CASES)
    leaks = {s for s in secrets for text in outputs if s.casefold() in text}
    assert not leaks


def strings(value: Any, key: str = "") -> Iterator[str]:
    """Every text in a demo case body except the codes (countries, types, roles ...)."""
    if key in PII_SKIP:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)
    elif isinstance(value, str):
        yield value
