"""Data migrations that `graph init` runs once each, after the schema.

`matching-keys-2` re-projects every case under the matching keys of silver/domain/matching.py
(the issuing country in passport keys, the registration country in plate keys, a wallet keyed
by its address alone, name keys, the ISIN no longer linking cases). The keys are keyed blind
indexes, so they cannot be rewritten in place: each case's sealed content is opened and its
projection written anew, one case per transaction, so a crash leaves every case either old or
new, and a re-run (the migration is recorded only at the end) finishes the job.

`stats-aggregates-1` builds the statistics' sums (silver/services/stats.py
`rebuild_aggregates`) from the cases already in the graph; until it has run, the statistics
are counted from the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from silver.domain import projection
from silver.domain.uow import AbstractUnitOfWork
from silver.infra.keys import KeyMaterial
from silver.services.case_store import load, open_case
from silver.services.stats import rebuild_aggregates

MATCHING_KEYS = "matching-keys-2"
STATS_AGGREGATES = "stats-aggregates-1"
BATCH = 200


def run_pending(uow_factory: Callable[[], AbstractUnitOfWork], keys: KeyMaterial) -> list[str]:
    """Run the migrations not yet recorded; return what ran (and how much it touched)."""
    ran: list[str] = []
    with uow_factory() as uow:
        pending = [m for m in (MATCHING_KEYS, STATS_AGGREGATES) if not uow.migrations.done(m)]
    for migration in pending:
        if migration == MATCHING_KEYS:
            detail = f"{reproject_cases(uow_factory, keys)} cases re-projected"
        else:
            detail = f"sums of {rebuild_aggregates(uow_factory)} cases built"
        with uow_factory() as uow:
            uow.migrations.record(migration, datetime.now(UTC), detail)
            uow.commit()
        ran.append(f"{migration}: {detail}")
    return ran


def reproject_cases(uow_factory: Callable[[], AbstractUnitOfWork], keys: KeyMaterial) -> int:
    """Write every case's projection again from its sealed content."""
    done, after = 0, ""
    while True:
        with uow_factory() as uow:
            ids = uow.cases.ids_after(after, BATCH)
        if not ids:
            return done
        for case_id in ids:
            with uow_factory() as uow:
                row = load(uow, case_id, for_update=True)
                case = open_case(row, keys)
                uow.cases.replace_projection(
                    case_id, projection.project(case_id, case.body, keys.index_key, row["agency"])
                )
                uow.commit()
            done += 1
        after = ids[-1]
