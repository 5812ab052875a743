"""The long commands against the real graph: a progress bar on a terminal, none in a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flask import Flask

from silver.bootstrap import Silver as Services
from silver.services.demo import DEMO_CASES, load_demo
from tests.integration.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


def _on_a_terminal(*args: str, timeout: float = 120) -> tuple[int, str, str]:
    """Run `flask --app wsgi ARGS` with its standard error on a pseudo-terminal (as a person's
    shell has it) and its output in a pipe: (exit code, terminal text, output)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [FLASK, "--app", "wsgi", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "COLUMNS": "100"},
    )
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            screen += chunk
        output = process.communicate(timeout=max(1.0, deadline - time.monotonic()))[0]
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return process.returncode, screen.decode(errors="replace"), output.decode()


def test_audit_verify_shows_progress_on_a_terminal_only() -> None:
    code, screen, output = _on_a_terminal("audit", "verify")
    assert code == 0, screen
    assert "audit chain intact" in output
    assert "audit events" in screen and "100%" in screen
    piped = subprocess.run(
        [FLASK, "--app", "wsgi", "audit", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0
    assert "audit events" not in piped.stderr and "%" not in piped.stderr + piped.stdout


def test_retention_purge_is_quiet_in_a_pipe(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "erasing" not in result.output and "%" not in result.output
    assert "case(s) due" in result.output


def test_the_demo_loader_reports_each_case_with_the_total(svc: Services, unique: str) -> None:
    seen: list[tuple[int | None, str]] = []

    def recording(items: Any, total: int | None = None, label: str = "") -> Any:
        for item in items:
            seen.append((total, label))
            yield item

    numbers = load_demo(svc.services, password=PASSWORD, prefix=f"prog{unique}", track=recording)
    assert len(numbers) == len(DEMO_CASES)
    assert seen == [(len(DEMO_CASES), "demo cases")] * len(DEMO_CASES)
