"""Pilot statistics without a database: suppression, EUR conversion, CSV and the quantiles."""

from __future__ import annotations

import csv
import io
import re
import statistics
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graph.repositories.stats as cypher
from silver.domain.errors import ConfigError, ValidationFailed
from silver.domain.stats.assemble import assemble
from silver.domain.stats.catalogue import ALL, SUPPRESSED, TOTAL, UNRECOGNISED, Ref
from silver.domain.stats.export import PilotStatistics, to_csv, to_json
from silver.domain.stats.quantiles import median, p90
from silver.domain.stats.rates import RateTable, load_rates
from silver.domain.stats.rows import StatsRows
from silver.domain.stats.suppression import Shown, suppress
from silver.domain.stats.table import Cell, Kind, Table
from silver.services.stats import period_bounds, pilot_statistics

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
RATES = RateTable({"USD": Decimal("1.25"), "GBP": Decimal("0.8")}, date(2026, 2, 27), "test")


def table_of(section: str, total: int, parts: dict[str, int]) -> Table:
    table = Table()
    table.count((section, TOTAL, ALL, "n"), total)
    for key, value in parts.items():
        table.count((section, "part", key, "n"), value)
    table.group_rows(section, "part", ("n",))
    return table


def shown_parts(shown: dict[Ref, Shown], section: str = "s") -> dict[str, Any]:
    return {k: v for (s, d, k, _m), v in shown.items() if s == section and d == "part"}


# --- Primary and secondary suppression ----------------------------------------------------------


def test_counts_below_the_threshold_become_less_than_and_zero_stays_zero() -> None:
    table = table_of("s", 100, {"a": 0, "b": 1, "c": 4, "d": 5, "e": 90})
    shown = suppress(table, 5)
    assert shown_parts(shown)["a"] == 0
    assert shown_parts(shown)["b"] == "<5"
    assert shown_parts(shown)["c"] == "<5"
    assert shown_parts(shown)["e"] == 90
    assert shown[("s", TOTAL, ALL, "n")] == 100


def test_the_marker_names_the_configured_threshold() -> None:
    shown = suppress(table_of("s", 30, {"a": 7, "b": 23}), 10)
    assert shown_parts(shown) == {"a": "<10", "b": SUPPRESSED}


def test_one_suppressed_part_of_a_shown_total_takes_the_next_smallest_with_it() -> None:
    shown = suppress(table_of("s", 40, {"a": 3, "b": 20, "c": 8, "d": 9, "z": 0}), 5)
    assert shown_parts(shown) == {"a": "<5", "b": 20, "c": SUPPRESSED, "d": 9, "z": 0}


def test_two_suppressed_parts_need_nothing_more() -> None:
    shown = suppress(table_of("s", 40, {"a": 3, "b": 2, "c": 35}), 5)
    assert shown_parts(shown) == {"a": "<5", "b": "<5", "c": 35}


def test_a_suppressed_total_protects_its_parts_already() -> None:
    shown = suppress(table_of("s", 4, {"a": 4, "b": 0}), 5)
    assert shown[("s", TOTAL, ALL, "n")] == "<5"
    assert shown_parts(shown) == {"a": "<5", "b": 0}


def test_secondary_suppression_repeats_until_nothing_can_be_derived() -> None:
    # Hiding country B's count (to protect A's) hides B's value too; the values' total then
    # has two hidden parts and needs no more: C stays shown.
    table = Table()
    n_total = table.count(("r", TOTAL, ALL, "outcomes"), 40)
    counts = {}
    for key, n in (("A", 3), ("B", 12), ("C", 25)):
        counts[key] = table.count(("r", "country", key, "outcomes"), n)
    table.put(("r", TOTAL, ALL, "value_eur"), Cell(Decimal(1000), Kind.MONEY, 40, (n_total,)))
    for key, value in (("A", 100), ("B", 600), ("C", 300)):
        table.put(
            ("r", "country", key, "value_eur"),
            Cell(Decimal(value), Kind.MONEY, 10, (counts[key],)),
        )
    table.group_rows("r", "country", ("outcomes", "value_eur"))
    shown = suppress(table, 5)
    assert {k: shown[("r", "country", k, "outcomes")] for k in "ABC"} == {
        "A": "<5",
        "B": SUPPRESSED,
        "C": 25,
    }
    assert {k: shown[("r", "country", k, "value_eur")] for k in "ABC"} == {
        "A": SUPPRESSED,
        "B": SUPPRESSED,
        "C": "300.00",
    }
    assert shown[("r", TOTAL, ALL, "value_eur")] == "1000.00"


def test_a_part_that_cannot_be_protected_otherwise_hides_its_total() -> None:
    # Crime types are not a partition: one hidden type and only zeros beside it.
    shown = suppress(table_of("s", 9, {"fraud": 3, "other": 0}), 5)
    assert shown[("s", TOTAL, ALL, "n")] == SUPPRESSED


def test_no_suppressed_count_can_be_derived_by_subtraction() -> None:
    parts = {"a": 1, "b": 6, "c": 7, "d": 30}
    shown = shown_parts(suppress(table_of("s", sum(parts.values()), parts), 5))
    assert shown == {"a": "<5", "b": SUPPRESSED, "c": 7, "d": 30}


def test_a_figure_from_few_cases_is_suppressed_whatever_its_value() -> None:
    table = Table()
    table.count(("s", TOTAL, ALL, "outcomes"), 40, cases=12)
    table.count(("s", "part", "a", "outcomes"), 9, cases=1)
    table.count(("s", "part", "b", "outcomes"), 31, cases=11)
    shown = suppress(table, 5)
    assert shown[("s", "part", "a", "outcomes")] == SUPPRESSED
    assert shown[("s", "part", "b", "outcomes")] == 31


def test_money_medians_and_rates_follow_the_counts_they_come_from() -> None:
    table = Table()
    received = table.count(("c", "country", "XX", "received"), 20)
    responded = table.count(("c", "country", "XX", "responded"), 3)
    rate = Cell(0.15, Kind.STAT, 20, (received, responded))
    table.put(("c", "country", "XX", "response_rate"), rate)
    table.put(("c", "country", "XX", "median"), Cell(4.0, Kind.STAT, 3, (responded,)))
    value = Cell(Decimal("12.5"), Kind.MONEY, 9, (responded,))
    table.put(("c", "country", "XX", "value_eur"), value)
    shown = suppress(table, 5)
    assert shown[received] == 20
    assert shown[responded] == "<5"
    assert shown[("c", "country", "XX", "response_rate")] == SUPPRESSED
    assert shown[("c", "country", "XX", "median")] == SUPPRESSED
    assert shown[("c", "country", "XX", "value_eur")] == SUPPRESSED


def test_a_setting_is_never_suppressed() -> None:
    table = Table()
    limit = table.put(("q", TOTAL, ALL, "limit"), Cell(9, Kind.SETTING))
    used = table.count(("q", TOTAL, ALL, "used"), 7)
    remaining = table.put(("q", TOTAL, ALL, "remaining"), Cell(2, Kind.COUNT))
    table.group(limit, (used, remaining))
    shown = suppress(table, 5)
    assert shown == {limit: 9, used: SUPPRESSED, remaining: "<5"}


def test_suppress_below_one_disables_suppression() -> None:
    table = table_of("s", 40, {"a": 1, "b": 2, "c": 37})
    table.put(("s", "part", "a", "value_eur"), Cell(Decimal("3"), Kind.MONEY, 1))
    shown = suppress(table, 1)
    assert shown == {
        ("s", TOTAL, ALL, "n"): 40,
        ("s", "part", "a", "n"): 1,
        ("s", "part", "b", "n"): 2,
        ("s", "part", "c", "n"): 37,
        ("s", "part", "a", "value_eur"): "3.00",
    }


def test_internal_figures_are_never_suppressed() -> None:
    rows = StatsRows(agencies=[{"agency": "OM", "proposed": 2, "submitted": 1}])
    result = pilot_statistics(
        lambda *_: rows,
        period_from=None,
        period_to=None,
        audience="internal",
        quota_limit=9,
        suppress_below=5,
        now=NOW,
        rates=RATES,
    )
    assert result.suppress_below is None
    assert result.figures[("funnel", "agency", "OM", "proposed")] == 2
    public = pilot_statistics(
        lambda *_: rows,
        period_from=None,
        period_to=None,
        audience="public",
        quota_limit=9,
        suppress_below=5,
        now=NOW,
        rates=RATES,
    )
    assert public.suppress_below == 5
    assert public.figures[("funnel", "agency", "OM", "proposed")] == "<5"


# --- Assembling: EUR, unconverted amounts, keys that are not codes ------------------------------


def outcome_rows() -> StatsRows:
    """9 frozen outcomes in GB from 7 cases: 1000.50 EUR (2 cases), 2500.00 USD (3 cases) and
    50000.00 KZT (1 case), as the repository returns them."""
    rows: list[dict[str, Any]] = []
    for dimension, key in ((TOTAL, ALL), ("stage", "frozen"), ("country", "GB")):
        rows += [
            {"dimension": dimension, "key": key, "currency": None, "items": 9, "cents": 0,
             "cases": 7, "converted_cases": 5},
            {"dimension": dimension, "key": key, "currency": "EUR", "items": 2, "cents": 100050,
             "cases": 2, "converted_cases": 0},
            {"dimension": dimension, "key": key, "currency": "USD", "items": 3, "cents": 250000,
             "cases": 3, "converted_cases": 0},
            {"dimension": dimension, "key": key, "currency": "KZT", "items": 1, "cents": 5000000,
             "cases": 1, "converted_cases": 0},
        ]  # fmt: skip
    return StatsRows(participants=["GB", "NL"], outcomes=rows)


def test_amounts_are_converted_to_eur_with_the_rate_table() -> None:
    figures = suppress(assemble(outcome_rows(), 9, RATES), 1)
    # 1000.50 EUR + 2500.00 USD / 1.25 = 3000.50 EUR
    assert figures[("asset_results", "stage", "frozen", "value_eur")] == "3000.50"
    assert figures[("asset_results", TOTAL, ALL, "value_eur")] == "3000.50"
    assert figures[("asset_results", "country", "GB", "value_eur")] == "3000.50"


def test_a_currency_without_a_rate_lands_in_unconverted_and_is_never_guessed() -> None:
    figures = suppress(assemble(outcome_rows(), 9, RATES), 1)
    assert figures[("asset_results", "stage", "frozen", "unconverted.KZT")] == "50000.00"
    doc = to_json(result_of(figures))
    assert doc["sections"]["asset_results"]["stage"]["frozen"]["unconverted"] == {"KZT": "50000.00"}
    assert doc["sections"]["asset_results"]["stage"]["seized"]["unconverted"] == {}


def test_an_unconverted_amount_from_one_case_is_suppressed_for_the_public() -> None:
    figures = suppress(assemble(outcome_rows(), 9, RATES), 5)
    assert figures[("asset_results", "stage", "frozen", "outcomes")] == 9
    assert figures[("asset_results", "stage", "frozen", "value_eur")] == "3000.50"
    assert figures[("asset_results", "stage", "frozen", "unconverted.KZT")] == SUPPRESSED


def test_the_shipped_rate_table_names_its_date_and_source_and_knows_the_common_currencies() -> None:
    rates = load_rates()
    assert rates.date <= date.today()
    assert "European Central Bank" in rates.source
    assert {"USD", "GBP", "CHF", "JPY", "CNY", "INR", "BRL", "KRW", "SGD", "NZD", "PLN", "HUF",
            "SEK", "NOK", "DKK", "CZK", "RON", "TRY", "ZAR"} <= set(rates.rates)  # fmt: skip
    assert rates.to_eur(Decimal("100"), "EUR") == Decimal("100")
    assert rates.to_eur(Decimal("100"), "KZT") is None
    usd = rates.rates["USD"]
    assert rates.to_eur(usd * 10, "USD") == Decimal(10)


@pytest.mark.parametrize(
    "body",
    [
        "currency,rate_to_eur,date,source\nUSD,abc,2026-01-02,ECB\n",
        "currency,rate_to_eur,date,source\nUSD,-1,2026-01-02,ECB\n",
        "currency,rate_to_eur,date,source\nUSD,1.1,2026-01-02,ECB\nGBP,0.8,2026-01-03,ECB\n",
        "currency,rate_to_eur,date,source\nUSD,1.1,2026-01-02,ECB\nUSD,1.2,2026-01-02,ECB\n",
        "currency,rate_to_eur,date,source\n",
    ],
)
def test_a_malformed_rate_table_is_refused(tmp_path: Path, body: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_rates(path)


def test_keys_that_are_not_known_codes_are_never_repeated() -> None:
    rows = StatsRows(
        agencies=[{"agency": "Jan de Vries", "proposed": 1}],
        reasons=[{"decision": "reject", "dimension": "reason", "key": "zie dossier Jansen",
                  "decisions": 1, "cases": 1}],
        answers=[{"country": "Mr Smith", "received": True, "responded": False, "days": None,
                  "overdue": False, "pairs": 1}],
    )  # fmt: skip
    keys = {k for (_s, _d, k, _m) in assemble(rows, 9, RATES).cells}
    assert "Jan de Vries" not in keys
    assert "zie dossier Jansen" not in keys
    assert "Mr Smith" not in keys
    assert UNRECOGNISED in keys


def test_an_empty_period_has_zeros_and_no_medians() -> None:
    shown = suppress(assemble(StatsRows(participants=["BE", "NL"]), 9, RATES), 5)
    for (section, _d, _k, metric), value in shown.items():
        if section == "quota" and metric in ("limit", "remaining"):
            assert value == 9
        elif "rate" in metric or "median" in metric or "p90" in metric:
            assert value is None
        elif metric.endswith("value_eur"):
            assert value == "0.00"
        else:
            assert value == 0, (section, metric)
    assert ("countries", "country", "BE", "received") in shown
    assert ("countries", "country", "NL", "received") not in shown


def test_months_are_listed_without_gaps() -> None:
    rows = StatsRows(
        months_cases=[{"year": 2025, "month": 11, "proposed": 2},
                      {"year": 2026, "month": 2, "proposed": 1}],
    )  # fmt: skip
    months = [k for (s, d, k, m) in assemble(rows, 9, RATES).cells
              if s == "months" and d == "month" and m == "proposed"]  # fmt: skip
    assert months == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_from_after_to_is_refused_and_the_bounds_include_both_days() -> None:
    with pytest.raises(ValidationFailed) as caught:
        period_bounds(date(2026, 2, 2), date(2026, 2, 1))
    assert "from" in caught.value.errors
    start, end = period_bounds(date(2026, 2, 1), date(2026, 2, 1))
    assert start == datetime(2026, 2, 1, tzinfo=UTC)
    assert end == datetime(2026, 2, 1, 23, 59, 59, 999999, tzinfo=UTC)


# --- CSV ------------------------------------------------------------------------------------------


def result_of(figures: dict[Ref, Shown]) -> PilotStatistics:
    return PilotStatistics(None, None, "internal", NOW, None, RATES, figures)


def test_csv_has_the_header_and_one_figure_per_row() -> None:
    figures = suppress(assemble(outcome_rows(), 9, RATES), 1)
    text = to_csv(result_of(figures))
    assert text.startswith("section,dimension,key,metric,value\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    about = [r for r in rows if r["section"] == "about"]
    assert {r["metric"] for r in about} >= {"rates_date", "rates_source", "audience"}
    data = [r for r in rows if r["section"] != "about"]
    assert len(data) == len(figures)
    assert len({(r["section"], r["dimension"], r["key"], r["metric"]) for r in data}) == len(data)
    frozen = {r["metric"]: r["value"] for r in data if r["key"] == "frozen"}
    assert frozen == {"outcomes": "9", "value_eur": "3000.50", "unconverted.KZT": "50000.00"}


def test_csv_cells_that_look_like_formulas_are_defused_but_numbers_are_not() -> None:
    figures: dict[Ref, Shown] = {
        ("s", "d", "=HYPERLINK(1)", "m"): 1,
        ("s", "d", "+1", "m"): -2.5,
        ("s", "d", "@x", "m"): "-text",
        ("s", "d", 'a "quoted", comma', "m"): None,
    }
    rows = list(csv.reader(io.StringIO(to_csv(result_of(figures)))))[-4:]
    assert rows == [
        ["s", "d", "'=HYPERLINK(1)", "m", "1"],
        ["s", "d", "'+1", "m", "-2.5"],
        ["s", "d", "'@x", "m", "'-text"],
        ["s", "d", 'a "quoted", comma', "m", ""],
    ]


# --- Quantiles -----------------------------------------------------------------------------------


def test_median_and_p90_of_known_values() -> None:
    assert median([(1.0, 1), (3.0, 1)]) == 2.0
    assert median([(5.0, 3)]) == 5.0
    assert p90([(float(v), 1) for v in range(1, 11)]) == pytest.approx(9.1)
    assert median([]) is None
    assert p90([(2.0, 0)]) is None


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.integers(min_value=-50, max_value=400), min_size=2, max_size=60))
def test_quantiles_agree_with_the_standard_library(values: list[int]) -> None:
    histogram: dict[float, int] = {}
    for v in values:
        histogram[float(v)] = histogram.get(float(v), 0) + 1
    pairs = list(histogram.items())
    assert median(pairs) == pytest.approx(statistics.median(values))
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert p90(pairs) == pytest.approx(deciles[8])


# --- The Cypher reads nothing sealed ------------------------------------------------------------


def test_the_statistics_queries_never_read_sealed_properties() -> None:
    queries = [v for k, v in vars(cypher).items() if k.isupper() and isinstance(v, str)]
    assert len(queries) >= 8
    sealed = re.compile(r"\.(body|history|justification|message|notes|wrapped_key)\b")
    for query in queries:
        assert not sealed.search(query), query
        assert "properties(" not in query
        assert ".*" not in query
