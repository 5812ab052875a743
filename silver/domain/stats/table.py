"""The table of figures before suppression: each figure with its kind, the number of distinct
cases it comes from and the figures it is computed from, and the (total, parts) groups that
secondary suppression protects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from silver.domain.stats.catalogue import ALL, TOTAL, Ref

Value = int | float | Decimal | None


class Kind(StrEnum):
    COUNT = "count"  # suppressed from 1 to k-1, or when from 1 to k-1 cases
    MONEY = "money"  # an amount: suppressed with its cases and the count behind it
    STAT = "stat"  # a median or rate: suppressed with its cases and the counts behind it
    SETTING = "setting"  # configuration (the quota limit): public anyway, never suppressed


@dataclass
class Cell:
    value: Value
    kind: Kind
    cases: int | None = None
    depends: tuple[Ref, ...] = ()


@dataclass
class Table:
    """Figures in output order, and the (total, parts) groups secondary suppression protects."""

    cells: dict[Ref, Cell] = field(default_factory=dict)
    groups: list[tuple[Ref, tuple[Ref, ...]]] = field(default_factory=list)

    def put(self, ref: Ref, cell: Cell) -> Ref:
        self.cells[ref] = cell
        return ref

    def count(self, ref: Ref, value: int, cases: int | None = None) -> Ref:
        """A count; `cases` defaults to the count itself (a count of cases)."""
        return self.put(ref, Cell(int(value), Kind.COUNT, value if cases is None else cases))

    def group(self, total: Ref, parts: Iterable[Ref]) -> None:
        present = tuple(p for p in parts if p in self.cells)
        if total in self.cells and present:
            self.groups.append((total, present))

    def group_rows(self, section: str, dimension: str, metrics: Iterable[str]) -> None:
        """Each metric of the section's total against the same metric of every row of
        `dimension`, amounts per currency included."""
        keys = dict.fromkeys(k for (s, d, k, _m) in self.cells if s == section and d == dimension)
        wanted = set(metrics)
        for s, d, _k, m in list(self.cells):
            if s == section and d == TOTAL and m.split(".")[0] in wanted:
                self.group((section, TOTAL, ALL, m), [(section, dimension, k, m) for k in keys])
