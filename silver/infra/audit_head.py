"""The audit chain's witness outside Neo4j: an append-only file of `seq mac` lines.

After a transaction that appended audit events commits, the process appends one line per event
(`graph/uow.py` calls `record`), so `audit verify` can tell a chain cut short (its last events
deleted) from an intact one: every line names an event that must be in the chain, with that
MAC (see silver/domain/audit.py for the guarantee).

Several processes append at once (gunicorn workers, the rq worker, the CLI), so each batch of
lines is one `write` on a file opened with O_APPEND, under an exclusive `flock`, before the
request that wrote the events answers: lines of different processes never mix, and a line
written survives any crash of its process. It is not fsynced (that would add milliseconds to
every audited request): a crash of the whole machine may lose the lines of its last seconds,
which then count as not yet witnessed (never as missing events: Neo4j made the events durable
before their lines were written), and may leave the last line torn, which `witnessed` ignores.
Lines may be out of order (two commits finishing in either order); `verify` does not mind.
One line is about 70 bytes: a million events, 70 MB.

All processes that append must share this file (one host, or a shared file system with
working `flock`); a process with a file of its own witnesses only its own events.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Sequence
from pathlib import Path

from silver.domain.audit import StoredEvent

_LINE = re.compile(r"(\d+) ([0-9a-f]{64})")


class HeadFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return str(self.path)

    def record(self, events: Sequence[StoredEvent]) -> None:
        if not events:
            return
        data = "".join(f"{e.seq} {e.hash}\n" for e in events).encode("ascii")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)  # releases the lock

    def witnessed(self) -> list[tuple[int, str]] | None:
        """Every (seq, mac) line; None when there is no file. A last line without its newline
        was never written whole (a crash mid-write) and is left out; any other line that does
        not parse is returned as seq -1, so verification fails on it rather than skipping it."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
        complete = text[: text.rfind("\n") + 1]
        out: list[tuple[int, str]] = []
        for line in complete.splitlines():
            if not line:
                continue
            match = _LINE.fullmatch(line)
            out.append((int(match[1]), match[2]) if match else (-1, line[:80]))
        return out
