"""The Neo4j unit of work: one explicit transaction, repositories bound to it.

The audit events a transaction appends are written to the chain as its last statements, right
before the commit, so the chain's head lock is held for the commit only (see
graph/repositories/audit.py). Just before them, the statistics' sums are moved by what the
transaction changed in the cases the repositories marked (graph/repositories/
stats_aggregates.py), so that their buckets too are locked only at the end. Once the
transaction has committed, the audit events are recorded with the audit witness (outside
Neo4j) before any other after-commit hook runs, so a request never answers before its events
are witnessed.

A Neo4j that is down, restarting or asks for the transaction to be tried again (a deadlock, a
lock timeout, a leader switch) raises the domain's `StorageUnavailable`, never the driver's
error: `retryable` when nothing was committed (the services' facade then runs the whole unit
of work again), not when the commit itself was cut off, whose outcome is unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any, LiteralString, cast

import neo4j
import neo4j.exceptions

from graph.repositories.audit import AuditRepository, HeadHint
from graph.repositories.cases import CaseRepository
from graph.repositories.countries import CountryRepository
from graph.repositories.dissemination import DisseminationRepository
from graph.repositories.keyring import KeyringRepository
from graph.repositories.migrations import MigrationRepository
from graph.repositories.reference import Neo4jReferenceRepository
from graph.repositories.stats_aggregates import StatsAggregateRepository, refresh_cases
from graph.repositories.tracing import TracingRepository
from graph.repositories.users import UserRepository
from silver.domain.audit import AuditChain
from silver.domain.errors import Contention, StorageUnavailable
from silver.domain.ports import AuditWitness
from silver.domain.uow import AbstractUnitOfWork

log = logging.getLogger(__name__)
DOWN = "the graph database is not available right now; try again in a moment"


def is_transient(exc: BaseException) -> bool:
    """Whether the driver says that trying again later may succeed."""
    if isinstance(exc, neo4j.exceptions.ServiceUnavailable | neo4j.exceptions.SessionExpired):
        return True
    if isinstance(exc, neo4j.exceptions.Neo4jError | neo4j.exceptions.DriverError):
        return bool(exc.is_retryable())
    return False


class Neo4jUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None,
        chain: Callable[[], AuditChain],
        witness: AuditWitness | None = None,
        head_hint: HeadHint | None = None,
    ) -> None:
        super().__init__()
        self._driver = driver
        self._database = database
        self._chain = chain
        self._witness = witness
        self._head_hint = head_hint
        self._session: neo4j.Session | None = None
        self._tx: neo4j.Transaction | None = None
        self._touched: set[str] = set()

    def __enter__(self) -> Neo4jUnitOfWork:
        super().__enter__()
        try:
            self._session, self._tx = self._open()
        except Exception as exc:
            self._close_session()
            if is_transient(exc):
                raise StorageUnavailable(DOWN, retryable=True) from exc
            raise
        self.users = UserRepository(self._tx)
        self.audit = self._audit = AuditRepository(self._tx, self._chain, self._head_hint)
        self.keyring = KeyringRepository(self._tx)
        self.migrations = MigrationRepository(self._tx)
        self.tracing = TracingRepository(self._tx)
        self._touched = set()
        self.cases = CaseRepository(self._tx, self._touched)
        self.countries = CountryRepository(self._tx)
        self.disseminations = DisseminationRepository(self._tx, self._touched)
        self.stats = StatsAggregateRepository(self._tx, self._touched)
        self.reference = Neo4jReferenceRepository(self._tx)
        return self

    def _open(self) -> tuple[neo4j.Session, neo4j.Transaction]:
        session = self._driver.session(database=self._database)
        try:
            return session, session.begin_transaction()
        except Exception:
            session.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        except Exception as failed:
            # Rolling back on a dead connection fails too: nothing was committed either way.
            if not is_transient(failed):
                raise
            log.warning("rollback failed: %s", failed)
        finally:
            self._close_session()
        if isinstance(exc, neo4j.exceptions.TransientError) and exc.is_retryable():
            # A deadlock or a lock wait given up: rolled back, and worth trying again.
            raise Contention(f"the database gave up on the transaction: {exc.code}") from exc
        if exc is not None and is_transient(exc):
            # Raised inside the block (a query): nothing of this transaction was committed.
            raise StorageUnavailable(DOWN, retryable=True) from exc

    def _close_session(self) -> None:
        session, self._session, self._tx = self._session, None, None
        if session is not None:
            try:
                session.close()
            except Exception as exc:
                if not is_transient(exc):
                    raise

    def _commit(self) -> None:
        assert self._tx is not None, "unit of work used outside its `with` block"
        try:
            if self._touched:
                refresh_cases(self._tx, self._touched)  # locks the cases, then their buckets
                self._touched.clear()
            self._audit.flush()  # the chain's head lock: the last statement before the commit
            self._tx.commit()
        except Exception as exc:
            if isinstance(exc, neo4j.exceptions.TransientError) and exc.is_retryable():
                # The server refused the commit (a deadlock): it rolled the transaction back.
                raise Contention(f"the database gave up on the transaction: {exc.code}") from exc
            if is_transient(exc):
                # The connection broke during the commit: it may or may not have happened.
                raise StorageUnavailable(DOWN, retryable=False) from exc
            raise
        appended, self._audit.appended = self._audit.appended, []
        if appended and self._witness is not None:
            try:
                self._witness.record(appended)
            except OSError:
                # Committed already: the events stand. `audit verify` reports them as not
                # witnessed yet while they are the last ones.
                log.exception(
                    "could not record audit events %d..%d with the witness %s",
                    appended[0].seq,
                    appended[-1].seq,
                    self._witness.name,
                )

    def rollback(self) -> None:
        if self._tx is not None and not self._tx.closed():
            self._tx.rollback()


class _AutoCommit:
    """Runs every query as an auto-commit transaction of its own (RUN and PULL in one flight:
    no BEGIN, no COMMIT or ROLLBACK), with the repositories' `run` signature."""

    def __init__(self, session: neo4j.Session) -> None:
        self._session = session

    def run(
        self, query: LiteralString, parameters: dict[str, Any] | None = None, **kwargs: Any
    ) -> neo4j.Result:
        return self._session.run(query, parameters, **kwargs)


class Neo4jReadUnitOfWork(Neo4jUnitOfWork):
    """A unit of work that only reads, for the reads whose audit event is committed apart, by
    the shared read-audit commit (silver/services/audit_batch.py): each query is its own
    auto-commit transaction, one round trip instead of a transaction's BEGIN, the query and
    ROLLBACK. Nothing is lost by that: Neo4j's transactions are read committed, so two queries
    of one transaction did not see one snapshot either. Its session is opened like a writing
    one (in a cluster: on the leader), not in READ access mode, which a cluster routes to a
    follower that may not have the case created a moment ago yet. It cannot commit; the
    services give it only reads."""

    def _open(self) -> tuple[neo4j.Session, neo4j.Transaction]:
        session = self._driver.session(database=self._database)
        # The repositories only call `run` on what they are given.
        return session, cast(neo4j.Transaction, _AutoCommit(session))

    def _commit(self) -> None:
        raise RuntimeError("a read unit of work writes nothing: it cannot commit")

    def rollback(self) -> None:
        """Nothing to roll back: every query committed (read) on its own."""
