"""Progress bars for the long commands (`demo load`, `retention purge`, `keys rotate`,
`audit verify`): drawn on standard error when it is a terminal, so a person sees how far the
work got; nothing at all otherwise, so cron, CI and pipes get the same output as before."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

import click

from silver.services.progress import Track, untracked

T = TypeVar("T")


def terminal_progress(stream: TextIO | None = None) -> Track:
    """A Track that draws click's progress bar on `stream` (default standard error) when it is
    a terminal, and `untracked` when it is not."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return untracked

    def track(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
        with click.progressbar(
            items,
            length=total,
            label=label,
            file=out,
            show_pos=True,
            show_percent=total is not None,
        ) as bar:
            yield from bar

    return track
