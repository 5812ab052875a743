"""The statistics' sums without a database: covering a period with buckets, a case's
contribution, and what is decided only when the sums are read (overdue answers, convertible
amounts). That the sums equal the full recount is checked against Neo4j in
tests/integration/test_stats_aggregates.py."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from silver.domain.stats import aggregates
from silver.domain.stats.aggregates import DAY, MONTH, YEAR, cover


def _days(level: str, first_from: date, first_to: date) -> list[date]:
    """Every day the buckets of `level` whose first day lies in [first_from, first_to] hold."""
    out: list[date] = []
    first = first_from
    while first <= first_to:
        if level == DAY:
            last = first
        elif level == MONTH:
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            last = date(first.year, 12, 31)
        day = first
        while day <= last:
            out.append(day)
            day += timedelta(days=1)
        if last >= first_to:
            break
        first = last + timedelta(days=1)
    return out


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=1200),
)
def test_the_buckets_of_a_period_hold_each_of_its_days_once(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    days = [d for level, a, b in cover(start, end) for d in _days(level, a, b)]
    assert len(days) == len(set(days))
    assert set(days) == {start + timedelta(days=i) for i in range(length + 1)}


def test_whole_years_and_months_are_read_from_their_own_buckets() -> None:
    assert cover(date(1066, 1, 1), date(1066, 12, 31)) == [
        (YEAR, date(1066, 1, 1), date(1066, 1, 1))
    ]
    assert cover(date(2025, 3, 15), date(2026, 2, 10)) == [
        (DAY, date(2025, 3, 15), date(2025, 3, 31)),
        (MONTH, date(2025, 4, 1), date(2026, 1, 1)),
        (DAY, date(2026, 2, 1), date(2026, 2, 10)),
    ]
    assert cover(date.min, date.max) == [(YEAR, date(1, 1, 1), date(9999, 1, 1))]
    assert cover(date(9999, 12, 2), date.max) == [(DAY, date(9999, 12, 2), date(9999, 12, 31))]


def test_a_case_lands_in_its_utc_day_month_and_year_of_one_shard() -> None:
    at = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    keys = aggregates.bucket_keys("c-1", at)
    shard = aggregates.shard("c-1")
    assert [k[0] for k in keys] == [
        f"day:2026-03-01:{shard}",
        f"month:2026-03-01:{shard}",
        f"year:2026-01-01:{shard}",
    ]
    assert aggregates.shard("c-1") == shard  # stable: not Python's salted hash
    spread = {aggregates.shard(f"case-{i}") for i in range(200)}
    assert spread == set(range(aggregates.SHARDS))


def _answers_case(due: datetime, flagged: bool) -> aggregates.Figures:
    return aggregates.contribution(
        {},
        [],
        [],
        [
            ["ES", True, False, None, flagged, due],  # waiting for Spain
            ["BE", True, True, 4, False, None],  # Belgium answered after 4 days
            ["FR", False, False, None, False, due],  # never received: only when overdue
        ],
    )


def test_an_answer_is_overdue_once_its_due_moment_has_passed() -> None:
    due = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    figures = _answers_case(due, flagged=False)

    def overdue(now: datetime) -> dict[object, int]:
        rows = aggregates.to_rows(figures, now, ["EUR"]).answers
        return {r["country"]: r["pairs"] for r in rows if r["overdue"]}

    assert overdue(due - timedelta(microseconds=1)) == {}
    assert overdue(due) == {}  # due_by < now, strictly, as in the query
    assert overdue(due + timedelta(microseconds=1)) == {"ES": 1, "FR": 1, None: 1}
    before = aggregates.to_rows(figures, due - timedelta(days=1), ["EUR"]).answers
    assert {r["country"] for r in before} == {"ES", "BE", None}  # FR: neither received nor late
    assert [r for r in before if r["country"] is None] == [
        {
            "country": None,
            "received": True,
            "responded": True,
            "days": None,
            "overdue": False,
            "pairs": 1,
        }
    ]


def test_a_flagged_answer_is_overdue_whenever_it_is_read() -> None:
    figures = _answers_case(datetime(2026, 5, 1, tzinfo=UTC), flagged=True)
    rows = aggregates.to_rows(figures, datetime(2000, 1, 1, tzinfo=UTC), ["EUR"]).answers
    assert {r["country"]: r["overdue"] for r in rows} == {"ES": True, "BE": False, None: True}


def test_amounts_count_as_converted_when_a_currency_of_theirs_has_a_rate() -> None:
    figures = aggregates.contribution(
        {},
        [
            ["total", "all", None, 3, 0, ["KZT", "USD"]],
            ["total", "all", "KZT", 1, 500, None],
            ["total", "all", "USD", 1, 700, None],
        ],
        [],
        None,
    )
    with_usd = aggregates.to_rows(figures, datetime.now(UTC), ["EUR", "USD"]).assets
    without = aggregates.to_rows(figures, datetime.now(UTC), ["EUR"]).assets
    assert [r["converted_cases"] for r in with_usd if r["currency"] is None] == [1]
    assert [r["converted_cases"] for r in without if r["currency"] is None] == [0]
    assert aggregates.currencies_key(["USD", "EUR", None]) == "EUR"


def test_sums_drop_what_no_case_contributes_any_more() -> None:
    rng = random.Random(5)
    cases = [
        aggregates.contribution(
            {
                "agencies": [{"agency": rng.choice(["FIOD", "OM"]), "proposed": 1, "closed": 1}],
                "decision_times": [{"until": "first_decision", "days": rng.random(), "cases": 1}],
            },
            [],
            [],
            None,
        )
        for _ in range(20)
    ]
    total: aggregates.Figures = {}
    for figures in cases:
        aggregates.add(total, figures)
    assert aggregates.loads(aggregates.dumps(total)) == total
    for figures in cases:
        aggregates.add(total, figures, -1)
    assert total == {}
    assert aggregates.add(aggregates.add(dict(cases[0]), cases[0], -1), cases[1]) == cases[1]


def test_due_moments_are_a_multiset_in_the_sums() -> None:
    due = datetime(2026, 5, 1, tzinfo=UTC)
    one, other = _answers_case(due, False), _answers_case(due + timedelta(days=1), False)
    total = aggregates.add(aggregates.add({}, one), other)
    dues = [v for k, v in total.items() if aggregates.section_of(k) == aggregates.DUES]
    assert [len(v) for v in dues] == [2, 2, 2]  # the case rows, ES and FR: two cases each
    aggregates.add(total, one, -1)
    assert total == other
