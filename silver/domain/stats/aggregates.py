"""The statistics as sums kept current: each case's contribution, buckets of them, and the rows
`assemble` takes, computed from the sums.

Every row the statistics queries return (graph/repositories/stats.py) is a sum over the
period's cases: counts, sums of cents, counts of distinct cases (a case is one distinct case
of each row it contributes to) and counts of (case, country) pairs. So the rows of a period are
the sums of the rows of its cases, and a case's rows (its *contribution*) can be kept beside the
case and summed into buckets (graph/repositories/stats_aggregates.py) when the case changes.

Two things in the rows do not depend on the cases alone, and a contribution keeps what decides
them instead, so that they are decided when the statistics are read:

* whether an answer is overdue depends on the time of reading: a (case, country) pair keeps
  whether one of its notices was flagged overdue and the earliest `due_by` of its notices
  still `sent` (both only while the country has not answered), and is overdue when it is
  flagged or that moment has passed;
* whether a case's amounts can be converted to EUR depends on the rate table: the row of a
  case's items keeps the currencies its amounts are in.

A figures map takes a key (the section, then the row's key fields, as compact JSON) to the
row's additive values; it is stored as a JSON object (figures only, nothing personal:
agencies, codes, counts, cents, days and dates).
"""

from __future__ import annotations

import functools
import json
import operator
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from silver.domain.stats.rows import Row, StatsRows

# A row's key: the JSON of [section, key fields...] (compact), so that stored sums parse as one
# JSON object and are summed by plain string keys; decoded once, when read.
Key = str
Figures = dict[Key, list[int]]

# Key fields and value fields of each section's rows, as the queries name them.
CASE_SECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agencies": (
        ("agency",),
        ("proposed", "submitted", "returned", "rejected", "approved", "disseminated", "closed"),
    ),
    "crime_types": (("crime_type",), ("proposed", "submitted", "approved")),
    "months_cases": (("year", "month"), ("proposed",)),
    "decision_times": (("until", "days"), ("cases",)),
    "months_decisions": (("dimension", "year", "month", "decision"), ("decisions", "cases")),
    "reasons": (("decision", "dimension", "key"), ("decisions", "cases")),
    "kept_out": (("dimension", "key"), ("relationships", "cases", "pairs")),
}
ITEM_SECTIONS = ("assets", "outcomes")
ANSWERS = "answers"
# Pairs (and case rows) whose overdue depends on the time of reading: per (country, received,
# responded, days), the sorted due moments of its pairs, one per pair (a multiset, summed by
# merging), instead of a key per due moment: most of them differ, and parsing a key costs far
# more than parsing a number.
DUES = "answers_due"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Microseconds since 1970 (negative before): a moment as a JSON number, ordered."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def currencies_key(currencies: Iterable[str | None]) -> str:
    """The currencies a case's amounts of one row are in, as one key. EUR is always
    convertible, so with EUR in it the rest does not matter (fewer distinct keys)."""
    found = sorted({c for c in currencies if c})
    return "EUR" if "EUR" in found else ",".join(found)


def contribution(
    case_figures: Mapping[str, Sequence[Row]],
    assets: Sequence[Sequence[Any]],
    outcomes: Sequence[Sequence[Any]],
    answers: Sequence[Sequence[Any]] | None,
) -> Figures:
    """One case's figures from the rows of the per-case queries: `case_figures` as the
    CASE_FIGURES query returns them; `assets` and `outcomes` as [dimension, key, currency,
    items, cents, valued currencies (the row without a currency only)]; `answers` the case's
    (country, received, responded, days, flagged, due) pairs, or None when the case was never
    disseminated (no row of its own then, as in the query)."""
    out: Figures = {}
    for section, (keys, values) in CASE_SECTIONS.items():
        for row in case_figures.get(section) or ():
            _add(out, key(section, *(row.get(k) for k in keys)), [_n(row.get(v)) for v in values])
    for section, rows in (("assets", assets), ("outcomes", outcomes)):
        for dimension, item, currency, items, cents, valued_in in rows:
            valued = currencies_key(valued_in or ()) if currency is None else None
            _add(out, key(section, dimension, item, currency, valued), [_n(items), _n(cents), 1])
    if answers is not None:
        # A flagged pair is overdue whenever it is read: its due moment no longer matters (and
        # leaving it out keeps the number of distinct keys down).
        pairs = [
            (country, bool(received), bool(responded), days, bool(flagged),
             None if flagged else _due(due))
            for country, received, responded, days, flagged, due in answers
        ]  # fmt: skip
        flagged_any = any(p[4] for p in pairs)
        dues = [p[5] for p in pairs if p[5] is not None]
        case_row = (
            None,
            any(p[1] for p in pairs),
            any(p[2] for p in pairs),
            None,
            flagged_any,
            min(dues) if dues and not flagged_any else None,
        )
        for country, received, responded, days, flagged, due in [case_row, *pairs]:
            if due is None:
                _add(out, key(ANSWERS, country, received, responded, days, flagged), [1])
            else:
                _add(out, key(DUES, country, received, responded, days), [due])
    return out


def key(section: str, *fields: Any) -> Key:
    return json.dumps([section, *fields], separators=(",", ":"))


@functools.lru_cache(maxsize=1 << 17)
def decoded(k: Key) -> tuple[Any, ...]:
    """A key's section and fields. The keys of the sums repeat from one reading to the next
    (the same agencies, countries, days ...): decoded once per process, not per reading."""
    return tuple(json.loads(k))


def section_of(k: Key) -> str:
    """The section of a key, without decoding it (keys start with `["<section>",`)."""
    return k[2 : k.index('"', 2)]


def _due(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return micros(value)
    return int(value)


def _n(value: Any) -> int:
    return int(value or 0)


def _add(into: Figures, k: Key, values: Sequence[int], sign: int = 1) -> None:
    old = into.get(k)
    if k.startswith(_DUES_PREFIX):
        new = _merge_dues(old or [], values, sign)
    elif old is None:
        new = [sign * v for v in values]
    else:
        new = [a + sign * b for a, b in zip(old, values, strict=True)]
    if any(new) or (new and k.startswith(_DUES_PREFIX)):
        into[k] = new
    else:
        into.pop(k, None)


_DUES_PREFIX = f'["{DUES}",'


def _merge_dues(old: Sequence[int], values: Sequence[int], sign: int) -> list[int]:
    """The multiset `old` plus (or minus) `values`, sorted."""
    if sign > 0:
        return sorted([*old, *values])
    out = list(old)
    for v in values:
        out.remove(v)
    return out


def merge(into: Figures, stored: Mapping[Key, list[int]]) -> None:
    """Sums as stored (all positive) added to `into`: the reading's hot loop."""
    for k, values in stored.items():
        old = into.get(k)
        if old is None:
            into[k] = values
        elif k.startswith(_DUES_PREFIX):
            into[k] = old + values  # sorted when read
        else:
            into[k] = list(map(operator.add, old, values))


def add(into: Figures, other: Mapping[Key, Sequence[int]], sign: int = 1) -> Figures:
    """`into` plus (or with `sign` -1 minus) `other`, in place; keys whose values all become 0
    are dropped, so a bucket holds only what some case still contributes."""
    for k, values in other.items():
        _add(into, k, values, sign)
    return into


def dumps(figures: Mapping[Key, Sequence[int]]) -> str:
    """A JSON object, keys sorted so that equal figures give equal text."""
    return json.dumps(figures, separators=(",", ":"), sort_keys=True)


def loads(text: str | None) -> Figures:
    if not text:
        return {}
    loaded: Figures = json.loads(text)
    return loaded


# The buckets' parts: the sections a kind of write changes together, so that a write locks and
# rewrites few bucket nodes (an intake or a decision: the case's figures with its assets; a
# delivery: the answers only; an outcome: the outcomes and the answers) and none of the others'
# sums.
PARTS = {
    **dict.fromkeys(CASE_SECTIONS, "cases"),
    "assets": "cases",
    "outcomes": "outcomes",
    ANSWERS: "answers",
    DUES: "answers",
}


def by_part(figures: Mapping[Key, Sequence[int]]) -> dict[str, Figures]:
    """`figures` split by the bucket part (`PARTS`) each key is summed in."""
    out: dict[str, Figures] = {}
    for k, values in figures.items():
        out.setdefault(PARTS[section_of(k)], {})[k] = list(values)
    return out


def to_rows(figures: Mapping[Key, Sequence[int]], now: datetime, rated: Sequence[str]) -> StatsRows:
    """The rows of every section that the queries would return for the cases summed in
    `figures`, at `now` and with the currencies of `rated` convertible (`participants` and
    `quota_used` are not sums of cases: the caller reads them)."""
    rated_set = set(rated)
    now_micros = micros(now)
    sections: dict[str, list[Row]] = {s: [] for s in (*CASE_SECTIONS, *ITEM_SECTIONS, ANSWERS)}
    sections[DUES] = []
    items: dict[tuple[str, Any, Any, Any], list[int]] = {}
    answers: dict[tuple[Any, ...], int] = {}
    for text, values in figures.items():
        section, *fields = decoded(text)
        if section in CASE_SECTIONS:
            names, metrics = CASE_SECTIONS[section]
            sections[section].append(
                {
                    **dict(zip(names, fields, strict=True)),
                    **dict(zip(metrics, values, strict=True)),
                }
            )
        elif section in ITEM_SECTIONS:
            dimension, item_key, currency, valued = fields
            n, cents, cases = values
            converted = (
                cases
                if currency is None and any(c in rated_set for c in str(valued).split(","))
                else 0
            )
            total = items.setdefault((section, dimension, item_key, currency), [0, 0, 0, 0])
            for i, v in enumerate((n, cents, cases, converted)):
                total[i] += v
        elif section == ANSWERS:
            country, received, responded, days, flagged = fields
            if country is None or received or flagged:  # a case row stands, as in the query
                row_key = (country, bool(received), bool(responded), days, bool(flagged))
                answers[row_key] = answers.get(row_key, 0) + values[0]
        elif section == DUES:
            country, received, responded, days = fields
            late = bisect_left(sorted(values), now_micros)  # due_by < now
            for overdue, n in ((True, late), (False, len(values) - late)):
                if n and (country is None or received or overdue):
                    row_key = (country, bool(received), bool(responded), days, overdue)
                    answers[row_key] = answers.get(row_key, 0) + n
    for (section, dimension, item_key, currency), (n, cents, cases, converted) in items.items():
        sections[section].append(
            {
                "dimension": dimension,
                "key": item_key,
                "currency": currency,
                "items": n,
                "cents": cents,
                "cases": cases,
                "converted_cases": converted,
            }
        )
    for (country, received, responded, days, overdue), pairs in answers.items():
        sections[ANSWERS].append(
            {
                "country": country,
                "received": received,
                "responded": responded,
                "days": days,
                "overdue": overdue,
                "pairs": pairs,
            }
        )
    return StatsRows(
        agencies=sections["agencies"],
        crime_types=sections["crime_types"],
        months_cases=sections["months_cases"],
        decision_times=sections["decision_times"],
        months_decisions=sections["months_decisions"],
        reasons=sections["reasons"],
        kept_out=sections["kept_out"],
        assets=sections["assets"],
        outcomes=sections["outcomes"],
        answers=sections[ANSWERS],
    )


# --- Buckets --------------------------------------------------------------------------------------

# A case's figures are summed into three buckets: its creation day's, month's and year's (UTC),
# each split into SHARDS by the case id, so that concurrent writes rarely wait for each other.
# A period of whole days is then covered by at most a few dozen day and month buckets at its
# edges and one per year and shard in between.
DAY, MONTH, YEAR = "day", "month", "year"
SHARDS = 8


def shard(case_id: str) -> int:
    """A small stable hash of the case id (the same in every process, unlike `hash`)."""
    h = 0
    for ch in case_id.encode():
        h = (h * 31 + ch) & 0xFFFFFFFF
    return h % SHARDS


def bucket_keys(case_id: str, created_at: datetime) -> list[tuple[str, str, date, int]]:
    """(name, level, first day, shard) of the three buckets a case's figures are summed into.
    Each holds one node per part of the sections (the name and `:<part>`, see `PARTS`), so that
    a write rewrites only the sums of the parts it changed."""
    day = created_at.astimezone(UTC).date()
    s = shard(case_id)
    firsts = ((DAY, day), (MONTH, day.replace(day=1)), (YEAR, day.replace(month=1, day=1)))
    return [(f"{level}:{first.isoformat()}:{s}", level, first, s) for level, first in firsts]


def cover(start: date, end: date) -> list[tuple[str, date, date]]:
    """The buckets that sum to the days [start, end], as (level, first day from, first day to):
    whole years inside the period, whole months inside it but outside those years, and the
    remaining days."""
    if start > end:
        return []
    years_from = start.year if start == date(start.year, 1, 1) else start.year + 1
    years_to = end.year if end == date(end.year, 12, 31) else end.year - 1
    if years_from > years_to:
        return _months(start, end)
    out = [(YEAR, date(years_from, 1, 1), date(years_to, 1, 1))]
    if years_from > start.year:
        out = _months(start, date(start.year, 12, 31)) + out
    if years_to < end.year:
        out += _months(date(end.year, 1, 1), end)
    return out


def _months(start: date, end: date) -> list[tuple[str, date, date]]:
    first = start if start.day == 1 else _next_month(start)
    after_end = _next_day(end)
    last = end.replace(day=1) if after_end is None or after_end.day == 1 else _previous_month(end)
    if first is None or last is None or first > last:
        return [(DAY, start, end)]
    out: list[tuple[str, date, date]] = []
    if first > start:
        out.append((DAY, start, first - timedelta(days=1)))
    out.append((MONTH, first, last))
    after_last = _next_month(last)
    if after_last is not None and after_last <= end:
        out.append((DAY, after_last, end))
    return out


def _next_day(day: date) -> date | None:
    return None if day == date.max else day + timedelta(days=1)


def _next_month(day: date) -> date | None:
    """The first day of the month after `day`'s."""
    if day.month == 12:
        return None if day.year == date.max.year else date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def _previous_month(day: date) -> date | None:
    """The first day of the month before `day`'s."""
    if day.month == 1:
        return None if day.year == date.min.year else date(day.year - 1, 12, 1)
    return date(day.year, day.month - 1, 1)
