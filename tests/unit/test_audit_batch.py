"""Read events appended in shared transactions: every event committed once, in the chain,
before its caller goes on; concurrent callers share commits; a failed commit fails them all."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from silver.domain.audit import AuditEvent
from silver.services.audit_batch import GroupAppender, beside
from tests.unit.fakes import FakeStore, FakeUnitOfWork

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def event(n: int) -> AuditEvent:
    return AuditEvent("case.read", f"reader-{n}", NOW, f"case-{n}", reason="view")


class GatedUnitOfWork(FakeUnitOfWork):
    """Commits only once `gate` is open, so other callers queue behind the first."""

    gate = threading.Event()
    fail = False

    def _commit(self) -> None:
        assert self.gate.wait(10)
        if self.fail:
            raise OSError("disk full")
        super()._commit()


def test_one_caller_commits_its_event_at_once() -> None:
    store = FakeStore()
    appender = GroupAppender(lambda: FakeUnitOfWork(store))
    for n in range(3):
        appender.append(event(n))
        assert [e.event.actor for e in store.audit] == [f"reader-{i}" for i in range(n + 1)]
    assert appender.commits == 3
    assert [e.seq for e in store.audit] == [1, 2, 3]


def _concurrent(appender: GroupAppender, callers: int) -> list[BaseException | None]:
    results: list[BaseException | None] = [None] * callers

    def call(n: int) -> None:
        try:
            appender.append(event(n))
        except BaseException as exc:
            results[n] = exc

    threads = [threading.Thread(target=call, args=(n,)) for n in range(callers)]
    threads[0].start()
    while not appender._writing:  # the first caller holds the commit
        time.sleep(0.001)
    for thread in threads[1:]:
        thread.start()
    while len(appender._queue) < callers - 1:  # every other caller waits in the queue
        time.sleep(0.001)
    GatedUnitOfWork.gate.set()
    for thread in threads:
        thread.join(10)
    return results


def test_concurrent_callers_share_a_commit() -> None:
    store = FakeStore()
    GatedUnitOfWork.gate = threading.Event()
    GatedUnitOfWork.fail = False
    appender = GroupAppender(lambda: GatedUnitOfWork(store))
    assert _concurrent(appender, 9) == [None] * 9
    assert appender.commits == 2  # the first alone, then the eight that queued meanwhile
    assert sorted(e.event.actor for e in store.audit) == sorted(f"reader-{n}" for n in range(9))
    assert [e.seq for e in store.audit] == list(range(1, 10))
    assert all(e.prev_hash == p.hash for p, e in zip(store.audit, store.audit[1:], strict=False))


def test_a_failed_commit_fails_every_caller_of_the_batch() -> None:
    store = FakeStore()
    GatedUnitOfWork.gate = threading.Event()
    GatedUnitOfWork.fail = True
    appender = GroupAppender(lambda: GatedUnitOfWork(store))
    results = _concurrent(appender, 4)
    assert all(isinstance(r, OSError) for r in results)
    assert store.audit == []
    GatedUnitOfWork.fail = False
    appender.append(event(9))
    assert [e.event.actor for e in store.audit] == ["reader-9"]


def test_a_batch_is_bounded() -> None:
    store = FakeStore()
    GatedUnitOfWork.gate = threading.Event()
    GatedUnitOfWork.fail = False
    appender = GroupAppender(lambda: GatedUnitOfWork(store), max_batch=3)
    assert _concurrent(appender, 7) == [None] * 7
    assert appender.commits == 3  # 1, then 3 and 3
    assert len(store.audit) == 7


def test_beside_appends_while_the_block_runs_and_returns_only_once_committed() -> None:
    committed: list[AuditEvent] = []
    appending, release = threading.Event(), threading.Event()

    def record(e: AuditEvent) -> None:
        appending.set()
        assert release.wait(10)
        committed.append(e)

    finished = threading.Event()

    def read() -> None:
        with beside(FakeUnitOfWork(FakeStore()), record, event(1)):
            # The append has started before the block's own work is done.
            assert appending.wait(10)
        finished.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert appending.wait(10)
    # The block is over, but the event is not committed yet: the reader waits for it.
    assert not finished.wait(0.2)
    release.set()
    reader.join(10)
    assert finished.is_set() and committed == [event(1)]


def test_beside_raises_a_failed_append_and_audits_a_read_whose_query_failed() -> None:
    def failing(e: AuditEvent) -> None:
        raise OSError("disk full")

    try:
        with beside(FakeUnitOfWork(FakeStore()), failing, event(1)):
            pass
    except OSError as exc:
        assert str(exc) == "disk full"
    else:
        raise AssertionError("a failed append must fail the read")

    committed: list[AuditEvent] = []
    try:
        with beside(FakeUnitOfWork(FakeStore()), committed.append, event(2)):
            raise LookupError("the query failed")
    except LookupError:
        pass
    assert committed == [event(2)]


def test_beside_without_a_recorder_appends_in_the_reads_own_transaction_after_the_block() -> None:
    store = FakeStore()
    with FakeUnitOfWork(store) as uow, beside(uow, None, event(3)):
        assert store.audit == []  # nothing appended before the query has run
    assert [s.event for s in store.audit] == [event(3)]
    # A query that fails leaves nothing: the event was never appended, nothing committed.
    try:
        with FakeUnitOfWork(store) as uow, beside(uow, None, event(4)):
            raise LookupError("the query failed")
    except LookupError:
        pass
    assert [s.event for s in store.audit] == [event(3)]
