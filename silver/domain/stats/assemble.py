"""From the rows the graph returns to the table of figures, one function per section.

Every key taken from the graph (an agency, a country, a reason code, a currency ...) is repeated
only when it is a known code; anything else becomes `unrecognised`, because it could be free
text typed somewhere."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from silver.domain.cases import ASSET_TYPES, CRIME_TYPES, REQUESTER
from silver.domain.stats.catalogue import (
    AGENCIES,
    ALL,
    CODE,
    COUNTRY_CODE,
    CURRENCY_CODE,
    DECISION_TIMES,
    FUNNEL,
    KEEP_OUT_RULES,
    RESULTS,
    TOTAL,
    UNRECOGNISED,
)
from silver.domain.stats.quantiles import median, quantile
from silver.domain.stats.rates import RateTable
from silver.domain.stats.rows import Row, StatsRows
from silver.domain.stats.table import Cell, Kind, Table

# Months without figures are listed between the first and the last, unless that spans more than
# this (stray data decades away would otherwise fill the output with empty months).
MAX_FILLED_MONTHS = 240


def assemble(rows: StatsRows, quota_limit: int, rates: RateTable) -> Table:
    """The whole table of figures, before suppression."""
    table = Table()
    countries = sorted(
        {_safe(c, COUNTRY_CODE) for c in rows.participants} - {REQUESTER, UNRECOGNISED}
    )
    _funnel(table, rows)
    _crime_types(table, rows)
    _asset_types(table, rows, rates)
    _reasons(table, rows)
    answers, answered_cases = _answers(rows, countries)
    _countries(table, answers, answered_cases)
    _asset_results(table, rows, countries, rates)
    _decision_times(table, rows)
    _quota(table, rows, quota_limit)
    _kept_out(table, rows, countries)
    _overdue(table, answers, answered_cases)
    _months(table, rows)
    return table


def _funnel(table: Table, rows: StatsRows) -> None:
    per: dict[str, dict[str, int]] = {a: dict.fromkeys(FUNNEL, 0) for a in AGENCIES}
    for row in rows.agencies:
        counts = per.setdefault(_safe(row.get("agency"), AGENCIES), dict.fromkeys(FUNNEL, 0))
        for metric in FUNNEL:
            counts[metric] += _int(row.get(metric))
    for metric in FUNNEL:
        table.count(("funnel", TOTAL, ALL, metric), sum(a[metric] for a in per.values()))
    for agency, figures in per.items():
        for metric in FUNNEL:
            table.count(("funnel", "agency", agency, metric), figures[metric])
    table.group_rows("funnel", "agency", FUNNEL)


def _total(table: Table, section: str, metric: str) -> int:
    value = table.cells[(section, TOTAL, ALL, metric)].value
    return int(value or 0)


def _crime_types(table: Table, rows: StatsRows) -> None:
    metrics = ("proposed", "submitted", "approved")
    per: dict[str, dict[str, int]] = {c: dict.fromkeys(metrics, 0) for c in CRIME_TYPES}
    for row in rows.crime_types:
        key = _safe(row.get("crime_type"), CRIME_TYPES)
        counts = per.setdefault(key, dict.fromkeys(metrics, 0))
        for metric in metrics:
            counts[metric] += _int(row.get(metric))
    for metric in metrics:
        table.count(("crime_types", TOTAL, ALL, metric), _total(table, "funnel", metric))
    for crime, figures in per.items():
        for metric in metrics:
            table.count(("crime_types", "crime_type", crime, metric), figures[metric])
    table.group_rows("crime_types", "crime_type", metrics)


def _asset_types(table: Table, rows: StatsRows, rates: RateTable) -> None:
    items = _items(rows.assets, {"asset_type": ASSET_TYPES})
    names = ("assets", "estimated_value_eur")
    items[(TOTAL, ALL)].put(table, ("asset_types", TOTAL, ALL), names, rates)
    table.count(("asset_types", TOTAL, ALL, "cases"), items[(TOTAL, ALL)].cases)
    keys = list(ASSET_TYPES) + sorted({k for d, k in items if d == "asset_type"} - {*ASSET_TYPES})
    for kind in keys:
        row = items[("asset_type", kind)]
        row.put(table, ("asset_types", "asset_type", kind), names, rates)
        table.count(("asset_types", "asset_type", kind, "cases"), row.cases)
    table.group_rows("asset_types", "asset_type", (*names, "cases", "unconverted"))


def _reasons(table: Table, rows: StatsRows) -> None:
    metric_of = {"reject": "rejections", "return": "returns"}
    per: dict[tuple[str, str], dict[str, tuple[int, int]]] = defaultdict(
        lambda: {"rejections": (0, 0), "returns": (0, 0)}
    )
    for row in rows.reasons:
        metric = metric_of.get(row.get("decision") or "")
        if not metric:
            continue
        if row.get("dimension") == TOTAL:
            where = (TOTAL, ALL)
        else:
            where = ("reason", _safe(row.get("key"), CODE))
        n, cases = per[where][metric]
        per[where][metric] = (n + _int(row.get("decisions")), cases + _int(row.get("cases")))
    for where in [(TOTAL, ALL), *sorted(k for k in per if k[0] != TOTAL)]:
        for metric, (n, cases) in per[where].items():
            table.count(("reasons", *where, metric), n, cases)
    table.group_rows("reasons", "reason", ("rejections", "returns"))


def _country_row(
    table: Table,
    key: tuple[str, str, str],
    received: tuple[int, int],
    responded: tuple[int, int],
    days: Sequence[tuple[float, int]],
) -> None:
    r = table.count((*key, "received"), *received)
    a = table.count((*key, "responded"), *responded)
    rate = round(responded[0] / received[0], 4) if received[0] else None
    table.put((*key, "response_rate"), Cell(rate, Kind.STAT, received[1], (r, a)))
    table.put(
        (*key, "median_days_to_first_response"),
        Cell(_rounded(median(days), 2), Kind.STAT, responded[1], (a,)),
    )


@dataclass
class _Answers:
    """A country's (case, country) pairs, or with `country` None the cases."""

    received: int = 0
    responded: int = 0
    overdue: int = 0
    days: list[tuple[float, int]] = field(default_factory=list)


def _answers(rows: StatsRows, countries: Sequence[str]) -> tuple[dict[str, _Answers], _Answers]:
    per: dict[str, _Answers] = {c: _Answers() for c in countries}
    cases = _Answers()
    for row in rows.answers:
        n = _int(row.get("pairs"))
        if row.get("country") is None:
            target = cases
        else:
            target = per.setdefault(_safe(row.get("country"), COUNTRY_CODE), _Answers())
        target.received += n if row.get("received") else 0
        target.overdue += n if row.get("overdue") else 0
        if row.get("responded"):
            target.responded += n
            if row.get("days") is not None:
                target.days.append((float(row["days"]), n))
    return per, cases


def _countries(table: Table, per: Mapping[str, _Answers], cases: _Answers) -> None:
    _country_row(
        table,
        ("countries", TOTAL, ALL),
        (sum(a.received for a in per.values()), cases.received),
        (sum(a.responded for a in per.values()), cases.responded),
        [d for a in per.values() for d in a.days],
    )
    for code in sorted(per):
        # One (case, country) pair per case: a country's counts are counts of cases.
        a = per[code]
        row = ("countries", "country", code)
        _country_row(table, row, (a.received, a.received), (a.responded, a.responded), a.days)
    table.group_rows("countries", "country", ("received", "responded"))


def _asset_results(
    table: Table, rows: StatsRows, countries: Sequence[str], rates: RateTable
) -> None:
    items = _items(rows.outcomes, {"stage": RESULTS, "country": COUNTRY_CODE})
    names = ("outcomes", "value_eur")
    items[(TOTAL, ALL)].put(table, ("asset_results", TOTAL, ALL), names, rates)
    stages = list(RESULTS) + sorted({k for d, k in items if d == "stage"} - {*RESULTS})
    for stage in stages:
        items[("stage", stage)].put(table, ("asset_results", "stage", stage), names, rates)
    for code in sorted({*countries} | {k for d, k in items if d == "country"}):
        items[("country", code)].put(table, ("asset_results", "country", code), names, rates)
    for dimension in ("stage", "country"):
        table.group_rows("asset_results", dimension, (*names, "unconverted"))


def _decision_times(table: Table, rows: StatsRows) -> None:
    days: dict[str, list[tuple[float, int]]] = {k: [] for k in DECISION_TIMES}
    for row in rows.decision_times:
        until = row.get("until")
        if until in days and row.get("days") is not None:
            days[until].append((float(row["days"]), _int(row.get("cases"))))
    for until, histogram in days.items():
        n = sum(c for _, c in histogram)
        cases = table.count(("time_to_decision", "until", until, "cases"), n)
        for metric, q in (("median_days", 0.5), ("p90_days", 0.9)):
            table.put(
                ("time_to_decision", "until", until, metric),
                Cell(_rounded(quantile(histogram, q), 2), Kind.STAT, n, (cases,)),
            )


def _quota(table: Table, rows: StatsRows, limit: int) -> None:
    total = table.put(("quota", TOTAL, ALL, "limit"), Cell(limit, Kind.SETTING))
    used = table.count(("quota", TOTAL, ALL, "used"), rows.quota_used)
    remaining = table.put(
        ("quota", TOTAL, ALL, "remaining"), Cell(max(0, limit - rows.quota_used), Kind.COUNT)
    )
    table.count(("quota", TOTAL, ALL, "used_in_period"), _total(table, "funnel", "approved"))
    table.group(total, (used, remaining))


def _kept_out(table: Table, rows: StatsRows, countries: Sequence[str]) -> None:
    """A rule counts its relationships (one per case, country and rule), a country and the
    total count (case, country) pairs."""
    per: dict[tuple[str, str], tuple[int, int]] = {("rule", r): (0, 0) for r in KEEP_OUT_RULES}
    per.update({("country", c): (0, 0) for c in countries})
    total, total_cases = 0, 0
    for row in rows.kept_out:
        dimension = row.get("dimension")
        if dimension == TOTAL:
            total, total_cases = _int(row.get("pairs")), _int(row.get("cases"))
            continue
        if dimension == "rule":
            where, n = ("rule", _safe(row.get("key"), CODE)), _int(row.get("relationships"))
        elif dimension == "country":
            where, n = ("country", _safe(row.get("key"), COUNTRY_CODE)), _int(row.get("pairs"))
        else:
            continue
        old, cases = per.get(where, (0, 0))
        per[where] = (old + n, cases + _int(row.get("cases")))
    table.count(("kept_out", TOTAL, ALL, "kept_out"), total, total_cases)
    table.count(("kept_out", TOTAL, ALL, "cases"), total_cases)
    for dimension in ("rule", "country"):
        keys = [k for d, k in per if d == dimension]
        for key in keys if dimension == "rule" else sorted(keys):
            table.count(("kept_out", dimension, key, "kept_out"), *per[(dimension, key)])
        table.group_rows("kept_out", dimension, ("kept_out",))


def _overdue(table: Table, per: Mapping[str, _Answers], cases: _Answers) -> None:
    total = sum(a.overdue for a in per.values())
    table.count(("overdue", TOTAL, ALL, "overdue"), total, cases.overdue)
    for code in sorted(per):
        table.count(("overdue", "country", code, "overdue"), per[code].overdue)
    table.group_rows("overdue", "country", ("overdue",))


def _months(table: Table, rows: StatsRows) -> None:
    metrics = ("proposed", "approvals", "rejections", "returns")
    metric_of = {"approve": "approvals", "reject": "rejections", "return": "returns"}
    per: dict[str, dict[str, tuple[int, int]]] = defaultdict(lambda: dict.fromkeys(metrics, (0, 0)))
    for row in rows.months_cases:
        month = _month(row.get("year"), row.get("month"))
        if month:
            n = per[month]["proposed"][0] + _int(row.get("proposed"))
            per[month]["proposed"] = (n, n)
    totals = dict.fromkeys(metrics, (0, 0))
    totals["proposed"] = (_total(table, "funnel", "proposed"),) * 2
    for row in rows.months_decisions:
        metric = metric_of.get(row.get("decision") or "")
        month = _month(row.get("year"), row.get("month"))
        target = totals if row.get("dimension") == TOTAL else per[month] if month else None
        if metric and target is not None:
            n, cases = target[metric]
            target[metric] = (n + _int(row.get("decisions")), cases + _int(row.get("cases")))
    months = sorted(per)
    if months and len(_months_between(months[0], months[-1])) <= MAX_FILLED_MONTHS:
        months = _months_between(months[0], months[-1])
    for metric in metrics:
        table.count(("months", TOTAL, ALL, metric), *totals[metric])
    for month in months:
        for metric in metrics:
            table.count(("months", "month", month, metric), *per[month][metric])
    table.group_rows("months", "month", metrics)


# --- Reading the rows -----------------------------------------------------------------------------


def _safe(value: Any, vocabulary: Sequence[str] | re.Pattern[str]) -> str:
    """A key from the graph only when it is a known code: anything else (which could be free
    text typed somewhere) is never repeated to the evaluator."""
    text = value if isinstance(value, str) else ""
    if isinstance(vocabulary, re.Pattern):
        return text if vocabulary.fullmatch(text) else UNRECOGNISED
    return text if text in vocabulary else UNRECOGNISED


def _int(value: Any) -> int:
    return int(value or 0)


def _month(year: Any, month: Any) -> str | None:
    if isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return None


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class _Items:
    """Items (assets, outcomes) of one row: how many, from how many cases, and their money."""

    items: int = 0
    cases: int = 0
    converted_cases: int = 0
    cents: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    currency_cases: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def put(
        self, table: Table, prefix: tuple[str, str, str], names: tuple[str, str], rates: RateTable
    ) -> None:
        """The count, the sum in EUR and, per currency without a rate, the amount as it is."""
        count = table.count((*prefix, names[0]), self.items, self.cases)
        eur = Decimal(0)
        unconverted: list[str] = []
        for currency in sorted(self.cents):
            amount = Decimal(self.cents[currency]) / 100
            value = rates.to_eur(amount, currency) if currency != UNRECOGNISED else None
            if value is None:
                unconverted.append(currency)
            else:
                eur += value
        table.put((*prefix, names[1]), Cell(eur, Kind.MONEY, self.converted_cases, (count,)))
        for currency in unconverted:
            table.put(
                (*prefix, f"unconverted.{currency}"),
                Cell(
                    Decimal(self.cents[currency]) / 100,
                    Kind.MONEY,
                    self.currency_cases[currency],
                    (count,),
                ),
            )


def _items(rows: Sequence[Row], vocabularies: Mapping[str, Any]) -> dict[tuple[str, str], _Items]:
    """Rows of a (dimension, key) breakdown of items and their money, by (dimension, key)."""
    out: dict[tuple[str, str], _Items] = defaultdict(_Items)
    for row in rows:
        dimension = row.get("dimension")
        if dimension == TOTAL:
            where = (TOTAL, ALL)
        elif isinstance(dimension, str) and dimension in vocabularies:
            where = (dimension, _safe(row.get("key"), vocabularies[dimension]))
        else:
            continue
        items = out[where]
        if row.get("currency") is None:
            items.items += _int(row.get("items"))
            items.cases += _int(row.get("cases"))
            items.converted_cases += _int(row.get("converted_cases"))
        else:
            currency = _safe(row.get("currency"), CURRENCY_CODE)
            items.cents[currency] += _int(row.get("cents"))
            items.currency_cases[currency] += _int(row.get("cases"))
    return out
