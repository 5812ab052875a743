"""Reference data services: import a FollowTheMoney file as a dataset, delete one, list them.

The import streams: it holds a bounded number of lines and rows at a time, whatever the size
of the file, and writes each batch of rows in one transaction through the reference
repository, so a crash loses at most the open batch and a re-run (every write is a MERGE on a
key) completes the dataset.

Checking a line against the FtM model costs about half the CPU Neo4j spends writing it, so on
a big file the lines are parsed by worker processes (chunks of lines out, rows back, a few
chunks ahead) while this process writes: parsing and the database work side by side, and
memory stays bounded. (Lowering the workers' priority was tried: on a machine busy with other
work they starved and every batch waited for them.) They are spawned, so a script that calls
this needs the usual ``if __name__ == "__main__"`` guard (the flask command has it). A small
file is parsed in this process.

A line that is not a valid FtM entity is reported (``on_bad_line(number, reason)``) and
skipped. The first lines are read here before anything else: a file none of whose first
non-empty lines is an FtM entity is refused (:class:`~silver.domain.reference.NotFtM`) before
anything is written.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING

from silver.domain.errors import NotFound
from silver.domain.reference import (
    DatasetInfo,
    NotFtM,
    RefEntity,
    RefLink,
    check_dataset_name,
)
from silver.domain.uow import AbstractUnitOfWork

if TYPE_CHECKING:
    from silver.infra import ftm_reference

# Rows (entities and links) per transaction; measured with bench/reference.py.
BATCH_SIZE = 5_000
# A file is refused when none of this many first non-empty lines is an FtM entity.
SNIFF_LINES = 100
# Lines per chunk a worker parses, and how many lines a file must have before workers start.
CHUNK_LINES = 2_000
WORKERS_AFTER = 20_000
DELETE_BATCH = 10_000
PENDING_SAMPLE = 10

UnitOfWorkFactory = Callable[[], AbstractUnitOfWork]
Numbered = Iterator[tuple[int, bytes]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def default_workers() -> int:
    """Parsing processes beside this one: every core but the one Neo4j's writes need most."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


@dataclass
class ImportReport:
    dataset: DatasetInfo
    imported: int
    skipped: int
    # Entities that links of the dataset name but that never came (how many, some ids).
    pending: int = 0
    pending_ids: list[str] = field(default_factory=list)


def _pieces(numbered: Numbered, lines: int) -> Iterator[tuple[int, list[bytes]]]:
    while piece := list(islice(numbered, lines)):
        yield piece[0][0], [line for _, line in piece]


def _chunks(
    numbered: Numbered, index_key: bytes, workers: int | None
) -> Iterator[ftm_reference.Chunk]:
    """Parsed chunks, in order: here (all of them when ``workers`` is 0, else until the file
    proved big), then in worker processes, at most two chunks per worker ahead."""
    from silver.infra import ftm_reference

    pieces = _pieces(numbered, CHUNK_LINES)
    here = None if workers == 0 else 0 if workers else WORKERS_AFTER // CHUNK_LINES
    for first, lines in islice(pieces, here):
        yield ftm_reference.read_chunk(first, lines, index_key)
    head = next(pieces, None)
    if head is None:
        return
    count = workers or default_workers()
    # Spawned, not forked: a fork would copy this process's threads' locks mid-use.
    with multiprocessing.get_context("spawn").Pool(count) as pool:
        ahead: deque[multiprocessing.pool.AsyncResult[ftm_reference.Chunk]] = deque()
        for first, lines in chain([head], pieces):
            ahead.append(pool.apply_async(ftm_reference.read_chunk, (first, lines, index_key)))
            if len(ahead) > 2 * count:
                yield ahead.popleft().get()
        while ahead:
            yield ahead.popleft().get()


def import_reference(
    lines: Iterable[bytes],
    dataset: str,
    *,
    uow_factory: UnitOfWorkFactory,
    index_key: bytes,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    on_bad_line: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: Callable[[], datetime] = utcnow,
) -> ImportReport:
    """Import the FtM entities of ``lines`` (one JSON entity per line) as ``dataset``.

    ``workers``: parsing processes (None: as many as the cores allow, once the file is big;
    0: parse here). ``on_progress(bytes_read, entities)`` is called after each batch written.
    """
    # Loaded here, not with the module: the FtM model costs every web worker half a second.
    from silver.infra import ftm_reference

    check_dataset_name(dataset)
    numbered: Numbered = iter(enumerate(lines, 1))
    imported = skipped = seen = bytes_read = 0
    entities: list[RefEntity] = []
    links: list[RefLink] = []

    def bad(number: int, reason: str) -> None:
        nonlocal skipped
        skipped += 1
        if on_bad_line is not None:
            on_bad_line(number, reason)

    # The first lines, up to the first entity, here: a file that is not FtM stops early.
    for number, line in numbered:
        bytes_read += len(line)
        if not line.strip():
            continue
        seen += 1
        try:
            entity, entity_links = ftm_reference.read(line, index_key)
        except ftm_reference.BadEntity as exc:
            bad(number, str(exc))
            if seen >= SNIFF_LINES:
                raise _not_ftm(seen) from None
            continue
        imported += 1
        entities += [entity] if entity is not None else []
        links += entity_links
        break
    if imported == 0:
        raise _not_ftm(seen)

    def write() -> None:
        with uow_factory() as uow:
            uow.reference.write(dataset, entities, links)
            uow.commit()
        if on_progress is not None:
            on_progress(bytes_read, imported)

    for chunk in _chunks(numbered, index_key, workers):
        for number, reason in chunk.bad:
            bad(number, reason)
        imported += chunk.imported
        bytes_read += chunk.bytes
        entities += chunk.entities
        links += chunk.links
        if len(entities) + len(links) >= batch_size:
            write()
            entities, links = [], []
    write()
    with uow_factory() as uow:
        pending, pending_ids = uow.reference.pending(dataset, PENDING_SAMPLE)
        info = uow.reference.record(dataset, now())
        uow.commit()
    return ImportReport(info, imported, skipped, pending, pending_ids)


def _not_ftm(lines: int) -> NotFtM:
    if lines == 0:
        return NotFtM("the input holds no FollowTheMoney entities: it is empty")
    return NotFtM(
        f"none of the first {lines} non-empty lines is a FollowTheMoney entity (one JSON "
        '{"id", "schema", "properties"} object per line): is this an FtM file?'
    )


def delete_dataset(
    dataset: str,
    *,
    uow_factory: UnitOfWorkFactory,
    batch_size: int = DELETE_BATCH,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Delete every entity of ``dataset`` (in batches) and its bookkeeping; nothing else.

    Identifier nodes go only when nothing else (a case, another dataset) points at them.
    Returns how many entities (nodes) were deleted.
    """
    check_dataset_name(dataset)
    total = 0
    while True:
        with uow_factory() as uow:
            deleted = uow.reference.delete_some(dataset, batch_size)
            uow.commit()
        total += deleted
        if on_progress is not None:
            on_progress(total)
        if deleted == 0:
            break
    with uow_factory() as uow:
        existed = uow.reference.forget(dataset)
        uow.commit()
    if not existed and total == 0:
        raise NotFound(f"there is no reference dataset {dataset!r}")
    return total


def list_datasets(uow: AbstractUnitOfWork) -> list[DatasetInfo]:
    with uow:
        return uow.reference.datasets()
