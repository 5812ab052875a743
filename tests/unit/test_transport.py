from __future__ import annotations

import socket
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from silver.infra import crypto
from silver.infra.transport import (
    GatewayTLS,
    HttpTransport,
    OutboxTransport,
    PermanentError,
    TransientError,
    make_transport,
)
from silver.services import messages
from tests.support.cases import case_body
from tests.support.gateway import Gateway
from tests.support.tls import TestPKI

KEY = crypto.SigningKey.generate()


def _signed(recipient: str = "ES", round_: int = 1) -> tuple[str, bytes, str]:
    message_id = messages.message_id_for("case-transport", recipient, round_)
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    message = messages.build_message(
        message_id=message_id,
        case_number="NL-SN-2026-0007",
        instrument="diffusion",
        recipient=recipient,
        created_at=created,
        expires_at=created + timedelta(days=90),
        sender="NL",
        payload=messages.payload_for(case_body(), "diffusion", recipient),
    )
    data = messages.encode(message)
    return message_id, data, messages.sign(KEY, data)


# --- Outbox -------------------------------------------------------------------------------------


def test_the_outbox_writes_the_exact_bytes_and_the_signature(tmp_path: Path) -> None:
    outbox = tmp_path / "var" / "outbox"
    message_id, data, signature = _signed()
    receipt = OutboxTransport(outbox).send(message_id, data, signature, KEY.key_id)
    assert (outbox / f"{message_id}.json").read_bytes() == data
    assert (outbox / f"{message_id}.sig").read_text() == signature
    assert receipt == str(outbox / f"{message_id}.json")
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert stat.S_IMODE((outbox / f"{message_id}.json").stat().st_mode) == 0o600
    assert messages.verify_file(outbox / f"{message_id}.json", KEY.public_pem()).ok


def test_sending_to_the_outbox_twice_leaves_one_pair(tmp_path: Path) -> None:
    transport = OutboxTransport(tmp_path)
    message_id, data, signature = _signed()
    first = transport.send(message_id, data, signature, KEY.key_id)
    second = transport.send(message_id, data, signature, KEY.key_id)
    assert first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{message_id}.json", f"{message_id}.sig"]
    assert (tmp_path / f"{message_id}.json").read_bytes() == data


def test_the_outbox_refuses_other_bytes_under_an_id_already_sent(tmp_path: Path) -> None:
    transport = OutboxTransport(tmp_path)
    message_id, data, signature = _signed()
    transport.send(message_id, data, signature, KEY.key_id)
    other = data.replace(b'"ES"', b'"PT"')
    with pytest.raises(PermanentError, match="other content"):
        transport.send(message_id, other, messages.sign(KEY, other), KEY.key_id)
    assert (tmp_path / f"{message_id}.json").read_bytes() == data
    assert messages.verify_file(tmp_path / f"{message_id}.json", KEY.public_pem()).ok


def test_a_send_cut_off_after_the_signature_is_completed_by_the_retry(tmp_path: Path) -> None:
    message_id, data, signature = _signed()
    (tmp_path / f"{message_id}.sig").write_text("stale half-written signature")
    OutboxTransport(tmp_path).send(message_id, data, signature, KEY.key_id)
    assert (tmp_path / f"{message_id}.sig").read_text() == signature
    assert messages.verify_file(tmp_path / f"{message_id}.json", KEY.public_pem()).ok


def test_concurrent_sends_of_one_message_leave_one_valid_pair(tmp_path: Path) -> None:
    transport = OutboxTransport(tmp_path)
    message_id, data, signature = _signed()
    errors: list[BaseException] = []

    def send() -> None:
        try:
            transport.send(message_id, data, signature, KEY.key_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{message_id}.json", f"{message_id}.sig"]
    assert messages.verify_file(tmp_path / f"{message_id}.json", KEY.public_pem()).ok


@pytest.mark.parametrize("message_id", ["../escape", "a/b", ".hidden", "", "x\ny"])
def test_a_message_id_that_is_not_a_plain_name_is_refused(tmp_path: Path, message_id: str) -> None:
    with pytest.raises(ValueError, match="plain identifier"):
        OutboxTransport(tmp_path / "outbox").send(message_id, b"{}", "sig", KEY.key_id)
    assert not (tmp_path / "outbox").exists()


# --- HTTP ---------------------------------------------------------------------------------------


def test_http_delivers_the_exact_bytes_signed_and_keyed() -> None:
    message_id, data, signature = _signed()
    with Gateway(public_pem=KEY.public_pem()) as gateway:
        receipt = HttpTransport(gateway.url).send(message_id, data, signature, KEY.key_id)
    assert gateway.accepted == {message_id: data}
    assert gateway.key_ids == {message_id: KEY.key_id}
    assert receipt == gateway.receipts[message_id]


def test_http_a_503_is_transient_and_the_retry_delivers() -> None:
    message_id, data, signature = _signed()
    with Gateway(fail_first=1) as gateway:
        transport = HttpTransport(gateway.url)
        with pytest.raises(TransientError, match="503"):
            transport.send(message_id, data, signature, KEY.key_id)
        assert gateway.accepted == {}
        transport.send(message_id, data, signature, KEY.key_id)
    assert gateway.accepted == {message_id: data}
    assert gateway.attempts[message_id] == 2


def test_http_a_4xx_problem_surfaces_the_gateways_reason() -> None:
    message_id, data, signature = _signed()
    reason = "recipient ES does not accept diffusions for this crime type"
    with Gateway(reject_with=(422, reason)) as gateway, pytest.raises(PermanentError) as refused:
        HttpTransport(gateway.url).send(message_id, data, signature, KEY.key_id)
    assert refused.value.reason == reason
    assert refused.value.status == 422
    assert gateway.accepted == {}


def test_http_a_4xx_in_plain_text_surfaces_the_body_truncated() -> None:
    message_id, data, signature = _signed()
    with (
        Gateway(reject_with=(403, "refused " + "x" * 1000), problem_json=False) as gateway,
        pytest.raises(PermanentError) as refused,
    ):
        HttpTransport(gateway.url).send(message_id, data, signature, KEY.key_id)
    assert refused.value.reason == ("refused " + "x" * 1000)[:500]


def test_http_a_bad_signature_is_refused_permanently() -> None:
    message_id, data, _ = _signed()
    forged = messages.sign(crypto.SigningKey.generate(), data)
    with (
        Gateway(public_pem=KEY.public_pem()) as gateway,
        pytest.raises(PermanentError, match="does not verify"),
    ):
        HttpTransport(gateway.url).send(message_id, data, forged, KEY.key_id)
    assert gateway.accepted == {}


def test_http_a_rate_limit_is_transient() -> None:
    message_id, data, signature = _signed()
    with (
        Gateway(reject_with=(429, "slow down")) as gateway,
        pytest.raises(TransientError, match="slow down"),
    ):
        HttpTransport(gateway.url).send(message_id, data, signature, KEY.key_id)


def test_http_a_slow_gateway_times_out_as_transient() -> None:
    message_id, data, signature = _signed()
    with Gateway(delay=1.0) as gateway, pytest.raises(TransientError, match="timed out"):
        HttpTransport(gateway.url, timeout=0.2).send(message_id, data, signature, KEY.key_id)


def test_http_a_refused_connection_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message_id, data, signature = _signed()
    with pytest.raises(TransientError, match="unreachable"):
        HttpTransport(f"http://127.0.0.1:{port}/messages").send(
            message_id, data, signature, KEY.key_id
        )


def test_the_gateway_deduplicates_on_the_idempotency_key() -> None:
    message_id, data, signature = _signed()
    with Gateway(public_pem=KEY.public_pem()) as gateway:
        transport = HttpTransport(gateway.url)
        first = transport.send(message_id, data, signature, KEY.key_id)
        second = transport.send(message_id, data, signature, KEY.key_id)
        other_id, other, other_signature = _signed("PT")
        transport.send(other_id, other, other_signature, KEY.key_id)
    assert first == second
    assert gateway.accepted == {message_id: data, other_id: other}
    assert gateway.duplicates == {message_id: 1}
    assert gateway.attempts == {message_id: 2, other_id: 1}


@pytest.mark.parametrize(
    "url",
    [
        "ftp://gateway/x",
        "gateway.example/x",
        "http:///nohost",
        "http://gateway.example/x",
        "http://10.1.2.3/x",
    ],
)
def test_http_refuses_a_url_it_cannot_post_to(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        HttpTransport(url)


def test_outbox_lists_and_removes_its_messages(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path / "outbox")
    assert list(outbox.message_ids()) == []
    message_id, data, signature = _signed()
    outbox.send(message_id, data, signature, KEY.key_id)
    (tmp_path / "outbox" / "orphan.sig").write_text("x")
    (tmp_path / "outbox" / "notes.txt").write_text("not a message")
    assert sorted(outbox.message_ids()) == sorted([message_id, "orphan"])
    assert outbox.remove(message_id) and outbox.remove("orphan")
    assert not outbox.remove(message_id), "nothing left to remove"
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == ["notes.txt"]
    with pytest.raises(ValueError):
        outbox.remove("../keys/master")


# --- HTTPS and mutual TLS ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return TestPKI(tmp_path_factory.mktemp("pki"))


def test_https_with_a_client_certificate_reaches_a_mutual_tls_gateway(pki: TestPKI) -> None:
    message_id, data, signature = _signed()
    tls = GatewayTLS(client_cert=pki.client.cert, client_key=pki.client.key, ca=pki.ca_cert)
    with Gateway(tls=pki.server_context(require_client_cert=True)) as gateway:
        assert gateway.url.startswith("https://127.0.0.1:")
        receipt = HttpTransport(gateway.url, tls=tls).send(message_id, data, signature, "k")
    assert receipt.startswith("gw-1-")
    assert gateway.accepted == {message_id: data}


def test_without_a_client_certificate_the_gateway_is_not_reached(pki: TestPKI) -> None:
    message_id, data, signature = _signed()
    with Gateway(tls=pki.server_context(require_client_cert=True)) as gateway:
        transport = HttpTransport(gateway.url, timeout=5, tls=GatewayTLS(ca=pki.ca_cert))
        with pytest.raises((TransientError, PermanentError)) as caught:
            transport.send(message_id, data, signature, "k")
    assert "SILVER_GATEWAY_CLIENT_CERT" in str(caught.value)
    assert gateway.accepted == {} and gateway.attempts == {}


def test_a_gateway_certificate_from_an_unknown_ca_is_refused_permanently(
    pki: TestPKI, tmp_path: Path
) -> None:
    message_id, data, signature = _signed()
    stranger = TestPKI(tmp_path / "other", name="another-ca")
    with Gateway(tls=pki.server_context(require_client_cert=False)) as gateway:
        for tls in (GatewayTLS(ca=stranger.ca_cert), GatewayTLS()):
            with pytest.raises(PermanentError, match=r"does not verify.*SILVER_GATEWAY_CA"):
                HttpTransport(gateway.url, tls=tls).send(message_id, data, signature, "k")
    assert gateway.accepted == {}


def test_a_client_certificate_that_does_not_load_names_its_variable(
    pki: TestPKI, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("not a certificate")
    with pytest.raises(ValueError, match="SILVER_GATEWAY_CLIENT_CERT"):
        make_transport(
            "http", tmp_path, "https://gw.example/in", tls=GatewayTLS(client_cert=broken)
        )
    with pytest.raises(ValueError, match="SILVER_GATEWAY_CA"):
        HttpTransport("https://gw.example/in", tls=GatewayTLS(ca=broken))


# --- Choosing ------------------------------------------------------------------------------------


def test_make_transport_builds_the_configured_transport(tmp_path: Path) -> None:
    outbox = make_transport("outbox", tmp_path, None)
    assert isinstance(outbox, OutboxTransport) and outbox.directory == tmp_path
    http = make_transport("http", tmp_path, "https://gateway.example/messages", timeout=3)
    assert isinstance(http, HttpTransport)
    assert (http.url, http.timeout) == ("https://gateway.example/messages", 3)


@pytest.mark.parametrize(
    ("name", "url", "names"),
    [
        ("carrier-pigeon", None, "SILVER_TRANSPORT"),
        ("http", None, "SILVER_GATEWAY_URL"),
        ("http", "", "SILVER_GATEWAY_URL"),
        ("http", "gateway.example", "SILVER_GATEWAY_URL"),
    ],
)
def test_make_transport_names_the_variable_to_fix(
    tmp_path: Path, name: str, url: str | None, names: str
) -> None:
    with pytest.raises(ValueError, match=names):
        make_transport(name, tmp_path, url)
