"""The audit witness file: append-only lines from many processes at once, never mixed."""

from __future__ import annotations

import multiprocessing
import stat
from datetime import UTC, datetime
from pathlib import Path

from silver.domain.audit import GENESIS, AuditChain, AuditEvent
from silver.infra.audit_head import HeadFile

CHAIN = AuditChain(b"h" * 32)


def _append(path: str, first: int, count: int) -> None:
    head = HeadFile(Path(path))
    for seq in range(first, first + count):
        event = AuditEvent("case.read", "u", datetime(2026, 1, 1, tzinfo=UTC))
        head.record([CHAIN.link(seq, GENESIS, event), CHAIN.link(seq + 100_000, GENESIS, event)])


def test_there_is_nothing_witnessed_before_the_first_append(tmp_path: Path) -> None:
    assert HeadFile(tmp_path / "audit" / "head").witnessed() is None


def test_appends_from_several_processes_all_land_whole(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "head"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append, args=(str(path), 1 + n * 500, 500)) for n in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    lines = HeadFile(path).witnessed()
    assert lines is not None and len(lines) == 4 * 500 * 2
    assert all(seq > 0 for seq, _ in lines), "no line was torn or mixed with another"
    assert {seq for seq, _ in lines} == {
        s for n in range(4) for f in range(1 + n * 500, 1 + (n + 1) * 500) for s in (f, f + 100_000)
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_line_that_does_not_parse_is_kept_for_verify_to_refuse(tmp_path: Path) -> None:
    path = tmp_path / "head"
    path.write_text("1 " + "a" * 64 + "\nrubbish\n")
    assert HeadFile(path).witnessed() == [(1, "a" * 64), (-1, "rubbish")]


def test_a_last_line_torn_by_a_crash_was_never_written(tmp_path: Path) -> None:
    path = tmp_path / "head"
    path.write_text("1 " + "a" * 64 + "\n2 " + "b" * 20)
    assert HeadFile(path).witnessed() == [(1, "a" * 64)]
