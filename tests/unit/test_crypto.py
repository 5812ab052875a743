from __future__ import annotations

import base64

import pytest

from silver.domain.blind_index import blind_index
from silver.domain.errors import CryptoError, DecryptionFailed
from silver.infra import crypto


def _flip_bit(token: str, position: int) -> str:
    prefix, body = token[:3], token[3:]
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[position] ^= 0x01
    return prefix + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


def test_seal_round_trip() -> None:
    key = crypto.new_data_key()
    token = crypto.seal(key, "Jan de Vries, geboren 1970", "case:1/subjects")
    assert "Jan" not in token
    assert crypto.unseal(key, token, "case:1/subjects") == "Jan de Vries, geboren 1970"


def test_sealing_twice_gives_different_ciphertexts() -> None:
    key = crypto.new_data_key()
    assert crypto.seal(key, "x", "c") != crypto.seal(key, "x", "c")


@pytest.mark.parametrize("position", [0, 11, 12, 20, -1])
def test_a_flipped_bit_is_refused(position: int) -> None:
    key = crypto.new_data_key()
    token = crypto.seal(key, "NL91ABNA0417164300", "case:1/assets")
    with pytest.raises(DecryptionFailed):
        crypto.unseal(key, _flip_bit(token, position), "case:1/assets")


def test_ciphertext_is_bound_to_its_context_and_key() -> None:
    key = crypto.new_data_key()
    token = crypto.seal(key, "secret", "case:1/subjects")
    with pytest.raises(DecryptionFailed):
        crypto.unseal(key, token, "case:2/subjects")
    with pytest.raises(DecryptionFailed):
        crypto.unseal(crypto.new_data_key(), token, "case:1/subjects")
    with pytest.raises(DecryptionFailed):
        crypto.unseal(key, "zz." + token[3:], "case:1/subjects")


def test_rotation_rewraps_and_old_data_still_decrypts() -> None:
    ring = crypto.MasterKeyring.parse(f"k1:{crypto.encode_key(crypto.new_secret_key())}")
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap_data_key(ring, data_key, "case:abc")
    sealed = crypto.seal(data_key, "Vessel IMO 9074729", "case:abc/assets")
    assert crypto.wrapped_key_id(wrapped) == "k1"

    rotated = ring.with_new_key("k2")
    rewrapped = crypto.rewrap_data_key(rotated, wrapped, "case:abc")
    assert crypto.wrapped_key_id(rewrapped) == "k2"
    unwrapped = crypto.unwrap_data_key(rotated, rewrapped, "case:abc")
    assert crypto.unseal(unwrapped, sealed, "case:abc/assets") == "Vessel IMO 9074729"

    # Once the old key is gone only the re-wrapped form opens; the data itself was not touched.
    only_new = crypto.MasterKeyring(rotated.keys[:1])
    assert crypto.unwrap_data_key(only_new, rewrapped, "case:abc") == data_key
    with pytest.raises(CryptoError):
        crypto.unwrap_data_key(only_new, wrapped, "case:abc")


def test_a_wrapped_key_is_bound_to_its_case() -> None:
    ring = crypto.MasterKeyring.parse(f"k1:{crypto.encode_key(crypto.new_secret_key())}")
    wrapped = crypto.wrap_data_key(ring, crypto.new_data_key(), "case:a")
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_data_key(ring, wrapped, "case:b")


@pytest.mark.parametrize("text", ["", "k1", "k1:short", "k1:!!!", "k1:AAAA,k1:AAAA"])
def test_malformed_master_keys_are_refused(text: str) -> None:
    with pytest.raises(CryptoError):
        crypto.MasterKeyring.parse(text)


def test_keyring_serialises_and_parses_back() -> None:
    ring = crypto.MasterKeyring.parse(
        f"k1:{crypto.encode_key(crypto.new_secret_key())}"
    ).with_new_key("k2")
    again = crypto.MasterKeyring.parse(ring.serialise())
    assert again == ring and again.current_id == "k2"


def test_blind_index_is_deterministic_keyed_and_kind_separated() -> None:
    k1, k2 = crypto.new_secret_key(), crypto.new_secret_key()
    a = blind_index(k1, "iban", "NL91ABNA0417164300")
    assert a == blind_index(k1, "iban", "NL91ABNA0417164300")
    assert a != blind_index(k2, "iban", "NL91ABNA0417164300")
    assert a != blind_index(k1, "passport", "NL91ABNA0417164300")
    assert "NL91" not in a and len(a) == 64


def test_signatures_verify_and_a_changed_byte_fails() -> None:
    key = crypto.SigningKey.generate()
    message = b'{"case_number":"NL-SN-2026-0001"}'
    signature = key.sign(message)
    assert crypto.verify_signature(key.public_pem(), message, signature)
    assert not crypto.verify_signature(key.public_pem(), message.replace(b"1", b"2"), signature)
    other = crypto.SigningKey.generate()
    assert not crypto.verify_signature(other.public_pem(), message, signature)


def test_signing_key_survives_pem_round_trip() -> None:
    key = crypto.SigningKey.generate()
    again = crypto.SigningKey.from_pem(key.private_pem())
    assert again.key_id == key.key_id and key.key_id.startswith("ed25519-")
    with pytest.raises(CryptoError):
        crypto.SigningKey.from_pem("-----BEGIN NOTHING-----")
