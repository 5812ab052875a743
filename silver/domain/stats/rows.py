"""The grouped rows the graph returns for the statistics, and the reader that returns them.

`graph.repositories.stats.read_stats` fills `StatsRows`; `assemble` turns them into figures.
The rows are plain mappings as the database returns them, so `assemble` checks every key it
repeats (see `catalogue.UNRECOGNISED`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Row = Mapping[str, Any]


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
