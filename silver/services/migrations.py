"""Data migrations that `graph init` runs once each, after the schema.

`matching-keys-2` re-projects every case under the matching keys of silver/domain/matching.py
(the issuing country in passport keys, the registration country in plate keys, a wallet keyed
by its address alone, name keys, the ISIN no longer linking cases). The keys are keyed blind
indexes, so they cannot be rewritten in place: each case's sealed content is opened and its
projection written anew, one case per transaction, so a crash leaves every case either old or
new, and a re-run (the migration is recorded only at the end) finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from silver.domain import projection
from silver.domain.uow import AbstractUnitOfWork
from silver.infra.keys import KeyMaterial
from silver.services.case_store import load, open_case

MATCHING_KEYS = "matching-keys-2"
BATCH = 200


def run_pending(uow_factory: Callable[[], AbstractUnitOfWork], keys: KeyMaterial) -> list[str]:
    """Run the migrations not yet recorded; return what ran (and how much it touched)."""
    ran: list[str] = []
    with uow_factory() as uow:
        if uow.migrations.done(MATCHING_KEYS):
            return ran
    count = reproject_cases(uow_factory, keys)
    with uow_factory() as uow:
        uow.migrations.record(MATCHING_KEYS, datetime.now(UTC), f"{count} cases re-projected")
        uow.commit()
    ran.append(f"{MATCHING_KEYS}: {count} cases re-projected")
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
