"""Dissemination and outcomes against the real Redis (rq) and Neo4j: signed messages through
the outbox and through a local HTTP gateway, exactly once per recipient whatever fails."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker

from silver.bootstrap import Silver as Services
from silver.infra import queue
from silver.infra.config import PROJECT_ROOT
from silver.services import dissemination, messages
from tests.integration.conftest import TEST_ENV, Login
from tests.support.cases import case_body
from tests.support.gateway import Gateway
from tests.support.tls import TestPKI
from worker import jobs
from wsgi import create_app


def run_jobs(svc: Services) -> None:
    """Run every queued job in this process, retries included, until the queue is empty."""
    jobs_queue = queue.queue_for(svc.redis, svc.settings)
    SimpleWorker([jobs_queue], connection=svc.redis, serializer=queue.SERIALIZER).work(burst=True)


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """set(name, url) configures the transport the in-process jobs use."""

    def configure(name: str, url: str | None = None) -> None:
        monkeypatch.setenv("SILVER_TRANSPORT", name)
        monkeypatch.setenv("SILVER_RETRY_INTERVALS", TEST_ENV["SILVER_RETRY_INTERVALS"])
        if url:
            monkeypatch.setenv("SILVER_GATEWAY_URL", url)

    yield configure


def approved_case(
    client: FlaskClient, login: Login, agency: str = "FIOD", **decision: Any
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """A submitted case approved as a diffusion to Spain and Belgium (or `decision`)."""
    cw, screener = login("caseworker", agency), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    assert client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw).status_code == 200
    body = {"decision": "approve", "instrument": "diffusion", "countries": ["ES", "BE"]}
    body.update(decision)
    approved = client.post(f"/api/v1/cases/{case['id']}/decisions", json=body, headers=screener)
    assert approved.status_code == 201, approved.json
    return case, cw, screener


def rows_by_recipient(client: FlaskClient, case_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case_id}/disseminations", headers=headers)
    assert response.status_code == 200, response.json
    return {row["recipient"]: row for row in response.json}


def test_approval_queues_one_message_per_recipient_and_the_outbox_delivers_them(
    app: Flask, svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, cw, _screener = approved_case(client, login)
    queued = rows_by_recipient(client, case["id"], cw)
    assert set(queued) == {"BE", "ES"}
    assert {row["status"] for row in queued.values()} == {"queued"}

    run_jobs(svc)

    rows = rows_by_recipient(client, case["id"], cw)
    assert {row["status"] for row in rows.values()} == {"sent"}
    for code, row in rows.items():
        assert row["attempts"] == 1 and row["last_error"] is None
        sent_at = datetime.fromisoformat(row["sent_at"])
        assert datetime.fromisoformat(row["due_by"]) - sent_at == timedelta(days=7)
        assert row["countries"] == [code]
        data = (svc.settings.outbox_dir / f"{row['message_id']}.json").read_bytes()
        signature = (svc.settings.outbox_dir / f"{row['message_id']}.sig").read_text()
        assert messages.verify(svc.keys.signing.public_pem(), data, signature)
        message = json.loads(data)
        assert message["recipient"] == code and message["case_number"] == case["number"]
        assert message["payload"]["assets_located_in"] == code
        assert {a["country"] for a in message["payload"]["assets"]} <= {code}
        assert "national_reference" not in data.decode() and case["title"] not in data.decode()
    case_now = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json
    assert case_now["status"] == "disseminated"

    # The transfer log: one audit event per recipient with what LED art. 25 asks.
    with svc.uow() as uow:
        events = [e for e in uow.audit.page(case["id"], 0, 1000)[0] if e.event.action == "transfer"]
    assert sorted(e.event.detail["recipient"] for e in events) == ["BE", "ES"]
    for stored in events:
        assert stored.event.detail["sender"] == "NL"
        assert stored.event.detail["categories"]
        assert stored.event.reason and stored.event.reason.startswith("decision ")

    # Running the jobs again changes nothing: each recipient keeps exactly one message.
    queue.enqueue_notices(svc.redis, svc.settings, [])
    run_jobs(svc)
    assert rows_by_recipient(client, case["id"], cw) == rows


def test_http_delivery_is_retried_until_the_gateway_accepts_exactly_once(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    with Gateway(public_pem=svc.keys.signing.public_pem(), fail_first=2) as gateway:
        transport("http", gateway.url)
        case, cw, _ = approved_case(client, login)
        run_jobs(svc)
    rows = rows_by_recipient(client, case["id"], cw)
    for row in rows.values():
        assert row["status"] == "sent"
        assert row["attempts"] == 3
        assert gateway.attempts[row["message_id"]] == 3
        assert row["message_id"] in gateway.accepted
        assert gateway.key_ids[row["message_id"]] == svc.keys.signing.key_id
    ids = {row["message_id"] for row in rows.values()}
    assert len([key for key in gateway.accepted if key in ids]) == 2


def test_a_mutual_tls_gateway_takes_messages_with_our_certificate_only(
    svc: Services,
    client: FlaskClient,
    login: Login,
    transport: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pki = TestPKI(tmp_path / "pki")
    with Gateway(
        public_pem=svc.keys.signing.public_pem(), tls=pki.server_context(require_client_cert=True)
    ) as gateway:
        transport("http", gateway.url)
        monkeypatch.setenv("SILVER_GATEWAY_CA", str(pki.ca_cert))
        without, cw, _ = approved_case(client, login, countries=["ES"])
        run_jobs(svc)
        refused = rows_by_recipient(client, without["id"], cw)["ES"]
        # With TLS 1.3 the client learns of the refusal either from the gateway's alert
        # (permanent: failed at once) or only as a connection closed after the handshake
        # (transient: retried, then failed), depending on timing; either way it ends failed
        # with a reason that says what to set.
        assert refused["status"] == "failed"
        assert 1 <= refused["attempts"] <= 4
        assert "TLS" in refused["last_error"]
        assert "SILVER_GATEWAY_CLIENT_CERT" in refused["last_error"]
        assert gateway.attempts == {}, "no request got through the handshake"

        monkeypatch.setenv("SILVER_GATEWAY_CLIENT_CERT", str(pki.client.cert))
        monkeypatch.setenv("SILVER_GATEWAY_CLIENT_KEY", str(pki.client.key))
        case, cw, _ = approved_case(client, login, countries=["ES"])
        run_jobs(svc)
    row = rows_by_recipient(client, case["id"], cw)["ES"]
    assert row["status"] == "sent" and row["attempts"] == 1 and row["last_error"] is None
    assert list(gateway.accepted) == [row["message_id"]]


def test_a_refusal_fails_the_recipient_and_a_screener_retries_it(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    with Gateway(reject_with=(422, "recipient BE is not connected yet")) as gateway:
        transport("http", gateway.url)
        case, cw, screener = approved_case(client, login, countries=["BE"])
        run_jobs(svc)
        failed = rows_by_recipient(client, case["id"], cw)["BE"]
        assert failed["status"] == "failed"
        assert failed["attempts"] == 1
        assert "recipient BE is not connected yet" in failed["last_error"]
        assert client.get(f"/api/v1/cases/{case['id']}", headers=cw).json["status"] == "approved"

        url = f"/api/v1/cases/{case['id']}/disseminations/BE/retry"
        assert client.post(url, headers=cw).status_code == 403
        assert (
            client.post(f"/api/v1/cases/{case['id']}/disseminations/FR/retry", headers=screener)
        ).status_code == 404
        gateway.reject_with = None
        retried = client.post(url, headers=screener)
        assert retried.status_code == 202, retried.json
        assert retried.json["status"] == "queued"
        run_jobs(svc)
        assert client.post(url, headers=screener).status_code == 409
    row = rows_by_recipient(client, case["id"], cw)["BE"]
    assert row["status"] == "sent" and row["message_id"] == failed["message_id"]
    assert list(gateway.accepted) == [row["message_id"]]
    assert client.get(f"/api/v1/cases/{case['id']}", headers=cw).json["status"] == "disseminated"


def test_a_gateway_that_keeps_failing_fails_the_recipient_after_the_last_retry(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    with Gateway(fail_first=100) as gateway:
        transport("http", gateway.url)
        case, cw, _ = approved_case(client, login, countries=["ES"])
        run_jobs(svc)
    row = rows_by_recipient(client, case["id"], cw)["ES"]
    assert row["status"] == "failed"
    assert row["attempts"] == 4, "the first try and three retries"
    assert "gave up after 4 attempts" in row["last_error"]
    assert gateway.attempts[row["message_id"]] == 4
    assert row["message_id"] not in gateway.accepted


def test_a_worker_killed_mid_send_delivers_exactly_once_after_restart(
    svc: Services, client: FlaskClient, login: Login
) -> None:
    with Gateway(hold_after_accept=30) as gateway:
        env = {
            **os.environ,
            **TEST_ENV,
            "SILVER_TRANSPORT": "http",
            "SILVER_GATEWAY_URL": gateway.url,
            "SILVER_GATEWAY_TIMEOUT_SECONDS": "60",
        }
        case, cw, _ = approved_case(client, login, countries=["ES"])
        message_id = rows_by_recipient(client, case["id"], cw)["ES"]["message_id"]

        first = _start_worker(env)
        try:
            _wait_for(lambda: message_id in gateway.accepted, "the gateway to receive it")
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        assert rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "queued"

        gateway.hold_after_accept = 0
        second = _start_worker(env)
        try:
            _wait_for(
                lambda: rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "sent",
                "the restarted worker to mark it sent",
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait()
    assert list(k for k in gateway.accepted if k == message_id) == [message_id]
    assert gateway.duplicates[message_id] >= 1, "the restarted worker sent it again"
    assert rows_by_recipient(client, case["id"], cw)["ES"]["attempts"] >= 2


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(condition: Any, what: str, limit: float = 90) -> None:
    """Poll until `condition()` holds; the limit only stops a hung test, it measures nothing."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def test_a_notice_goes_to_the_general_secretariat_and_reaches_every_participant(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    cw, first, second = login("caseworker", "OM"), login("screener"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw)
    screening = client.get(f"/api/v1/cases/{case['id']}/screening", headers=first).json
    bases = {
        row["country"]: row["allowed_transfer_bases"][0]
        for row in screening["countries"]
        if row["participant"] and row["transfer_basis"] != "eu_member"
    }
    url = f"/api/v1/cases/{case['id']}/decisions"
    body = {"decision": "approve", "instrument": "notice", "transfer_bases": bases}
    assert client.post(url, json=body, headers=first).json["case_status"] == (
        "awaiting_second_approval"
    )
    confirmed = client.post(url, json={"decision": "approve"}, headers=second)
    assert confirmed.json["recipients"] == ["INTERPOL-GS"]
    run_jobs(svc)
    [row] = client.get(f"/api/v1/cases/{case['id']}/disseminations", headers=cw).json
    assert row["recipient"] == "INTERPOL-GS" and row["status"] == "sent"
    assert len(row["countries"]) == 50 and "NL" not in row["countries"]
    assert datetime.fromisoformat(row["due_by"]) - datetime.fromisoformat(row["sent_at"]) == (
        timedelta(days=30)
    )
    answer = {"country": "SE", "result": "no_information", "reported_on": str(date.today())}
    outcomes = f"/api/v1/cases/{case['id']}/outcomes"
    assert client.post(outcomes, json=answer, headers=cw).status_code == 201
    outsider = client.post(outcomes, json={**answer, "country": "CH"}, headers=cw)
    assert (
        outsider.status_code == 422
        and "CH did not receive" in outsider.json["errors"]["country"][0]
    )


def test_outcomes_keep_each_asset_stage_and_new_assets_join_the_graph(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, cw, screener = approved_case(client, login, agency="POLITIE", countries=["ES"])
    outcomes = f"/api/v1/cases/{case['id']}/outcomes"
    early = {
        "country": "ES",
        "result": "asset_located",
        "asset": "a2",
        "reported_on": str(date.today()),
    }
    not_yet = client.post(outcomes, json=early, headers=cw)
    assert not_yet.status_code == 422, "no message has reached Spain yet"
    run_jobs(svc)

    stages = [
        ("asset_located", None),
        ("frozen", {"amount": "410000.00", "currency": "EUR"}),
        ("confiscated", {"amount": "395000.50", "currency": "EUR"}),
    ]
    for day, (result, value) in enumerate(stages):
        body = {
            **early,
            "result": result,
            "value": value,
            "reported_on": str(date.today() - timedelta(days=10 - day)),
            "notes": f"Spanish liaison: {result}",
        }
        recorded = client.post(outcomes, json=body, headers=cw if day != 1 else screener)
        assert recorded.status_code == 201, recorded.json
    listed = client.get(outcomes, headers=cw).json
    assert [(o["result"], o["asset"]) for o in listed] == [
        ("asset_located", "a2"),
        ("frozen", "a2"),
        ("confiscated", "a2"),
    ]
    assert listed[2]["value"] == {"amount": "395000.50", "currency": "EUR"}
    assert listed[1]["recorded_by"] == screener["X-Test-User"]
    assert listed[0]["notes"] == "Spanish liaison: asset_located"
    row = rows_by_recipient(client, case["id"], cw)["ES"]
    assert row["status"] == "acknowledged"

    iban = "ES9121000418450200051332"
    found = {
        "country": "ES",
        "result": "frozen",
        "reported_on": str(date.today()),
        "new_asset": {
            "key": "es1",
            "type": "bank_account",
            "iban": iban.lower(),
            "country": "ES",
            "estimated_value": None,
            "description": None,
        },
        "value": {"amount": "12000.00", "currency": "EUR"},
    }
    recorded = client.post(outcomes, json=found, headers=cw)
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["asset"] == "es1" and recorded.json["new_asset"] is True
    assets = client.get(f"/api/v1/cases/{case['id']}", headers=cw).json["assets"]
    assert {"key": "es1", "iban": iban}.items() <= next(
        a for a in assets if a["key"] == "es1"
    ).items()
    graph = client.get(f"/api/v1/cases/{case['id']}/graph", headers=cw).json
    assert sum(1 for n in graph["nodes"] if n["type"] == "bank_account") == 2
    with svc.uow() as uow:
        record = uow._tx.run(  # type: ignore[attr-defined]
            """
            MATCH (:Country {code: 'ES'})-[:REPORTED_ASSET]->(a:Asset)<-[:HAS_ASSET]-
                  (:Case {id: $id})
            MATCH (o:Outcome {case_id: $id})-[:CONCERNS]->(a)
            RETURN count(o) AS n
            """,
            id=case["id"],
        ).single()
    assert record["n"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "FR"}, "country"),
        ({"asset": "zz"}, "asset"),
        ({"result": "frozen", "asset": None}, "asset"),
        ({"result": "sold"}, "result"),
        ({"reported_on": str(date.today() + timedelta(days=2))}, "reported_on"),
        ({"value": {"amount": "-1", "currency": "EUR"}}, "value.amount"),
        (
            {"new_asset": {"key": "n1", "type": "bank_account", "iban": "ES00 0000"}},
            "new_asset.iban",
        ),
        (
            {"new_asset": {"key": "a1", "type": "other", "description": "x"}, "asset": None},
            "new_asset.key",
        ),
        ({"mood": "happy"}, "mood"),
    ],
)
def test_a_bad_outcome_names_the_field_and_stores_nothing(
    svc: Services,
    client: FlaskClient,
    login: Login,
    transport: Any,
    change: dict[str, Any],
    field: str,
) -> None:
    transport("outbox")
    case, cw, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    body = {
        "country": "ES",
        "result": "asset_located",
        "asset": "a2",
        "reported_on": str(date.today()),
        **change,
    }
    response = client.post(f"/api/v1/cases/{case['id']}/outcomes", json=body, headers=cw)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert client.get(f"/api/v1/cases/{case['id']}/outcomes", headers=cw).json == []


def test_only_the_owning_agency_and_screeners_see_and_record_answers(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, _cw, _ = approved_case(client, login, agency="OM", countries=["ES"])
    run_jobs(svc)
    other = login("caseworker", "FIOD")
    url = f"/api/v1/cases/{case['id']}"
    answer = {"country": "ES", "result": "no_information", "reported_on": str(date.today())}
    assert client.get(f"{url}/disseminations", headers=other).status_code == 404
    assert client.get(f"{url}/outcomes", headers=other).status_code == 404
    assert client.post(f"{url}/outcomes", json=answer, headers=other).status_code == 404
    assert client.get(f"{url}/outcomes", headers=login("evaluator")).status_code == 403


def test_overdue_answers_are_flagged_and_listed_for_the_owning_agency(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    case, cw, screener = approved_case(client, login, agency="POLITIE", countries=["ES"])
    run_jobs(svc)
    past = datetime.now(UTC) - timedelta(days=1)
    with svc.uow() as uow:
        uow._tx.run(  # type: ignore[attr-defined]
            "MATCH (:Case {id: $id})-[:DISSEMINATED_AS]->(n:Notice) SET n.due_by = $past",
            id=case["id"],
            past=past,
        )
        uow.commit()
    assert jobs.mark_overdue(reschedule=False) >= 1
    listed = client.get("/api/v1/disseminations?overdue=true", headers=cw)
    assert listed.status_code == 200
    [row] = [r for r in listed.json if r["case_id"] == case["id"]]
    assert row["recipient"] == "ES" and row["overdue"] is True
    assert row["case_number"] == case["number"]
    others = client.get("/api/v1/disseminations?overdue=true", headers=login("caseworker", "OM"))
    assert case["id"] not in {r["case_id"] for r in others.json}
    assert case["id"] in {
        r["case_id"]
        for r in client.get("/api/v1/disseminations?overdue=true", headers=screener).json
    }
    assert rows_by_recipient(client, case["id"], cw)["ES"]["overdue"] is True


def test_the_signing_key_and_the_verify_command_check_a_message(
    app: Flask, svc: Services, client: FlaskClient, login: Login, transport: Any, tmp_path: Any
) -> None:
    transport("outbox")
    key = client.get("/api/v1/signing-key", headers=login("evaluator")).json
    assert key["algorithm"] == "Ed25519" and key["key_id"] == svc.keys.signing.key_id
    case, cw, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    message_id = rows_by_recipient(client, case["id"], cw)["ES"]["message_id"]
    original = svc.settings.outbox_dir / f"{message_id}.json"
    pem = tmp_path / "silver.pem"
    pem.write_text(key["public_key_pem"])
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["messages", "verify", str(original), "--public-key", str(pem)])
    assert ok.exit_code == 0, ok.output
    assert f"OK {original}" in ok.output

    tampered = tmp_path / f"{message_id}.json"
    data = bytearray(original.read_bytes())
    data[data.index(b"ES")] = ord("F")
    tampered.write_bytes(bytes(data))
    (tmp_path / f"{message_id}.sig").write_text(
        (svc.settings.outbox_dir / f"{message_id}.sig").read_text()
    )
    bad = runner.invoke(args=["messages", "verify", str(tampered), "--public-key", str(pem)])
    assert bad.exit_code == 1
    assert "FAILED" in bad.output
    assert base64.b64decode((tmp_path / f"{message_id}.sig").read_text())


def test_an_approval_stands_when_redis_is_down_and_housekeeping_sends_it_later(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    transport("outbox")
    cw, screener = login("caseworker", "FIOD"), login("screener")
    case = client.post("/api/v1/cases", json=case_body(), headers=cw).json
    client.post(f"/api/v1/cases/{case['id']}/submit", headers=cw)
    no_redis = create_app({**os.environ, **TEST_ENV, "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        approved = no_redis.test_client().post(
            f"/api/v1/cases/{case['id']}/decisions",
            json={"decision": "approve", "instrument": "diffusion", "countries": ["ES"]},
            headers=screener,
        )
    finally:
        no_redis.extensions["silver"].close()
    assert approved.status_code == 201, approved.json
    assert rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "queued"
    [notice_id] = _notice_ids(svc, case["id"])
    assert notice_id in dissemination.queued_notices(svc.uow(), idle_for=timedelta(0))
    recent = dissemination.queued_notices(svc.uow(), idle_for=jobs.LOST_AFTER)
    assert notice_id not in recent, "housekeeping waits 10 minutes before calling a job lost"
    jobs.resume(svc)  # what the worker does when it starts
    run_jobs(svc)
    assert rows_by_recipient(client, case["id"], cw)["ES"]["status"] == "sent"


def _notice_ids(svc: Services, case_id: str) -> set[str]:
    records, _, _ = svc.driver.execute_query(
        "MATCH (:Case {id: $id})-[:DISSEMINATED_AS]->(n:Notice) RETURN n.id AS id",
        id=case_id,
        database_=svc.settings.neo4j_database,
    )
    return {r["id"] for r in records}
