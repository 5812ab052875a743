"""An in-memory unit of work for testing the services without Neo4j (cosmicpython, chapter 6).

`FakeUnitOfWork` subclasses the real `AbstractUnitOfWork`, so the services cannot tell it from
the Neo4j one. Each `with` block works on a copy of the shared `FakeStore` and writes it back
only on commit, so a test sees exactly what a real transaction would have left behind (and
nothing of one that rolled back). The repositories implement what the services under test
use; a method a test needs and the fake lacks fails loudly (AttributeError), never silently.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, cast

from silver.domain.audit import GENESIS, AuditChain, AuditEvent, StoredEvent
from silver.domain.cases import case_number
from silver.domain.ports import (
    CaseChanges,
    CaseGraphRows,
    CaseRow,
    CountryRow,
    CountrySeedRow,
    DecisionRow,
    LinkRow,
    NewCaseRow,
)
from silver.domain.projection import Projection
from silver.domain.uow import AbstractUnitOfWork
from silver.domain.users import User
from silver.services.countries import seed_rows


@dataclass
class FakeStore:
    """What the fake 'database' holds between transactions."""

    cases: dict[str, CaseRow] = field(default_factory=dict)
    projections: dict[str, Projection] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)
    decisions: list[DecisionRow] = field(default_factory=list)
    screenings: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    quota_used: int = 0
    audit: list[StoredEvent] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    countries: dict[str, CountryRow] = field(default_factory=dict)

    def copy(self) -> FakeStore:
        return copy.deepcopy(self)

    @classmethod
    def seeded(cls) -> FakeStore:
        """A store with every country and the participants' seed profiles (`graph init`)."""
        store = cls()
        FakeCountryRepository(store).seed(seed_rows())
        return store


class FakeCaseRepository:
    def __init__(self, store: FakeStore) -> None:
        self._s = store

    def add(self, row: NewCaseRow, projection: Projection, year: int) -> str:
        self._s.counters[year] = self._s.counters.get(year, 0) + 1
        number = case_number(year, self._s.counters[year])
        self._s.cases[row["id"]] = cast(CaseRow, {**copy.deepcopy(row), "number": number})
        self._s.projections[row["id"]] = copy.deepcopy(projection)
        return number

    def get(self, case_id: str, for_update: bool = False) -> CaseRow | None:
        row = self._s.cases.get(case_id)
        return copy.deepcopy(row) if row is not None else None

    def save(self, case_id: str, expected_version: int, changes: CaseChanges) -> bool:
        row = self._s.cases.get(case_id)
        if row is None or row["version"] != expected_version:
            return False
        row.update(copy.deepcopy(changes))  # type: ignore[typeddict-item]
        row["version"] += 1
        return True

    def page(
        self, agency: str | None, statuses: list[str] | None, skip: int, limit: int
    ) -> tuple[list[CaseRow], int]:
        rows = [
            r
            for r in self._s.cases.values()
            if (agency is None or r["agency"] == agency)
            and (statuses is None or r["status"] in statuses)
            and r.get("purged_at") is None
        ]
        rows.sort(key=lambda r: (r["created_at"], r["number"]), reverse=True)
        return copy.deepcopy(rows[skip : skip + limit]), len(rows)

    def store_screening(
        self, case_id: str, version: int, sealed: str, verdict: str, at: datetime
    ) -> None:
        self._s.screenings[case_id] = (version, sealed, verdict)
        row = self._s.cases[case_id]
        row["screening"], row["screening_verdict"] = sealed, verdict
        row["screened_version"], row["screened_at"] = version, at

    def quota_used(self) -> int:
        return self._s.quota_used

    def take_quota_slot(self, limit: int) -> int | None:
        if self._s.quota_used >= limit:
            return None
        self._s.quota_used += 1
        return self._s.quota_used

    def replace_projection(self, case_id: str, projection: Projection) -> None:
        self._s.projections[case_id] = copy.deepcopy(projection)

    def links(self, case_id: str, kinds: Sequence[str]) -> list[LinkRow]:
        """Subjects and assets of this case sharing a blind index with another case."""
        mine = self._s.projections.get(case_id)
        if mine is None:
            return []
        out: list[LinkRow] = []
        for ident in mine.identifiers:
            others = [
                {"number": self._s.cases[other]["number"], "agency": self._s.cases[other]["agency"]}
                for other, p in sorted(self._s.projections.items())
                if other != case_id and any(i["index"] == ident["index"] for i in p.identifiers)
            ]
            if ident["kind"] not in kinds:
                continue
            if others:
                out.append({"uid": ident["owner"], "kind": ident["kind"], "cases": others})
        return out

    def graph(self, case_id: str) -> CaseGraphRows:
        return {"nodes": [], "edges": []}

    def add_decision(self, row: DecisionRow) -> None:
        self._s.decisions.append(copy.deepcopy(row))

    def decisions(self, case_id: str) -> list[DecisionRow]:
        return [copy.deepcopy(d) for d in self._s.decisions if d["case_id"] == case_id]


class FakeCountryRepository:
    def __init__(self, store: FakeStore) -> None:
        self._s = store

    def seed(self, rows: list[CountrySeedRow]) -> int:
        new = [r for r in rows if r["code"] not in self._s.countries]
        for r in new:
            self._s.countries[r["code"]] = {**r, "version": 1}
        return len(new)

    def all(self, participant: bool | None = None) -> list[CountryRow]:
        return [
            copy.deepcopy(r)
            for _, r in sorted(self._s.countries.items())
            if participant is None or r["participant"] == participant
        ]

    def profiles_for(self, codes: list[str]) -> list[CountryRow]:
        return [r for r in self.all() if r["participant"] or r["code"] in codes]

    def get(self, code: str, for_update: bool = False) -> CountryRow | None:
        row = self._s.countries.get(code)
        return copy.deepcopy(row) if row is not None else None


AUDIT_CHAIN = AuditChain(b"fake-audit-key-for-the-unit-tests")


class FakeAuditRepository:
    def __init__(self, store: FakeStore) -> None:
        self._s = store

    def append(self, event: AuditEvent) -> None:
        prev = self._s.audit[-1].hash if self._s.audit else GENESIS
        self._s.audit.append(AUDIT_CHAIN.link(len(self._s.audit) + 1, prev, event))

    def head(self) -> tuple[int, str] | None:
        return (self._s.audit[-1].seq, self._s.audit[-1].hash) if self._s.audit else None


class FakeUnitOfWork(AbstractUnitOfWork):
    """One 'transaction' over a FakeStore: a private copy, written back only on commit."""

    def __init__(self, store: FakeStore) -> None:
        super().__init__()
        self.store = store
        self.committed = False
        self._work: FakeStore | None = None

    def __enter__(self) -> FakeUnitOfWork:
        super().__enter__()
        self._work = copy.deepcopy(self.store)
        self._bind()
        return self

    def _bind(self) -> None:
        assert self._work is not None
        self.cases = FakeCaseRepository(self._work)
        self.countries = FakeCountryRepository(self._work)
        self.audit = FakeAuditRepository(self._work)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        self._work = None

    def _commit(self) -> None:
        assert self._work is not None, "commit outside the `with` block"
        for name in vars(self.store):
            setattr(self.store, name, getattr(self._work, name))
        self._work = copy.deepcopy(self.store)
        self._bind()
        self.committed = True

    def rollback(self) -> None:
        self._work = None


def factory(store: FakeStore) -> Any:
    """A unit-of-work factory over one store, as the bootstrap hands to the services."""
    return lambda: FakeUnitOfWork(store)
