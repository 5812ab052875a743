"""Pilot statistics for evaluators: the figures of a period for an audience.

The rows come from a reader (graph.repositories.stats.read_stats, bound to a driver by the
entrypoint); everything after reading is pure and lives in `silver.domain.stats`: assembling
the table, converting money, suppressing for the public, exporting.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time

from silver.domain.errors import ValidationFailed
from silver.domain.stats.assemble import assemble
from silver.domain.stats.catalogue import AUDIENCES
from silver.domain.stats.export import PilotStatistics
from silver.domain.stats.guards import PUBLIC, check_public_window
from silver.domain.stats.rates import RateTable, default_rates
from silver.domain.stats.rows import Reader
from silver.domain.stats.suppression import suppress
from silver.domain.uow import AbstractUnitOfWork


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
    if audience == PUBLIC:
        check_public_window(period_from, period_to, now.date())
    rates = rates or default_rates()
    public = audience == "public"
    with collector_paused():
        table = assemble(read(start, end, now, rates.convertible), quota_limit, rates)
        figures = suppress(table, suppress_below if public else 1)
    return PilotStatistics(
        period_from, period_to, audience, now, suppress_below if public else None, rates, figures
    )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the figures are made: the rows and the
    table are tens of thousands of small containers that all live until the end, so the
    collector would only walk them (and the rest of the heap) again and again for nothing.
    Measured on the sums of a year of 10,000 cases: parsing them took 30 ms, or 200 ms when a
    full collection struck; assembling 45 ms, or 100-190 ms. Concurrent callers are fine:
    whoever found it enabled enables it again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


REBUILD_BATCH = 200


def rebuild_aggregates(
    uow_factory: Callable[[], AbstractUnitOfWork],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Build the statistics' sums again from the graph: drop them (the statistics are counted
    from the graph meanwhile), recompute every case's contribution, `REBUILD_BATCH` cases per
    transaction, then use the sums again. Writes that happen meanwhile keep them exact: a case
    changed after the drop is summed by its own transaction, and the rebuild then moves its
    buckets by nothing. Returns the number of cases."""
    with uow_factory() as uow:
        uow.stats.reset()
        uow.commit()
    done, after = 0, ""
    while True:
        with uow_factory() as uow:
            ids = uow.stats.case_ids_after(after, REBUILD_BATCH)
            if not ids:
                break
            uow.stats.refresh(ids)
            uow.commit()
        done += len(ids)
        after = ids[-1]
        if on_progress is not None:
            on_progress(done)
    with uow_factory() as uow:
        uow.stats.set_ready(datetime.now(UTC))
        uow.commit()
    return done
