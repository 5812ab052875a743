"""The unit-of-work abstraction the services depend on (implemented in graph/, and in memory
by the unit tests' fake). It declares the ports it carries, so a service reaches storage only
through what `silver.domain.ports` declares."""

from __future__ import annotations

import abc
import contextvars
from collections.abc import Callable
from types import TracebackType

from silver.domain import ports
from silver.domain.reference import ReferenceRepository

# How many units of work committed during the current service call (set by the services'
# facade, which runs a call again after a transient storage error only while this is 0).
commits: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "silver_uow_commits", default=None
)


class AbstractUnitOfWork(abc.ABC):
    """One transaction. Rolls back unless committed; after-commit hooks run only on commit."""

    users: ports.UserRepository
    cases: ports.CaseRepository
    audit: ports.AuditRepository
    countries: ports.CountryRepository
    disseminations: ports.DisseminationRepository
    keyring: ports.KeyringRepository
    migrations: ports.MigrationRepository
    tracing: ports.TracingRepository
    reference: ReferenceRepository
    stats: ports.StatsAggregateRepository

    def __init__(self) -> None:
        self._after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> AbstractUnitOfWork:
        self._after_commit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once the transaction has committed (e.g. to enqueue a job)."""
        self._after_commit.append(hook)

    def commit(self) -> None:
        self._commit()
        counted = commits.get()
        if counted is not None:
            counted[0] += 1
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
