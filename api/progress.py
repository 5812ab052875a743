"""Progress bars for the long commands (`demo load`, `retention purge`, `keys rotate`,
`audit verify`), drawn with rich like `reference import`'s: on standard error when it is a
terminal, so a person sees how far the work got; nothing at all otherwise, so cron, CI and pipes
get the same output as before."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from silver.services.progress import Track, untracked

T = TypeVar("T")


def terminal_progress(stream: TextIO | None = None) -> Track:
    """A Track that draws a progress bar on `stream` (default standard error) when it is a
    terminal, and `untracked` when it is not."""
    console = Console(file=stream if stream is not None else sys.stderr)
    if not console.is_terminal:
        return untracked

    def track(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(label, total=total)
            for item in items:
                yield item
                progress.advance(task)

    return track
