"""Read events appended to the audit chain in shared transactions (group commit).

Every read of a case is audited before it is answered. Appending to the chain takes the write
lock of its head node until the transaction has committed (and the commit is forced to disk),
so every reader of every process used to queue on that lock, one commit at a time: a read
cost about three times what it did without its audit event (bench/README.md, "Reads and load").

`GroupAppender.append` still returns only once the event is committed in the chain (nothing is
answered unaudited, and the chain, its MACs, its head witness and `audit verify` are exactly as
before), but the threads of one process that want to append at the same time share one
transaction: the first to come writes its own event and every event queued while it waited
for the lock, the others wait for that commit. Under load a commit carries several reads; alone
a read costs what it did. If the shared transaction fails, each of its callers gets the error
(so none of their reads is answered).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from silver.domain.audit import AuditEvent
from silver.domain.uow import AbstractUnitOfWork


@dataclass
class _Slot:
    event: AuditEvent
    done: bool = False
    error: BaseException | None = None


class GroupAppender:
    """Appends audit events, batching the concurrent ones of this process into one commit."""

    def __init__(self, uow: Callable[[], AbstractUnitOfWork], max_batch: int = 64) -> None:
        self._uow = uow
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Slot] = []
        self._writing = False
        self.commits = 0  # how many transactions carried the events (for tests and benches)

    def append(self, event: AuditEvent) -> None:
        slot = _Slot(event)
        with self._cond:
            self._queue.append(slot)
        while True:
            with self._cond:
                while self._writing and not slot.done:
                    self._cond.wait()
                if slot.done:
                    break
                # Nobody is writing: this thread writes what is queued, oldest first.
                self._writing = True
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            self._write(batch)
        if slot.error is not None:
            raise slot.error

    def _write(self, batch: list[_Slot]) -> None:
        error: Exception | None = RuntimeError("the audit append was interrupted")
        try:
            with self._uow() as uow:
                for slot in batch:
                    uow.audit.append(slot.event)
                uow.commit()
            error = None
        except Exception as exc:  # handed to every caller of the batch
            error = exc
        finally:
            with self._cond:
                self.commits += 1
                for slot in batch:
                    slot.done = True
                    slot.error = error
                self._writing = False
                self._cond.notify_all()


# Threads that append a read's event while the reading thread goes on with its query (`beside`).
_BESIDE = ThreadPoolExecutor(max_workers=16, thread_name_prefix="audit-beside")


@contextmanager
def beside(
    uow: AbstractUnitOfWork, record: Callable[[AuditEvent], None] | None, event: AuditEvent
) -> Iterator[None]:
    """A read's audit event around the read's query (the block), inside the read's open unit
    of work `uow`. With `record` the event is appended in another thread while the block runs,
    and the block is left only once the event is committed: a read whose access was checked
    is audited at the same time as its (slower) query runs, instead of after it, and is still
    answered only once audited. If the append fails, that error is raised (the caller answers
    nothing); an error of the block is raised after the append has finished either way, so a
    read that was asked for and allowed is in the chain even when its query failed. Without
    `record` the event is appended in `uow` and committed after the block (an error of the
    block rolls both back)."""
    if record is None:
        yield
        uow.audit.append(event)
        uow.commit()
        return
    pending = _BESIDE.submit(record, event)
    try:
        yield
    finally:
        pending.result()
