"""Pilot statistics for evaluators (CONTRACT.md "Statistics", DOMAIN.md "Statistics"): pure.

Neo4j does the counting (graph/repositories/stats.py); this module turns its grouped rows into
one table of figures, converts money to EUR, suppresses small counts for the public and writes
the table as JSON or CSV. Keeping it free of I/O (apart from reading the rate table) lets every
rule that protects a case from being pointed at be tested without a database.

Every figure has an address `(section, dimension, key, metric)`: the JSON document nests them as
`sections[section][dimension][key][metric]` and the CSV lists them one per row, so both carry
exactly the same figures. Each section but `time_to_decision` has a `total` dimension with the
single key `all`.

Suppression (`audience=public`), so that no figure for parliament can point to a case. Every
figure knows the number of distinct cases it comes from, because six outcomes of one case
point to that case as surely as one outcome does:
- primary: a count from 1 to `suppress_below - 1` becomes `"<{suppress_below}"`; any figure
  drawn from 1 to `suppress_below - 1` cases becomes `"suppressed"`; zero stays 0;
- dependent: an amount in EUR, a median or a rate computed from a suppressed count becomes
  `"suppressed"`;
- secondary: where a total is shown and exactly one of its parts is suppressed, the smallest
  other non-zero part is suppressed too (`"suppressed"`), repeated until nothing changes, so
  that no suppressed figure follows from a subtraction. Breakdowns that are not strict
  partitions (a case has several crime types) are treated the same way, which can only hide
  more.
`suppress_below=1` suppresses nothing.

Money: amounts are summed in whole cents in Neo4j per currency and converted here with the
ECB reference rates in `silver/data/eur_rates.csv` (units of the currency per 1 EUR, one date
and source for the whole table, both named in the output). An amount in a currency the table
lacks is never guessed: it is reported per currency under `unconverted`.

Medians and 90th percentiles interpolate linearly between order statistics (the "inclusive"
method of `statistics.quantiles`, Excel's PERCENTILE.INC), from histograms Neo4j returns.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from silver.domain.cases import ASSET_TYPES, CRIME_TYPES, REQUESTER
from silver.domain.errors import ConfigError, ValidationFailed

RATES_PATH = Path(__file__).resolve().parents[1] / "data" / "eur_rates.csv"

AUDIENCES = ("internal", "public")
AGENCIES = ("FIOD", "OM", "POLITIE")
FUNNEL = ("proposed", "submitted", "returned", "rejected", "approved", "disseminated", "closed")
RESULTS = ("no_information", "asset_located", "frozen", "seized", "confiscated", "returned")
DECISION_TIMES = ("first_decision", "final_decision")
# The country rules whose risk (prohibited or high) can keep a country out (DOMAIN.md).
KEEP_OUT_RULES = (
    "MISUSE.NOT_PARTICIPANT",
    "MISUSE.DEATH_PENALTY",
    "MISUSE.REFUGEE",
    "MISUSE.HUMAN_RIGHTS",
    "MISUSE.CORRUPTION",
    "MISUSE.SUBJECT_TIES",
)
TOTAL, ALL = "total", "all"
# Months without figures are listed between the first and the last, unless that spans more than
# this (stray data decades away would otherwise fill the output with empty months).
MAX_FILLED_MONTHS = 240
SUPPRESSED = "suppressed"
UNRECOGNISED = "unrecognised"

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_CODE = re.compile(r"[A-Z][A-Z0-9_.]{0,63}")
_CENT = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Ref = tuple[str, str, str, str]
Value = int | float | Decimal | None
Shown = int | float | str | None
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Section:
    """One section of the output: what it counts, its breakdowns and its figures."""

    name: str
    title: str
    about: str
    dimensions: tuple[str, ...]
    metrics: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "funnel",
        "Funnel",
        "Cases proposed in the period, and how many of them reached each stage: submitted "
        "(ever), returned or rejected (by at least one such decision), approved, disseminated, "
        "closed. By agency.",
        (TOTAL, "agency"),
        FUNNEL,
    ),
    Section(
        "crime_types",
        "Crime types",
        "Cases by crime type (a case may have several, so the rows add up to more than the total).",
        (TOTAL, "crime_type"),
        ("proposed", "submitted", "approved"),
    ),
    Section(
        "asset_types",
        "Assets named in the cases",
        "Assets of the period's cases (named by caseworkers or reported by countries) by type, "
        "the cases with at least one, and their estimated value in EUR (amounts without a rate "
        "under `unconverted`).",
        (TOTAL, "asset_type"),
        ("assets", "cases", "estimated_value_eur", "unconverted"),
    ),
    Section(
        "reasons",
        "Why cases did not pass screening",
        "Reject and return decisions by reason code (a decision may give several codes).",
        (TOTAL, "reason"),
        ("rejections", "returns"),
    ),
    Section(
        "countries",
        "Recipient countries",
        "Per participating country (the Netherlands excepted): cases it received (a notice or "
        "diffusion sent or acknowledged reached it), cases it answered with at least one "
        "outcome, the response rate (responded / received, 4 decimals) and the median days "
        "from the sending to its first answer.",
        (TOTAL, "country"),
        ("received", "responded", "response_rate", "median_days_to_first_response"),
    ),
    Section(
        "asset_results",
        "Asset results",
        "Outcomes reported by the countries, by stage and by country, with their value in EUR "
        "(amounts without a rate under `unconverted`).",
        (TOTAL, "stage", "country"),
        ("outcomes", "value_eur", "unconverted"),
    ),
    Section(
        "time_to_decision",
        "Time from submission to decision",
        "Days (2 decimals) from a case's first submission to its first decision of any kind, "
        "and to its final decision (the approval, or the rejection): cases, median and 90th "
        "percentile.",
        ("until",),
        ("cases", "median_days", "p90_days"),
    ),
    Section(
        "quota",
        "Quota",
        "The pilot's quota of notices and diffusions for the Netherlands: the limit, the "
        "approved cases of the whole pilot (each approved notice or diffusion counts one; the "
        "quota is the pilot's, so this ignores the period and counts purged cases too) and "
        "what remains; `used_in_period` counts the period's approved cases.",
        (TOTAL,),
        ("limit", "used", "remaining", "used_in_period"),
    ),
    Section(
        "kept_out",
        "Misuse risk kept a country out",
        "Target countries an approval did not reach because of a prohibited or high misuse "
        "risk: (case, country) pairs and cases in total, by rule (a country may be kept out by "
        "several rules) and by country.",
        (TOTAL, "rule", "country"),
        ("kept_out", "cases"),
    ),
    Section(
        "overdue",
        "Overdue answers",
        "(case, country) pairs that have not answered although the notice is flagged overdue "
        "or was sent and is past its due time.",
        (TOTAL, "country"),
        ("overdue",),
    ),
    Section(
        "months",
        "Over time",
        "Per month (UTC): cases proposed (by creation), and final approvals, rejections and "
        "returns decided (by decision time) on the period's cases.",
        (TOTAL, "month"),
        ("proposed", "approvals", "rejections", "returns"),
    ),
)
SECTION_NAMES = tuple(s.name for s in SECTIONS)


# --- The rows Neo4j returns ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatsRows:
    """Grouped counts from the graph: what `graph.repositories.stats` reads, nothing personal.
    `cases` is always the number of distinct cases a row's figures come from; rows with a
    `dimension` carry one breakdown each, the total as `('total', 'all')`."""

    participants: Sequence[str] = ()
    agencies: Sequence[Row] = ()  # agency, proposed, submitted, ..., closed
    crime_types: Sequence[Row] = ()  # crime_type, proposed, submitted, approved
    # Items: dimension, key, currency, items, cents, cases, converted_cases; the row without a
    # currency counts the items and their cases, a row per currency the items with an amount.
    assets: Sequence[Row] = ()
    outcomes: Sequence[Row] = ()
    reasons: Sequence[Row] = ()  # decision, dimension, key, decisions, cases
    # (case, country) pairs: country, received, responded, days, overdue, pairs; the rows
    # without a country count cases instead of pairs.
    answers: Sequence[Row] = ()
    decision_times: Sequence[Row] = ()  # until, days, cases
    quota_used: int = 0
    kept_out: Sequence[Row] = ()  # dimension, key, relationships, pairs, cases
    months_cases: Sequence[Row] = ()  # year, month, proposed
    months_decisions: Sequence[Row] = ()  # dimension, year, month, decision, decisions, cases


# (start, end, now, currencies that can be converted) -> rows
Reader = Callable[[datetime, datetime, datetime, Sequence[str]], StatsRows]


# --- EUR rates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateTable:
    """Reference rates in units of a currency per 1 EUR, all of one date and one source."""

    rates: Mapping[str, Decimal]
    date: date
    source: str

    @property
    def convertible(self) -> list[str]:
        return ["EUR", *sorted(self.rates)]

    def to_eur(self, amount: Decimal, currency: str) -> Decimal | None:
        if currency == "EUR":
            return amount
        rate = self.rates.get(currency)
        return None if rate is None else amount / rate


def load_rates(path: Path = RATES_PATH) -> RateTable:
    """Read the rate table; a malformed one stops the service rather than mis-convert."""
    rates: dict[str, Decimal] = {}
    dates: set[str] = set()
    sources: set[str] = set()
    with path.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            currency = (row.get("currency") or "").strip()
            try:
                rate = Decimal((row.get("rate_to_eur") or "").strip())
            except InvalidOperation:
                raise ConfigError(f"{path.name} line {line}: rate_to_eur is not a number") from None
            if not _CURRENCY.fullmatch(currency) or not rate > 0 or currency in rates:
                raise ConfigError(f"{path.name} line {line}: bad or repeated currency or rate")
            rates[currency] = rate
            dates.add((row.get("date") or "").strip())
            sources.add((row.get("source") or "").strip())
    if len(dates) != 1 or len(sources) != 1 or not rates:
        raise ConfigError(f"{path.name} must hold rates of exactly one date and one source")
    try:
        day = date.fromisoformat(dates.pop())
    except ValueError:
        raise ConfigError(f"{path.name}: date must be YYYY-MM-DD") from None
    return RateTable(rates, day, sources.pop())


@functools.lru_cache(maxsize=1)
def default_rates() -> RateTable:
    """The shipped rate table, read once per process."""
    return load_rates()


# --- Quantiles -----------------------------------------------------------------------------------


def quantile(histogram: Iterable[tuple[float, int]], q: float) -> float | None:
    """The q-quantile of values given as (value, how many): linear interpolation between order
    statistics, as `statistics.quantiles(method="inclusive")`. None without values."""
    pairs = sorted((float(v), int(n)) for v, n in histogram if v is not None and n > 0)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    position = (total - 1) * q
    lower = math.floor(position)
    low, high = _nth(pairs, lower), _nth(pairs, min(lower + 1, total - 1))
    return low + (high - low) * (position - lower)


def _nth(pairs: Sequence[tuple[float, int]], index: int) -> float:
    seen = 0
    for value, n in pairs:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


def median(histogram: Iterable[tuple[float, int]]) -> float | None:
    return quantile(histogram, 0.5)


def p90(histogram: Iterable[tuple[float, int]]) -> float | None:
    return quantile(histogram, 0.9)


# --- The table of figures and its suppression ---------------------------------------------------


class Kind(StrEnum):
    COUNT = "count"  # suppressed from 1 to k-1, or when from 1 to k-1 cases
    MONEY = "money"  # an amount: suppressed with its cases and the count behind it
    STAT = "stat"  # a median or rate: suppressed with its cases and the counts behind it
    SETTING = "setting"  # configuration (the quota limit): public anyway, never suppressed


@dataclass
class Cell:
    value: Value
    kind: Kind
    cases: int | None = None
    depends: tuple[Ref, ...] = ()


@dataclass
class Table:
    """Figures in output order, and the (total, parts) groups secondary suppression protects."""

    cells: dict[Ref, Cell] = field(default_factory=dict)
    groups: list[tuple[Ref, tuple[Ref, ...]]] = field(default_factory=list)

    def put(self, ref: Ref, cell: Cell) -> Ref:
        self.cells[ref] = cell
        return ref

    def count(self, ref: Ref, value: int, cases: int | None = None) -> Ref:
        """A count; `cases` defaults to the count itself (a count of cases)."""
        return self.put(ref, Cell(int(value), Kind.COUNT, value if cases is None else cases))

    def group(self, total: Ref, parts: Iterable[Ref]) -> None:
        present = tuple(p for p in parts if p in self.cells)
        if total in self.cells and present:
            self.groups.append((total, present))

    def group_rows(self, section: str, dimension: str, metrics: Iterable[str]) -> None:
        """Each metric of the section's total against the same metric of every row of
        `dimension`, amounts per currency included."""
        keys = dict.fromkeys(k for (s, d, k, _m) in self.cells if s == section and d == dimension)
        wanted = set(metrics)
        for s, d, _k, m in list(self.cells):
            if s == section and d == TOTAL and m.split(".")[0] in wanted:
                self.group((section, TOTAL, ALL, m), [(section, dimension, k, m) for k in keys])


def _positive(value: Value) -> bool:
    return value is not None and value > 0


def _few(number: int | None, below: int) -> bool:
    return number is not None and 0 < number < below


def suppress(table: Table, below: int) -> dict[Ref, Shown]:
    """Every figure as shown to an audience from whom counts from 1 to `below - 1`, and
    figures from that few cases, are hidden (`below <= 1` hides nothing)."""
    hidden: dict[Ref, str] = {}
    if below > 1:
        for ref, cell in table.cells.items():
            if cell.kind is Kind.SETTING:
                continue
            if cell.kind is Kind.COUNT and isinstance(cell.value, int) and _few(cell.value, below):
                hidden[ref] = f"<{below}"
            elif _few(cell.cases, below):
                hidden[ref] = SUPPRESSED
        public_anyway: set[int] = set()
        while True:
            _propagate(table, hidden)
            exposed = next(
                (
                    i
                    for i, group in enumerate(table.groups)
                    if i not in public_anyway and _exposed(group, hidden)
                ),
                None,
            )
            if exposed is None:
                break
            total, parts = table.groups[exposed]
            candidates = [p for p in parts if p not in hidden and _positive(table.cells[p].value)]
            if candidates:
                hidden[min(candidates, key=lambda p: table.cells[p].value or 0)] = SUPPRESSED
            elif table.cells[total].kind is not Kind.SETTING:
                hidden[total] = SUPPRESSED
            else:
                public_anyway.add(exposed)
    return {ref: hidden.get(ref, _plain(cell)) for ref, cell in table.cells.items()}


def _propagate(table: Table, hidden: dict[Ref, str]) -> None:
    """Hide every figure computed from a hidden one, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for ref, cell in table.cells.items():
            if ref not in hidden and any(d in hidden for d in cell.depends):
                hidden[ref] = SUPPRESSED
                changed = True


def _exposed(group: tuple[Ref, tuple[Ref, ...]], hidden: Mapping[Ref, str]) -> bool:
    """A shown total with exactly one hidden part: that part is the total minus the others."""
    total, parts = group
    return total not in hidden and sum(p in hidden for p in parts) == 1


def _plain(cell: Cell) -> Shown:
    if isinstance(cell.value, Decimal):
        return str(cell.value.quantize(_CENT, rounding=ROUND_HALF_UP))
    return cell.value


# --- Assembling the table from the rows ---------------------------------------------------------


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
            currency = _safe(row.get("currency"), _CURRENCY)
            items.cents[currency] += _int(row.get("cents"))
            items.currency_cases[currency] += _int(row.get("cases"))
    return out


def assemble(rows: StatsRows, quota_limit: int, rates: RateTable) -> Table:
    """The whole table of figures, before suppression."""
    table = Table()
    countries = sorted({_safe(c, _COUNTRY) for c in rows.participants} - {REQUESTER, UNRECOGNISED})
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
            where = ("reason", _safe(row.get("key"), _CODE))
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
            target = per.setdefault(_safe(row.get("country"), _COUNTRY), _Answers())
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
    items = _items(rows.outcomes, {"stage": RESULTS, "country": _COUNTRY})
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
            where, n = ("rule", _safe(row.get("key"), _CODE)), _int(row.get("relationships"))
        elif dimension == "country":
            where, n = ("country", _safe(row.get("key"), _COUNTRY)), _int(row.get("pairs"))
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


# --- The service and its output formats ----------------------------------------------------------


@dataclass(frozen=True)
class PilotStatistics:
    period_from: date | None
    period_to: date | None
    audience: str
    generated_at: datetime
    suppress_below: int | None
    rates: RateTable
    figures: Mapping[Ref, Shown]


def period_bounds(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, end 23:59:59.999999 UTC]; an open end reaches the calendar's limit."""
    if start and end and start > end:
        raise ValidationFailed({"from": ["must not be after `to`"]})
    return (
        datetime.combine(start or date.min, time.min, UTC),
        datetime.combine(end or date.max, time.max, UTC),
    )


def pilot_statistics(
    read: Reader,
    *,
    period_from: date | None,
    period_to: date | None,
    audience: str,
    quota_limit: int,
    suppress_below: int,
    now: datetime | None = None,
    rates: RateTable | None = None,
) -> PilotStatistics:
    """The pilot's figures for the period (by the cases' creation), for an audience."""
    if audience not in AUDIENCES:
        raise ValidationFailed({"audience": [f"must be one of {', '.join(AUDIENCES)}"]})
    start, end = period_bounds(period_from, period_to)
    now = now or datetime.now(UTC)
    rates = rates or default_rates()
    table = assemble(read(start, end, now, rates.convertible), quota_limit, rates)
    public = audience == "public"
    return PilotStatistics(
        period_from,
        period_to,
        audience,
        now,
        suppress_below if public else None,
        rates,
        suppress(table, suppress_below if public else 1),
    )


def to_json(stats: PilotStatistics) -> dict[str, Any]:
    sections: dict[str, Any] = {name: {} for name in SECTION_NAMES}
    for (section, dimension, key, metric), value in stats.figures.items():
        row = sections[section].setdefault(dimension, {}).setdefault(key, {})
        if metric.startswith("unconverted."):
            row.setdefault("unconverted", {})[metric.split(".", 1)[1]] = value
            continue
        row[metric] = value
        if metric.endswith("value_eur"):
            row.setdefault("unconverted", {})
    return {
        "period": {
            "from": stats.period_from.isoformat() if stats.period_from else None,
            "to": stats.period_to.isoformat() if stats.period_to else None,
        },
        "audience": stats.audience,
        "generated_at": stats.generated_at.isoformat(),
        "suppress_below": stats.suppress_below,
        "rates": {"date": stats.rates.date.isoformat(), "source": stats.rates.source},
        "sections": sections,
    }


def about(stats: PilotStatistics) -> list[tuple[str, Shown]]:
    """What the figures are: period, audience, time, suppression threshold and rates."""
    return [
        ("period_from", stats.period_from.isoformat() if stats.period_from else None),
        ("period_to", stats.period_to.isoformat() if stats.period_to else None),
        ("audience", stats.audience),
        ("generated_at", stats.generated_at.isoformat()),
        ("suppress_below", stats.suppress_below),
        ("rates_date", stats.rates.date.isoformat()),
        ("rates_source", stats.rates.source),
    ]


def csv_cell(value: Shown) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets an apostrophe;
    numbers are written as they are, a missing value as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return "'" + text if text.startswith(_FORMULA_START) else text
    return str(value)


def to_csv(stats: PilotStatistics) -> str:
    """A tidy long table, one figure per row (RFC 4180: CRLF, quoted where needed), after the
    rows of section `about` that say what the figures are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "dimension", "key", "metric", "value"])
    for metric, value in about(stats):
        writer.writerow([csv_cell(v) for v in ("about", TOTAL, ALL, metric, value)])
    for (section, dimension, key, metric), value in stats.figures.items():
        writer.writerow([csv_cell(v) for v in (section, dimension, key, metric, value)])
    return out.getvalue()
