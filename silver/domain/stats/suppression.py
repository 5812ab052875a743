"""The table as an audience sees it. For the public, counts from 1 to `below - 1` and figures
drawn from that few cases are hidden, with whatever is computed from them or would let them be
derived by subtraction from a total (see the package's docstring); `below <= 1` hides
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from silver.domain.stats.catalogue import SUPPRESSED, Ref
from silver.domain.stats.table import Cell, Kind, Table, Value

# A figure as shown: a number, an amount as a decimal string, "<k", "suppressed" or None.
Shown = int | float | str | None

_CENT = Decimal("0.01")


def _positive(value: Value) -> bool:
    return value is not None and value > 0


def _few(number: int | None, below: int) -> bool:
    return number is not None and 0 < number < below


def suppress(table: Table, below: int) -> dict[Ref, Shown]:
    """Every figure as shown to an audience from whom counts from 1 to `below - 1`, and
    figures from that few cases, are hidden (`below <= 1` hides nothing)."""
    hidden: dict[Ref, str] = {}
    if below > 1:
        for ref, cell in table.cells.items():
            if cell.kind is Kind.SETTING:
                continue
            if cell.kind is Kind.COUNT and isinstance(cell.value, int) and _few(cell.value, below):
                hidden[ref] = f"<{below}"
            elif _few(cell.cases, below):
                hidden[ref] = SUPPRESSED
        public_anyway: set[int] = set()
        while True:
            _propagate(table, hidden)
            exposed = next(
                (
                    i
                    for i, group in enumerate(table.groups)
                    if i not in public_anyway and _exposed(group, hidden)
                ),
                None,
            )
            if exposed is None:
                break
            total, parts = table.groups[exposed]
            candidates = [p for p in parts if p not in hidden and _positive(table.cells[p].value)]
            if candidates:
                hidden[min(candidates, key=lambda p: table.cells[p].value or 0)] = SUPPRESSED
            elif table.cells[total].kind is not Kind.SETTING:
                hidden[total] = SUPPRESSED
            else:
                public_anyway.add(exposed)
    return {ref: hidden.get(ref, _plain(cell)) for ref, cell in table.cells.items()}


def _propagate(table: Table, hidden: dict[Ref, str]) -> None:
    """Hide every figure computed from a hidden one, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for ref, cell in table.cells.items():
            if ref not in hidden and any(d in hidden for d in cell.depends):
                hidden[ref] = SUPPRESSED
                changed = True


def _exposed(group: tuple[Ref, tuple[Ref, ...]], hidden: Mapping[Ref, str]) -> bool:
    """A shown total with exactly one hidden part: that part is the total minus the others."""
    total, parts = group
    return total not in hidden and sum(p in hidden for p in parts) == 1


def _plain(cell: Cell) -> Shown:
    if isinstance(cell.value, Decimal):
        return str(cell.value.quantize(_CENT, rounding=ROUND_HALF_UP))
    return cell.value
