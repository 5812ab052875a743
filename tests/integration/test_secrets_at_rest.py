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

import pytest
import redis

from silver.bootstrap import Silver as Services
from silver.infra import queue
from silver.infra.config import PROJECT_ROOT, load_settings


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
