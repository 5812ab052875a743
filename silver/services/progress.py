"""How a long piece of work tells the one who started it how far it got, without knowing who
that is: a service passes the items it works through to a `Track`, which hands them back one by
one. The CLI gives a progress bar on a terminal (api/progress.py); everyone else gets
`untracked`, which only hands them back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Track(Protocol):
    def __call__(
        self, items: Iterable[T], total: int | None = None, label: str = ""
    ) -> Iterator[T]:
        """`items`, one by one, shown as `label` with `total` items (None: not known)."""
        ...


def untracked(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
    yield from items
