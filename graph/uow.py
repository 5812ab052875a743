"""The Neo4j unit of work: one explicit transaction, repositories bound to it.

The audit events a transaction appends are written to the chain as its last statements, right
before the commit, so the chain's head lock is held for the commit only (see
graph/repositories/audit.py). Once the transaction has committed, they are recorded with the
audit witness (outside Neo4j) before any other after-commit hook runs, so a request never
answers before its events are witnessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType

import neo4j

from graph.repositories.audit import AuditRepository
from graph.repositories.cases import CaseRepository
from graph.repositories.countries import CountryRepository
from graph.repositories.dissemination import DisseminationRepository
from graph.repositories.keyring import KeyringRepository
from graph.repositories.migrations import MigrationRepository
from graph.repositories.reference import Neo4jReferenceRepository
from graph.repositories.tracing import TracingRepository
from graph.repositories.users import UserRepository
from silver.domain.audit import AuditChain
from silver.domain.errors import Contention
from silver.domain.ports import AuditWitness
from silver.domain.uow import AbstractUnitOfWork

log = logging.getLogger(__name__)


class Neo4jUnitOfWork(AbstractUnitOfWork):
    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None,
        chain: Callable[[], AuditChain],
        witness: AuditWitness | None = None,
    ) -> None:
        super().__init__()
        self._driver = driver
        self._database = database
        self._chain = chain
        self._witness = witness
        self._session: neo4j.Session | None = None
        self._tx: neo4j.Transaction | None = None

    def __enter__(self) -> Neo4jUnitOfWork:
        super().__enter__()
        self._session = self._driver.session(database=self._database)
        self._tx = self._session.begin_transaction()
        self.users = UserRepository(self._tx)
        self.audit = self._audit = AuditRepository(self._tx, self._chain)
        self.keyring = KeyringRepository(self._tx)
        self.migrations = MigrationRepository(self._tx)
        self.tracing = TracingRepository(self._tx)
        self.cases = CaseRepository(self._tx)
        self.countries = CountryRepository(self._tx)
        self.disseminations = DisseminationRepository(self._tx)
        self.reference = Neo4jReferenceRepository(self._tx)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            if self._session is not None:
                self._session.close()
            self._session = None
            self._tx = None
        if isinstance(exc, neo4j.exceptions.TransientError) and exc.is_retryable():
            # A deadlock or a lock wait given up: rolled back, and worth trying again.
            raise Contention(f"the database gave up on the transaction: {exc.code}") from exc

    def _commit(self) -> None:
        assert self._tx is not None, "unit of work used outside its `with` block"
        self._audit.flush()  # the chain's head lock: the last statement before the commit
        self._tx.commit()
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
