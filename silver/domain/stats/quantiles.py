"""Medians and 90th percentiles of values given as a histogram (value, how many), which is how
Neo4j returns them: linear interpolation between order statistics, the "inclusive" method of
`statistics.quantiles` (Excel's PERCENTILE.INC)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


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
