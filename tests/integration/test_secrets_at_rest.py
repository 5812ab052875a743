"""Secrets and data at rest: the local Redis wants a password, rq never unpickles, the outbox
and the screening result hold no personal data longer or more openly than needed."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from silver.bootstrap import Silver as Services
from silver.infra import queue
from silver.infra.config import PROJECT_ROOT, load_settings
from silver.infra.transport import OutboxTransport
from silver.services import screening
from silver.services.case_store import load
from tests.integration.conftest import Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient, run_jobs
from tests.support.cases import case_body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Redis started by ops/services.sh as `make run` starts it, in a var/ of its own."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "SILVER_VAR_DIR": str(tmp_path),
        "SILVER_LOCAL_REDIS_PORT": str(_free_port()),
    }
    script = str(PROJECT_ROOT / "ops" / "services.sh")
    started = subprocess.run(
        [script, "start", "redis"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stderr
    try:
        yield env
    finally:
        subprocess.run([script, "stop", "redis"], env=env, capture_output=True, timeout=60)


def test_the_local_redis_has_a_generated_password(own_redis: dict[str, str]) -> None:
    password_file = Path(own_redis["SILVER_VAR_DIR"]) / "keys" / "redis_password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().strip()
    assert len(password) >= 24
    port = int(own_redis["SILVER_LOCAL_REDIS_PORT"])
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis(port=port).ping()
    settings = load_settings(own_redis)
    assert settings.redis_url == f"redis://:{password}@127.0.0.1:{port}/0"
    client = redis.Redis.from_url(settings.redis_url)
    try:
        assert client.ping()
        pid = (Path(own_redis["SILVER_VAR_DIR"]) / "run" / "redis.pid").read_text().strip()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        assert password.encode() not in cmdline, "the password is not in the process list"
    finally:
        client.close()


def test_jobs_are_stored_as_json_never_pickled(svc: Services, unique: str) -> None:
    notice_id = f"json-{unique}"
    queue.enqueue_notices(svc.redis, svc.settings, [notice_id])
    key = f"rq:job:{queue.notice_job_id(notice_id)}"
    try:
        data = zlib.decompress(svc.redis.hget(key, "data") or b"")
        assert json.loads(data) == [queue.SEND_NOTICE, None, [notice_id], {}]
    finally:
        queue.queue_for(svc.redis, svc.settings).remove(queue.notice_job_id(notice_id))
        svc.redis.delete(key)


def _case_node(svc: Services, case_id: str) -> dict[str, Any]:
    records, _, _ = svc.driver.execute_query(
        "MATCH (c:Case {id: $id}) RETURN properties(c) AS c",
        id=case_id,
        database_=svc.settings.neo4j_database,
    )
    return dict(records[0]["c"])


def test_the_screening_result_is_sealed_and_only_its_verdict_is_in_the_clear(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 200

    stored = _case_node(svc, case["id"])
    shown = client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json
    assert stored["screening_verdict"] == shown["verdict"]
    assert stored["screened_version"] == shown["case_version"]
    sealed = stored["screening"]
    assert "findings" not in sealed and "verdict" not in sealed
    with pytest.raises(ValueError):
        json.loads(sealed)
    with svc.uow() as uow:
        row = load(uow, case["id"])
    opened = screening.stored_result(row, svc.keys)
    assert opened is not None and opened["findings"] == shown["findings"]

    queue_rows = _queue_rows(client, screener)
    assert queue_rows[case["id"]]["verdict"] == shown["verdict"]
    assert queue_rows[case["id"]]["screening_current"] is True


def _queue_rows(client: FlaskClient, screener: dict[str, str]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        response = client.get(
            f"/api/v1/screening/queue?page={page}&page_size=200", headers=screener
        )
        rows.update({r["id"]: r for r in response.json})
        if page * 200 >= int(response.headers["X-Total-Count"]):
            return rows
        page += 1


def test_graph_init_seals_a_result_an_older_version_stored_in_the_clear(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    cw, screener = login("caseworker", "OM"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 200
    shown = client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json
    legacy = {k: v for k, v in shown.items() if k not in ("case_version", "screened_at")}
    svc.driver.execute_query(
        """
        MATCH (c:Case {id: $id})
        SET c.screening = $text REMOVE c.screening_verdict
        """,
        id=case["id"],
        text=json.dumps(legacy),
        database_=svc.settings.neo4j_database,
    )

    svc.init_graph()

    stored = _case_node(svc, case["id"])
    assert stored["screening_verdict"] == shown["verdict"]
    assert "findings" not in stored["screening"]
    again = client.get(f"/api/v1/cases/{case['id']}/screening", headers=screener).json
    assert again == shown


def test_outbox_prune_removes_delivered_messages_past_the_age_and_keeps_queued_ones(
    svc: Services, client: FlaskClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SILVER_TRANSPORT", "outbox")
    delivered, cw, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    [sent] = rows_by_recipient(client, delivered["id"], cw).values()
    assert sent["status"] == "sent"
    waiting, cw2, _ = approved_case(client, login, countries=["BE"])
    [queued] = rows_by_recipient(client, waiting["id"], cw2).values()
    # A queued message whose file was written but not yet marked sent: the retry's copy.
    outbox = OutboxTransport(svc.settings.outbox_dir)
    outbox.send(queued["message_id"], b'{"queued": true}', "c2ln", "k")
    files = {m: svc.settings.outbox_dir / f"{m}.json" for m in (sent["message_id"],)}
    files[queued["message_id"]] = svc.settings.outbox_dir / f"{queued['message_id']}.json"

    def prune(days: str) -> str:
        done = client.application.test_cli_runner().invoke(
            args=["outbox", "prune", "--older-than", days]
        )
        assert done.exit_code == 0, done.output
        return done.output

    prune("1")
    assert all(path.exists() for path in files.values()), "nothing was delivered a day ago"

    svc.driver.execute_query(
        "MATCH (n:Notice {message_id: $id}) SET n.sent_at = n.sent_at - duration({days: 3})",
        id=sent["message_id"],
        database_=svc.settings.neo4j_database,
    )
    output = prune("2")
    assert "removed" in output
    assert not files[sent["message_id"]].exists()
    assert not files[sent["message_id"]].with_suffix(".sig").exists()
    assert files[queued["message_id"]].exists(), "a queued message keeps its file"
    outbox.remove(queued["message_id"])
    refused = client.application.test_cli_runner().invoke(args=["outbox", "prune"])
    assert refused.exit_code != 0 and "--older-than" in refused.output
