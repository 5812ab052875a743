"""The command line: `flask --app wsgi users|graph|audit|keys|demo|messages|retention|outbox|
reference ...`."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from api.extensions import services, silver
from api.progress import terminal_progress
from silver.domain.errors import SilverError, ValidationFailed
from silver.domain.users import Agency, Role
from silver.services.progress import untracked


def _fail(exc: SilverError) -> None:
    if isinstance(exc, ValidationFailed):
        for field, messages in exc.errors.items():
            click.echo(f"error: {field}: {'; '.join(messages)}", err=True)
    else:
        click.echo(f"error: {exc.detail}", err=True)
    sys.exit(1)


users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--agency", type=click.Choice([a.value for a in Agency]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, role: str, agency: str | None, password_stdin: bool) -> None:
    """Create a user. The password is read from standard input."""
    if not password_stdin:
        click.echo(
            "error: pass --password-stdin and write the password to standard input", err=True
        )
        sys.exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = services().users.create(username, role, agency, password)
    except SilverError as exc:
        _fail(exc)
        return
    suffix = f" ({user.agency.value})" if user.agency else ""
    click.echo(f"created {user.role.value} {user.username}{suffix}")


graph_cli = AppGroup("graph", help="The Neo4j graph.")


@graph_cli.command("init")
def graph_init() -> None:
    """Create constraints, indexes and the countries with their seed profiles (idempotent)."""
    n, seeded = silver().init_graph()
    click.echo(
        f"graph ready: {n} constraints and indexes in place, {seeded} country profiles seeded"
    )


audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the keyed chain of every audit event, and that no event recorded in the witness
    file (var/audit/head) is missing or different."""
    try:
        report = services().audit.verify(terminal_progress())
    except SilverError as exc:
        _fail(exc)
        return
    for note in report.notes:
        click.echo(f"note: {note}")
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events")
        return
    for line in report.problems[:50]:
        click.echo(f"broken: {line}", err=True)
    click.echo(
        f"audit chain BROKEN: {len(report.problems)} problems in {report.checked} events", err=True
    )
    sys.exit(1)


keys_cli = AppGroup("keys", help="Encryption keys.")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make a new master key current (development) and re-wrap every case's data key."""
    try:
        current, rewrapped = services().master_keys.rotate(terminal_progress())
    except SilverError as exc:
        _fail(exc)
        return
    click.echo(f"master key {current} is current; re-wrapped {rewrapped} data keys")


@keys_cli.command("rotate-signing")
def keys_rotate_signing() -> None:
    """Make a new signing key current (development: var/keys); the key it replaces stays in
    the JWK set (GET /api/v1/signing-keys.jwks), so messages signed before still verify."""
    try:
        new, retired = services().signing_keys.rotate()
    except SilverError as exc:
        _fail(exc)
        return
    click.echo(f"signing key {new} is current; {retired} is retired and still published")
    click.echo("restart the web processes and the worker if they run (make stop && make run)")


demo_cli = AppGroup("demo", help="The fictional demo data set.")


@demo_cli.command("load")
@click.option(
    "--password-stdin", is_flag=True, help="Read the demo users' password from standard input."
)
def demo_load(password_stdin: bool) -> None:
    """Load about ten clearly fictional cases and the demo-* users (idempotent)."""
    from silver.services.demo import load_demo

    if not password_stdin:
        click.echo(
            "error: pass --password-stdin and write the demo users' password to standard input",
            err=True,
        )
        sys.exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        numbers = load_demo(services(), password=password, track=terminal_progress())
    except SilverError as exc:
        _fail(exc)
        return
    if not numbers:
        click.echo("demo data is loaded already (user demo-fiod exists)")
        return
    click.echo(f"loaded {len(numbers)} demo cases: {', '.join(numbers)}")
    click.echo(
        "users: demo-fiod, demo-om, demo-politie (caseworkers), demo-screener, "
        "demo-screener2, demo-evaluator, demo-admin"
    )


messages_cli = AppGroup("messages", help="Signed messages (the outbox, or what a recipient got).")


@messages_cli.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--signature",
    type=click.Path(path_type=Path),
    help="The base64 signature file (default: the .sig beside the message).",
)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The sender's public key in PEM (GET /api/v1/signing-key); default: this "
    "installation's own keys.",
)
@click.option(
    "--jwks",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The sender's JWK set (GET /api/v1/signing-keys.jwks), for .jws files.",
)
def messages_verify(
    files: tuple[Path, ...],
    signature: Path | None,
    public_key: Path | None,
    jwks: Path | None,
) -> None:
    """Check each FILE: a message (.json) by its Ed25519 signature (.sig) over its exact bytes,
    or a detached JWS (.jws) against the message beside it, by the key its header names."""
    from silver.infra import jose
    from silver.services.messages import verify_file, verify_jws_file

    if signature is not None and len(files) > 1:
        click.echo("error: --signature goes with exactly one message file", err=True)
        sys.exit(2)
    if public_key is not None and jwks is not None:
        click.echo("error: give --public-key or --jwks, not both", err=True)
        sys.exit(2)
    own = services().signing_keys.current()
    pem = public_key.read_text() if public_key else own.current.public_pem()
    try:
        if jwks is not None:
            keys = jose.keys_of_jwk_set(json.loads(jwks.read_text()))
        elif public_key is not None:
            keys = jose.keys_by_id([pem])
        else:
            keys = jose.keys_by_id(own.public_pems())
    except (SilverError, ValueError) as exc:
        click.echo(f"error: the keys cannot be read: {exc}", err=True)
        sys.exit(2)
    failed = 0
    for path in files:
        if path.suffix == ".jws":
            report = verify_jws_file(path, keys)
        elif jwks is not None:
            click.echo(f"FAILED {path}: --jwks checks .jws files; give the .jws", err=True)
            failed += 1
            continue
        else:
            report = verify_file(path, pem, signature)
        if report.ok:
            click.echo(
                f"OK {path}: message {report.message_id} to {report.recipient}, "
                f"signed by {report.key_id}"
            )
        else:
            failed += 1
            click.echo(f"FAILED {path}: {report.problem}", err=True)
    sys.exit(1 if failed else 0)


retention_cli = AppGroup("retention", help="Erase personal data when its retention ends.")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List the cases that are due; erase nothing.")
def retention_purge(dry_run: bool) -> None:
    """Erase the personal data of every case closed SILVER_RETENTION_DAYS ago (or of every
    case, once the pilot ended that long ago). Run it daily (cron or a systemd timer)."""
    from silver.services.case_store import utcnow

    retention = services().retention
    now = utcnow()
    due = retention.due(now)
    if dry_run:
        for case in due:
            click.echo(f"due: {case['number']}")
        click.echo(f"{len(due)} case(s) due for erasure (dry run: nothing erased)")
        return
    track = terminal_progress()
    # With a bar on the terminal the per-case lines come after it, so neither garbles the other.
    report: list[tuple[str, bool]] = []
    for case in track(due, len(due), "erasing"):
        try:
            retention.purge(case["id"], now)
        except SilverError as exc:
            report.append((f"skipped {case['number']}: {exc.detail}", True))
        else:
            report.append((f"erased {case['number']}", False))
        if track is untracked:
            click.echo(report[-1][0], err=report[-1][1])
    if track is not untracked:
        for line, is_error in report:
            click.echo(line, err=is_error)
    click.echo(f"{len(due)} case(s) due; retention {retention.policy.days} days after closure")


outbox_cli = AppGroup("outbox", help="The signed messages in var/outbox (plaintext).")


@outbox_cli.command("prune")
@click.option(
    "--older-than",
    "days",
    required=True,
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Remove delivered messages sent more than DAYS days ago.",
)
def outbox_prune(days: int) -> None:
    """Remove the files of messages delivered (sent or acknowledged) more than DAYS days ago,
    and of erased cases. A message still queued or failed keeps its file: a retry sends it."""
    from silver.services.case_store import utcnow

    report = services().retention.prune_outbox(timedelta(days=days), utcnow())
    click.echo(
        f"removed {report.removed_delivered} delivered message(s) older than {days} day(s) "
        f"and {report.removed_erased} of erased cases; kept {report.kept} "
        "(queued, failed or recent)"
        + (f"; {report.unknown} file(s) unknown to the graph left alone" if report.unknown else "")
    )


reference_cli = AppGroup("reference", help="Public FollowTheMoney reference data.")


def _progress_bar(total: int | None) -> Any:
    """A rich progress bar on standard error, or None when output is not a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    console = Console(stderr=True)
    if not (console.is_terminal and sys.stdout.isatty()):
        return None
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[entities]:,} entities, {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        console=console,
    )
    progress.add_task("import", total=total, entities=0, rate=0.0)
    return progress


@reference_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dataset", required=True, help="The dataset's name, e.g. icij-offshore-leaks.")
@click.option(
    "--batch-size",
    type=click.IntRange(100, 100_000),
    default=None,
    help="Entities and links per transaction.",
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=None,
    help="Processes that parse a big file beside the one writing (default: the cores but "
    "one; 0: parse in this process).",
)
def reference_import(file: str, dataset: str, batch_size: int | None, workers: int | None) -> None:
    """Import FILE (FtM entities, one JSON object per line; - reads standard input) as the
    reference dataset NAME. Bad lines are reported as 'line N: reason' and skipped; exits 1
    when any was. Importing the same file again leaves the same data."""
    from silver.domain.reference import NotFtM
    from silver.services import reference

    svc = services()
    stream = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
    size = None if file == "-" else os.fstat(stream.fileno()).st_size or None
    bar = _progress_bar(size)
    started = time.monotonic()

    def bad_line(number: int, reason: str) -> None:
        if bar is not None:
            bar.console.print(f"line {number}: {reason}", markup=False, highlight=False)
        else:
            click.echo(f"line {number}: {reason}", err=True)

    def progress(bytes_read: int, entities: int) -> None:
        rate = entities / max(time.monotonic() - started, 1e-9)
        bar.update(bar.task_ids[0], completed=bytes_read, entities=entities, rate=rate)

    try:
        if bar is not None:
            bar.start()
        report = reference.import_reference(
            stream,
            dataset,
            uow_factory=svc.uow,
            index_key=svc.keys.index_key,
            batch_size=batch_size or reference.BATCH_SIZE,
            workers=workers,
            on_bad_line=bad_line,
            on_progress=progress if bar is not None else None,
        )
    except NotFtM as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    except SilverError as exc:
        _fail(exc)
        return
    finally:
        if bar is not None:
            bar.stop()
        if stream is not sys.stdin.buffer:
            stream.close()
    rate = report.imported / max(time.monotonic() - started, 1e-9)
    click.echo(
        f"imported {report.imported} entities into {dataset} ({rate:,.0f}/s), "
        f"skipped {report.skipped} lines; the dataset holds {report.dataset.entities} entities"
    )
    if report.pending:
        click.echo(
            f"warning: {report.pending} entities that links name never came, e.g. "
            + ", ".join(report.pending_ids),
            err=True,
        )
    sys.exit(1 if report.skipped else 0)


@reference_cli.command("delete")
@click.option("--dataset", required=True, help="The dataset to remove.")
def reference_delete(dataset: str) -> None:
    """Remove every entity and link of a reference dataset, and nothing else."""
    from silver.services import reference

    try:
        deleted = reference.delete_dataset(dataset, uow_factory=services().uow)
    except SilverError as exc:
        _fail(exc)
        return
    click.echo(f"deleted reference dataset {dataset}: {deleted} entities")


stats_cli = AppGroup("stats", help="The pilot statistics.")


@stats_cli.command("rebuild")
def stats_rebuild() -> None:
    """Build the statistics' sums again from every case in the graph. The write transactions
    keep them current; rebuild after writing cases into Neo4j by other means, or to check
    them. Meanwhile the statistics are counted from the graph (slower, the same figures)."""
    cases = services().stats.rebuild(lambda n: click.echo(f"  {n} cases summed", err=True))
    click.echo(f"statistics' sums rebuilt from {cases} cases")


def register_cli(app: Flask) -> None:
    groups = (
        users_cli,
        graph_cli,
        audit_cli,
        keys_cli,
        demo_cli,
        messages_cli,
        retention_cli,
        outbox_cli,
        reference_cli,
        stats_cli,
    )
    for group in groups:
        app.cli.add_command(group)
