"""The pilot's statistics as published: the figures for one audience with what they are
(period, time, threshold, rates), as the JSON document and as a tidy CSV table. Both carry
exactly the same figures under the same addresses."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from silver.domain.stats.catalogue import ALL, SECTION_NAMES, TOTAL, Ref
from silver.domain.stats.rates import RateTable
from silver.domain.stats.suppression import Shown

# Text a spreadsheet would run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PilotStatistics:
    period_from: date | None
    period_to: date | None
    audience: str
    generated_at: datetime
    suppress_below: int | None
    rates: RateTable
    figures: Mapping[Ref, Shown]


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
