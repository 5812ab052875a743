"""The statistics' sums (kept current by the write transactions) against the full recount.

Cases are created by the intake service with a creation time in a year no other case uses, so
that the windows of that year hold exactly this test's cases; everything after that is the
real service path through the API and the jobs: submitting, returning, rejecting, approving
(with four eyes and with a country kept out), delivering, answering, flagging overdue answers,
erasing a subject, closing and erasing the case. After each step the rows read from the sums
must be the rows the full recount (the queries of graph/repositories/stats.py over the
window's cases) returns, for several windows and for a `now` before and after the answers
fall due.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from graph.repositories.stats import read_aggregated, read_stats, recount
from silver.bootstrap import Silver as Services
from silver.domain.errors import Contention, StorageUnavailable
from silver.domain.stats import aggregates
from silver.domain.stats.assemble import assemble
from silver.domain.stats.rates import default_rates
from silver.domain.stats.rows import StatsRows
from silver.domain.users import User
from silver.services import auth, dissemination, intake
from silver.services.stats import period_bounds
from tests.integration.conftest import PASSWORD, Login
from tests.integration.test_decisions_api import THIRD_PARTY
from tests.integration.test_dissemination import run_jobs
from tests.integration.test_stats_api import free_year
from tests.support import stats_graph
from tests.support.cases import case_body


def normalised(rows: StatsRows) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Each section's rows as {key: values}, rows of one key summed (the order of rows and how
    the database split them do not matter to `assemble`)."""
    layout: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
        **aggregates.CASE_SECTIONS,
        "assets": (
            ("dimension", "key", "currency"),
            ("items", "cents", "cases", "converted_cases"),
        ),
        "answers": (("country", "received", "responded", "days", "overdue"), ("pairs",)),
    }
    layout["outcomes"] = layout["assets"]
    out: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    for section, (keys, values) in layout.items():
        summed: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for row in getattr(rows, section):
            key = tuple(row.get(k) for k in keys)
            old = summed.get(key, (0,) * len(values))
            summed[key] = tuple(a + (row.get(v) or 0) for a, v in zip(old, values, strict=True))
        out[section] = summed
    return out


def check(svc: Services, year: int, now: datetime | None = None) -> StatsRows:
    """The sums equal the recount for several windows around `year`, at `now` and 60 days
    later (past every due date); returns the rows of the whole year."""
    database, rated = svc.settings.neo4j_database, default_rates().convertible
    now = now or datetime.now(UTC)
    windows = [
        (date(year, 1, 1), date(year, 12, 31)),
        (date(year, 3, 10), date(year, 3, 10)),
        (date(year, 3, 9), date(year, 6, 30)),
        (date(year, 1, 1), date(year, 3, 31)),
        (date(year, 2, 15), date(year, 12, 30)),
        (date(year - 1, 12, 15), date(year + 1, 1, 10)),
    ]
    whole: StatsRows | None = None
    for first, last in windows:
        start, end = period_bounds(first, last)
        with svc.driver.session(database=database) as session:
            assert session.execute_read(read_aggregated, first, last) is not None, "sums ready"
        for moment in (now, now + timedelta(days=60)):
            summed = read_stats(svc.driver, database, start, end, moment, rated)
            counted = recount(svc.driver, database, start, end, moment, rated)
            assert normalised(summed) == normalised(counted), (first, last, moment)
            table = assemble(summed, 100, default_rates())
            assert table.cells == assemble(counted, 100, default_rates()).cells
            if whole is None:
                whole = summed
    assert whole is not None
    return whole


def buckets_are_sums_of_cases(svc: Services, year: int) -> None:
    """Each bucket of the year holds exactly the sum of the contributions stored on its
    cases (nothing lost or counted twice by concurrent writers)."""
    database = svc.settings.neo4j_database
    cases, _, _ = svc.driver.execute_query(
        "MATCH (c:Case) WHERE c.created_at >= $start AND c.created_at < $end "
        "RETURN c.id AS id, c.created_at AS at, c.stats AS stats",
        start=datetime(year, 1, 1, tzinfo=UTC),
        end=datetime(year + 1, 1, 1, tzinfo=UTC),
        database_=database,
    )
    expected: dict[str, aggregates.Figures] = {}
    for case in cases:
        parts = aggregates.by_part(aggregates.loads(case["stats"]))
        for name, *_ in aggregates.bucket_keys(case["id"], case["at"].to_native()):
            for part, figures in parts.items():
                aggregates.add(expected.setdefault(f"{name}:{part}", {}), figures)
    stored, _, _ = svc.driver.execute_query(
        "MATCH (b:StatsBucket) WHERE b.key IN $keys RETURN b.key AS key, b.rows AS rows",
        keys=list(expected),
        database_=database,
    )
    assert {r["key"]: aggregates.loads(r["rows"]) for r in stored} == {
        k: v for k, v in expected.items()
    }


@pytest.fixture
def caseworker(svc: Services, login: Login) -> Iterator[tuple[User, dict[str, str]]]:
    """A FIOD caseworker as a service user (to create cases at a chosen time) and the API
    headers of another FIOD caseworker (who sees the agency's cases)."""
    user = auth.create_user(
        f"agg-{uuid.uuid4().hex[:12]}", "caseworker", "FIOD", PASSWORD, svc.uow()
    )
    yield user, login("caseworker", "FIOD")


def create(svc: Services, user: User, at: datetime, **overrides: Any) -> str:
    body = case_body(**overrides)
    case = intake.create_case(body, user, svc.uow(), svc.keys, now=at)
    return case.id


def test_the_sums_equal_the_recount_through_a_case_lifecycle(
    svc: Services,
    client: FlaskClient,
    login: Login,
    caseworker: tuple[User, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    user, cw = caseworker
    first, second = login("screener"), login("screener")
    year = free_year(svc, random.Random())
    moments = [
        datetime(year, 1, 5, 8, 0, tzinfo=UTC),
        datetime(year, 3, 9, 23, 59, 59, tzinfo=UTC),
        datetime(year, 3, 10, 0, 0, tzinfo=UTC),
        datetime(year, 6, 30, 12, 0, tzinfo=UTC),
        datetime(year, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
    ]
    draft = create(svc, user, moments[0])
    returned = create(svc, user, moments[1], crime_types=["fraud", "corruption"])
    simple = create(svc, user, moments[2], target_countries=["ES", "BE"])
    four_eyes = create(
        svc,
        user,
        moments[3],
        subjects=[*case_body()["subjects"], THIRD_PARTY],
        target_countries=["ES", "BR"],
    )
    closed = create(svc, user, moments[4], target_countries=["ES"])
    rows = check(svc, year)
    assert sum(r["proposed"] for r in rows.agencies) == 5
    assert draft

    def post(path: str, headers: dict[str, str], **body: Any) -> Any:
        response = client.post(f"/api/v1/cases/{path}", json=body or None, headers=headers)
        assert response.status_code in (200, 201), (path, response.json)
        return response.json

    for case_id in (returned, simple, four_eyes, closed):
        post(f"{case_id}/submit", cw)
    post(
        f"{returned}/decisions",
        first,
        decision="return",
        reason_codes=["INSUFFICIENT_DATA"],
        justification="The asset list needs the account holder.",
    )
    post(f"{returned}/submit", cw)
    post(
        f"{returned}/decisions",
        second,
        decision="reject",
        reason_codes=["NOT_PROPORTIONATE", "OTHER"],
        justification="Not proportionate for the amounts involved.",
    )
    check(svc, year)

    diffusion = {"decision": "approve", "instrument": "diffusion"}
    post(f"{simple}/decisions", first, **diffusion, countries=["ES", "BE"])
    post(
        f"{four_eyes}/decisions",
        first,
        **diffusion,
        countries=["ES"],
        acknowledged_rules=["GDPR.THIRD_PARTY"],
    )
    check(svc, year)  # one approval of two: awaiting the second
    post(f"{four_eyes}/decisions", second, decision="approve")
    post(f"{closed}/decisions", first, **diffusion, countries=["ES"])
    check(svc, year)  # approved, notices queued
    run_jobs(svc)
    rows = check(svc, year)  # delivered: sent, due in 7 days
    assert any(r["country"] == "BE" and r["received"] for r in rows.answers)

    today = datetime.now(UTC).date()
    answer = {"country": "ES", "result": "frozen", "asset": "a1", "reported_on": str(today)}
    post(f"{simple}/outcomes", cw, **answer, value={"amount": "410000.00", "currency": "EUR"})
    post(f"{simple}/outcomes", cw, **answer | {"result": "asset_located", "asset": "a2"})
    post(f"{closed}/outcomes", cw, **answer | {"value": {"amount": "12.5", "currency": "KZT"}})
    check(svc, year)  # ES acknowledged on two cases, BE still waiting

    # The housekeeping job flags what is past due (as if run 10 days from now): BE of `simple`
    # and ES of `four_eyes`.
    later = datetime.now(UTC) + timedelta(days=10)
    monkeypatch.setattr(dissemination, "utcnow", lambda: later)
    assert dissemination.mark_overdue(svc.uow()) >= 2
    monkeypatch.undo()
    rows = check(svc, year)
    overdue: dict[str | None, int] = {}
    for r in rows.answers:
        overdue[r["country"]] = overdue.get(r["country"], 0) + (r["pairs"] if r["overdue"] else 0)
    assert overdue.get("BE") == 1 and overdue.get("ES") == 1 and overdue[None] == 2

    # A privacy officer erases the third party of `four_eyes` (the recipients are told by
    # corrections, which the statistics never count).
    post(f"{four_eyes}/subjects/t1/erasure", login("privacy_officer"), reason="AVG-9")
    run_jobs(svc)
    check(svc, year)

    post(f"{closed}/close", cw)
    check(svc, year)
    erased_at = datetime.now(UTC) + timedelta(days=3650)
    svc.services.retention.purge(closed, erased_at)
    rows = check(svc, year)  # the erased case still counts; its assets no longer do
    assert sum(r["closed"] for r in rows.agencies) == 1
    kept = {r["dimension"]: r for r in rows.kept_out}
    assert kept.get("total", {}).get("pairs") == 1, rows.kept_out  # BR kept out of four_eyes


def test_concurrent_writers_keep_the_sums_exact(
    svc: Services, caseworker: tuple[User, dict[str, str]]
) -> None:
    """Threads create and submit cases of one year at once: every transaction moves the year's
    buckets (eight shards between them), so they meet on the buckets' locks."""
    user, _cw = caseworker
    year = free_year(svc, random.Random())
    rng = random.Random()
    errors: list[BaseException] = []

    def retried(work: Callable[[], Any]) -> Any:
        for _ in range(20):
            try:
                return work()
            except (Contention, StorageUnavailable):
                continue
        raise AssertionError("gave up after 20 tries")

    def writer(n: int) -> None:
        try:
            for _ in range(n):
                at = datetime(year, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
                case_id = retried(lambda at=at: create(svc, user, at))
                retried(
                    lambda case_id=case_id: intake.submit_case(
                        case_id, None, user, svc.uow(), svc.keys
                    )
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(6,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    rows = check(svc, year)
    assert sum(r["proposed"] for r in rows.agencies) == 24
    assert sum(r["submitted"] for r in rows.agencies) == 24
    buckets_are_sums_of_cases(svc, year)


def test_the_bench_writer_and_rebuild_give_the_recount(svc: Services) -> None:
    """Cases written with raw Cypher (tests/support/stats_graph.py) are summed by the writer;
    a rebuild from the graph gives the same sums, and deleting them takes them out again."""
    year = free_year(svc, random.Random())
    prefix = f"agg-test-{uuid.uuid4().hex[:10]}-"
    graph = stats_graph.StatsGraph()
    countries = stats_graph.recipients(svc.driver, svc.settings.neo4j_database)[:3]
    for i in range(12):
        at = datetime(year, 1 + i, 1 + i, 10, tzinfo=UTC)
        case_id = f"{prefix}{i}"
        graph.case(case_id, agency="OM", status="disseminated", crime_types=["fraud"],
                   created_at=at, approved_at=at, disseminated_at=at)  # fmt: skip
        graph.asset(case_id, f"{case_id}/a", "vessel", "100.00" if i % 2 else None, "USD")
        graph.notice(case_id, f"{case_id}/n", instrument="diffusion", recipient=countries[0],
                     countries=countries, status="sent", queued_at=at, sent_at=at,
                     due_by=at + timedelta(days=7), overdue=i % 3 == 0)  # fmt: skip
        if i % 2:
            graph.outcome(case_id, f"{case_id}/o", country=countries[1], result="seized",
                          asset_uid=f"{case_id}/a", amount="5.00", currency="EUR",
                          reported_on=at.date(), recorded_at=at, by="t")  # fmt: skip
    try:
        stats_graph.write(svc.driver, svc.settings.neo4j_database, graph)
        rows = check(svc, year)
        assert sum(r["proposed"] for r in rows.agencies) == 12
        assert svc.services.stats.rebuild() >= 12
        assert normalised(check(svc, year)) == normalised(rows)
    finally:
        stats_graph.delete(svc.driver, svc.settings.neo4j_database, prefix)
    rows = check(svc, year)
    assert not rows.agencies and not rows.outcomes and not rows.answers
