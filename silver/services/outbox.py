"""The outbox on disk: `var/outbox/<message id>.json` and `.sig`, the exact messages sent.

The files hold the messages in plaintext (they are what a recipient receives), so they must
not outlive their purpose. A case's files go when the case is erased (`retention`), and
`prune` removes those of delivered messages (the Notice `sent` or `acknowledged`) once they are
older than a given age. The file of a Notice still queued (or failed, which a screener may
retry) is never pruned: a retry re-sends the stored bytes, and the outbox transport checks them
against this file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from silver.domain.ports import Outbox
from silver.domain.uow import AbstractUnitOfWork

DELIVERED = frozenset({"sent", "acknowledged"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PruneReport:
    removed_delivered: int
    removed_erased: int
    kept: int
    unknown: int


def remove_messages(outbox: Outbox, message_ids: Iterable[str]) -> int:
    """Delete the files of these messages; a failure is logged (the next `prune` retries it),
    never raised: it runs after the erasure has committed."""
    removed = 0
    for message_id in message_ids:
        try:
            removed += outbox.remove(message_id)
        except (OSError, ValueError):
            log.exception("could not remove outbox message %s", message_id)
    return removed


def _batches(items: Iterator[str], size: int) -> Iterator[list[str]]:
    while batch := list(islice(items, size)):
        yield batch


def prune(
    outbox: Outbox,
    uow_factory: Callable[[], AbstractUnitOfWork],
    older_than: timedelta,
    now: datetime,
    batch: int = 1000,
) -> PruneReport:
    """Remove the files of messages delivered before `now - older_than`, and of erased cases
    (whatever their age: the erasure should have taken them). Files that no Notice in the graph
    knows are left alone and counted: they are not this installation's to judge."""
    cutoff = now - older_than
    delivered = erased = kept = unknown = 0
    for ids in _batches(outbox.message_ids(), batch):
        with uow_factory() as uow:
            rows = {r["message_id"]: r for r in uow.disseminations.by_message_ids(ids)}
        for message_id in ids:
            row = rows.get(message_id)
            if row is None:
                unknown += 1
            elif row["case_purged"]:
                erased += remove_messages(outbox, [message_id])
            elif row["status"] in DELIVERED and row["sent_at"] and row["sent_at"] < cutoff:
                delivered += remove_messages(outbox, [message_id])
            else:
                kept += 1
    return PruneReport(delivered, erased, kept, unknown)
