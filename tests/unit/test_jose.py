"""The detached JWS beside each message: made with joserfc, verified by another JOSE library
(jwcrypto) with nothing but the published JWK set, as a recipient would."""

from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto.common import JWException

from silver.domain.errors import CryptoError
from silver.infra import crypto, jose
from silver.infra.transport import HttpTransport, OutboxTransport
from silver.services import messages
from tests.support.cases import case_body
from tests.support.gateway import Gateway

KEY = crypto.SigningKey.generate()


def _message() -> tuple[str, bytes]:
    message_id = messages.message_id_for("case-jose", "ES", 1)
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    data = messages.encode(
        messages.build_message(
            message_id=message_id,
            case_number="NL-SN-2026-0042",
            instrument="diffusion",
            recipient="ES",
            created_at=created,
            expires_at=created + timedelta(days=90),
            sender="NL",
            payload=messages.payload_for(case_body(), "diffusion", "ES"),
        )
    )
    return message_id, data


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwcrypto_verify(token: str, data: bytes, jwk_set: dict[str, object]) -> dict[str, object]:
    keys = jc_jwk.JWKSet.from_json(json.dumps(jwk_set))
    parsed = jc_jws.JWS()
    parsed.deserialize(token)
    kid = parsed.jose_header["kid"]
    parsed.verify(keys.get_key(kid), detached_payload=data)
    header: dict[str, object] = parsed.jose_header
    return header


def test_the_jws_is_compact_with_the_payload_detached_and_names_its_key() -> None:
    _, data = _message()
    token = messages.sign_jws(KEY, data)
    header, payload, signature = token.split(".")
    assert payload == ""
    assert json.loads(_b64url(header)) == {"alg": "EdDSA", "kid": KEY.key_id}
    assert len(_b64url(signature)) == 64
    # Ed25519 is deterministic: the same bytes and key give the same JWS.
    assert messages.sign_jws(KEY, data) == token


def test_jwcrypto_verifies_a_message_with_the_published_jwk_set() -> None:
    _, data = _message()
    old = crypto.SigningKey.generate()
    jwk_set = jose.jwk_set([KEY.public_pem(), old.public_pem()])
    assert [k["kid"] for k in jwk_set["keys"]] == [KEY.key_id, old.key_id]
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" for k in jwk_set["keys"])
    assert all(k["alg"] == "EdDSA" and k["use"] == "sig" for k in jwk_set["keys"])
    assert all("d" not in k for k in jwk_set["keys"])
    header = _jwcrypto_verify(messages.sign_jws(KEY, data), data, dict(jwk_set))
    assert header["kid"] == KEY.key_id
    # A message signed by a retired key still verifies with the same set.
    assert _jwcrypto_verify(messages.sign_jws(old, data), data, dict(jwk_set))["kid"] == old.key_id


def test_jwcrypto_refuses_a_changed_byte() -> None:
    _, data = _message()
    token = messages.sign_jws(KEY, data)
    changed = data.replace(b'"ES"', b'"PT"', 1)
    with pytest.raises(JWException):
        _jwcrypto_verify(token, changed, dict(jose.jwk_set([KEY.public_pem()])))


def test_our_verifier_accepts_pem_or_jwk_and_says_why_it_refuses() -> None:
    _, data = _message()
    token = messages.sign_jws(KEY, data)
    assert jose.verify_detached(token, data, jose.keys_by_id([KEY.public_pem()])) == KEY.key_id
    from_set = jose.keys_of_jwk_set(jose.jwk_set([KEY.public_pem()]))
    assert jose.verify_detached(token, data, from_set) == KEY.key_id
    with pytest.raises(CryptoError, match="does not match"):
        jose.verify_detached(token, data + b" ", from_set)
    other = crypto.SigningKey.generate()
    with pytest.raises(CryptoError, match="not among the keys"):
        jose.verify_detached(token, data, jose.keys_by_id([other.public_pem()]))
    attached = token.replace("..", "." + base64.urlsafe_b64encode(data).decode().rstrip("=") + ".")
    with pytest.raises(CryptoError, match="detached"):
        jose.verify_detached(attached, data, from_set)
    with pytest.raises(CryptoError, match="three parts"):
        jose.verify_detached("nonsense", data, from_set)
    with pytest.raises(CryptoError, match="private key"):
        jose.keys_of_jwk_set({"keys": [{"kid": "k", "kty": "OKP", "d": "secret"}]})


def test_a_large_message_is_signed_and_verified() -> None:
    data = json.dumps({"payload": "x" * 600_000}).encode()
    token = messages.sign_jws(KEY, data)
    assert jose.verify_detached(token, data, jose.keys_by_id([KEY.public_pem()])) == KEY.key_id


def test_the_outbox_writes_the_jws_beside_the_pair(tmp_path: Path) -> None:
    message_id, data = _message()
    token = messages.sign_jws(KEY, data)
    OutboxTransport(tmp_path).send(message_id, data, messages.sign(KEY, data), KEY.key_id, token)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{message_id}.json",
        f"{message_id}.jws",
        f"{message_id}.sig",
    ]
    jws_path = tmp_path / f"{message_id}.jws"
    assert jws_path.read_text() == token
    assert stat.S_IMODE(jws_path.stat().st_mode) == 0o600
    report = messages.verify_jws_file(jws_path, jose.keys_by_id([KEY.public_pem()]))
    assert report.ok, report.problem
    assert report.message_id == message_id and report.key_id == KEY.key_id
    assert messages.verify_file(tmp_path / f"{message_id}.json", KEY.public_pem()).ok


def test_a_message_sent_before_jws_gets_its_jws_when_sent_again(tmp_path: Path) -> None:
    message_id, data = _message()
    transport = OutboxTransport(tmp_path)
    transport.send(message_id, data, messages.sign(KEY, data), KEY.key_id)
    assert not (tmp_path / f"{message_id}.jws").exists()
    token = messages.sign_jws(KEY, data)
    transport.send(message_id, data, messages.sign(KEY, data), KEY.key_id, token)
    assert (tmp_path / f"{message_id}.jws").read_text() == token


def test_verify_jws_file_reports_a_tampered_message_and_a_renamed_file(tmp_path: Path) -> None:
    message_id, data = _message()
    OutboxTransport(tmp_path).send(
        message_id, data, messages.sign(KEY, data), KEY.key_id, messages.sign_jws(KEY, data)
    )
    keys = jose.keys_by_id([KEY.public_pem()])
    renamed = tmp_path / "other-id.jws"
    renamed.write_bytes((tmp_path / f"{message_id}.jws").read_bytes())
    renamed.with_suffix(".json").write_bytes(data)
    report = messages.verify_jws_file(renamed, keys)
    assert not report.ok and report.problem is not None and "file name" in report.problem
    (tmp_path / f"{message_id}.json").write_bytes(data.replace(b'"ES"', b'"PT"', 1))
    report = messages.verify_jws_file(tmp_path / f"{message_id}.jws", keys)
    assert not report.ok and report.problem is not None and "does not match" in report.problem
    missing = messages.verify_jws_file(tmp_path / "nothing.jws", keys)
    assert not missing.ok and missing.problem is not None and "does not exist" in missing.problem


def test_http_sends_the_jws_in_a_header_of_its_own_and_the_contract_headers_unchanged() -> None:
    message_id, data = _message()
    token = messages.sign_jws(KEY, data)
    with Gateway(public_pem=KEY.public_pem()) as gateway:
        HttpTransport(gateway.url).send(
            message_id, data, messages.sign(KEY, data), KEY.key_id, token
        )
    assert gateway.accepted == {message_id: data}
    assert gateway.key_ids == {message_id: KEY.key_id}
    assert gateway.jws == {message_id: token}
    _jwcrypto_verify(gateway.jws[message_id], data, dict(jose.jwk_set([KEY.public_pem()])))


def test_the_outbox_lists_and_removes_the_jws_with_its_message(tmp_path: Path) -> None:
    message_id, data = _message()
    outbox = OutboxTransport(tmp_path)
    outbox.send(
        message_id, data, messages.sign(KEY, data), KEY.key_id, messages.sign_jws(KEY, data)
    )
    (tmp_path / "lonely-id.jws").write_text("header..signature")
    assert sorted(outbox.message_ids()) == sorted([message_id, "lonely-id"])
    assert outbox.remove(message_id) and outbox.remove("lonely-id")
    assert list(tmp_path.iterdir()) == []
