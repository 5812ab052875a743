"""Reference data services: import a FollowTheMoney file as a dataset, delete one, list them.

The import streams: it holds one batch of rows at a time, whatever the size of the file, and
writes each batch in one transaction through the reference repository, so a crash loses at
most the open batch and a re-run (every write is a MERGE on a key) completes the dataset.
While one batch is written, the next is parsed: a writer thread takes the batches through a
queue of two, so reading and Neo4j work side by side and memory stays bounded.

A line that is not a valid FtM entity is reported (``on_bad_line(number, reason)``) and
skipped; a file none of whose first lines is an FtM entity is refused before anything is
written (:class:`~silver.domain.reference.NotFtM`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from silver.domain.errors import NotFound
from silver.domain.reference import (
    DatasetInfo,
    NotFtM,
    RefEntity,
    RefLink,
    check_dataset_name,
)
from silver.domain.uow import AbstractUnitOfWork
from silver.infra import ftm_reference

# Rows (entities and links) per transaction; measured with bench/reference.py.
BATCH_SIZE = 5_000
# A file is refused when none of this many first non-empty lines is an FtM entity.
SNIFF_LINES = 100
DELETE_BATCH = 10_000
PENDING_SAMPLE = 10

UnitOfWorkFactory = Callable[[], AbstractUnitOfWork]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ImportReport:
    dataset: DatasetInfo
    imported: int
    skipped: int
    # Entities that links of the dataset name but that never came (how many, some ids).
    pending: int = 0
    pending_ids: list[str] = field(default_factory=list)


class _Writer:
    """Writes batches in a thread of its own, one transaction each, in order."""

    def __init__(self, dataset: str, uow_factory: UnitOfWorkFactory) -> None:
        self._dataset = dataset
        self._uow_factory = uow_factory
        self._queue: queue.Queue[tuple[list[RefEntity], list[RefLink]] | None] = queue.Queue(2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="reference-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so the reader never blocks on a dead writer
            try:
                with self._uow_factory() as uow:
                    uow.reference.write(self._dataset, *batch)
                    uow.commit()
            except BaseException as exc:  # handed to the reading thread
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, entities: list[RefEntity], links: list[RefLink]) -> None:
        self._raise()
        self._queue.put((entities, links))

    def close(self) -> None:
        """Wait for every batch to be written; raise what the writer raised."""
        self._queue.put(None)
        self._thread.join()
        self._raise()


def import_reference(
    lines: Iterable[bytes],
    dataset: str,
    *,
    uow_factory: UnitOfWorkFactory,
    index_key: bytes,
    batch_size: int = BATCH_SIZE,
    on_bad_line: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: Callable[[], datetime] = utcnow,
) -> ImportReport:
    """Import the FtM entities of ``lines`` (one JSON entity per line) as ``dataset``.

    ``on_progress(bytes_read, entities)`` is called once per batch read.
    """
    check_dataset_name(dataset)
    entities: list[RefEntity] = []
    links: list[RefLink] = []
    imported = skipped = seen = 0
    bytes_read = 0
    writer: _Writer | None = None
    try:
        for number, line in enumerate(lines, 1):
            bytes_read += len(line)
            if not line.strip():
                continue
            seen += 1
            try:
                entity, entity_links = ftm_reference.read(line, index_key)
            except ftm_reference.BadEntity as exc:
                skipped += 1
                if on_bad_line is not None:
                    on_bad_line(number, str(exc))
                if imported == 0 and seen >= SNIFF_LINES:
                    raise _not_ftm(seen) from None
                continue
            imported += 1
            if entity is not None:
                entities.append(entity)
            links.extend(entity_links)
            if len(entities) + len(links) >= batch_size:
                writer = writer or _Writer(dataset, uow_factory)
                writer.submit(entities, links)
                entities, links = [], []
                if on_progress is not None:
                    on_progress(bytes_read, imported)
        if imported == 0:
            raise _not_ftm(seen)
        writer = writer or _Writer(dataset, uow_factory)
        if entities or links:
            writer.submit(entities, links)
    finally:
        if writer is not None:
            writer.close()
    if on_progress is not None:
        on_progress(bytes_read, imported)
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
