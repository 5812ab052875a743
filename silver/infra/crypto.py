"""All cryptography of Silver, behind domain-named functions.

This is the only module that imports `cryptography`. Library errors become CryptoError or
DecryptionFailed.

- Envelope encryption: each case has its own 256-bit data key; personal data is sealed with
  AES-GCM under that key, bound (as associated data) to the case and field it belongs to. The
  data key is stored wrapped (AES-GCM) by a versioned master key, so rotating the master key
  re-wraps data keys without touching the data, and destroying a data key erases the case.
- Blind index: HMAC-SHA256 with a key of its own over a normalised identifier, so the graph can
  match the same IBAN in two cases without holding the IBAN.
- Message signing: Ed25519.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from silver.domain.errors import CryptoError, DecryptionFailed

KEY_BYTES = 32
NONCE_BYTES = 12


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise CryptoError("malformed base64 value") from exc


def new_secret_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(raw: bytes) -> str:
    return _b64e(raw)


def decode_key(text: str, what: str) -> bytes:
    try:
        raw = _b64d(text.strip())
    except CryptoError:
        raise CryptoError(f"{what} is not valid base64url") from None
    if len(raw) != KEY_BYTES:
        raise CryptoError(f"{what} must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


@dataclass(frozen=True)
class MasterKeyring:
    """Versioned master keys. The first is current and wraps; all of them unwrap."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, text: str, what: str = "SILVER_MASTER_KEY") -> MasterKeyring:
        entries: list[tuple[str, bytes]] = []
        for item in text.replace("\n", ",").split(","):
            item = item.strip()
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id:
                raise CryptoError(f"{what} entries must look like 'ID:BASE64KEY'")
            entries.append((key_id, decode_key(encoded, f"{what} key {key_id!r}")))
        if not entries:
            raise CryptoError(f"{what} holds no key")
        ids = [k for k, _ in entries]
        if len(set(ids)) != len(ids):
            raise CryptoError(f"{what} repeats a key id")
        return cls(tuple(entries))

    def serialise(self) -> str:
        return ",".join(f"{key_id}:{encode_key(raw)}" for key_id, raw in self.keys)

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        for kid, raw in self.keys:
            if kid == key_id:
                return raw
        raise CryptoError(f"master key {key_id!r} is not configured")

    def with_new_key(self, key_id: str) -> MasterKeyring:
        if any(kid == key_id for kid, _ in self.keys):
            raise CryptoError(f"master key {key_id!r} exists already")
        return MasterKeyring(((key_id, new_secret_key()), *self.keys))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _dk_aad(owner: str) -> bytes:
    return b"silver/data-key/" + owner.encode()


def wrap_data_key(ring: MasterKeyring, data_key: bytes, owner: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.current_id)).encrypt(nonce, data_key, _dk_aad(owner))
    return f"{ring.current_id}:{_b64e(nonce + sealed)}"


def unwrap_data_key(ring: MasterKeyring, wrapped: str, owner: str) -> bytes:
    key_id, sep, body = wrapped.partition(":")
    if not sep:
        raise DecryptionFailed("wrapped data key is malformed")
    raw = _b64d(body)
    try:
        return AESGCM(ring.key(key_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _dk_aad(owner)
        )
    except InvalidTag:
        raise DecryptionFailed("data key failed authentication") from None


def wrapped_key_id(wrapped: str) -> str:
    return wrapped.partition(":")[0]


def rewrap_data_key(ring: MasterKeyring, wrapped: str, owner: str) -> str:
    return wrap_data_key(ring, unwrap_data_key(ring, wrapped, owner), owner)


def seal(data_key: bytes, plaintext: str, context: str) -> str:
    """Encrypt text under a data key, bound to `context` (e.g. 'case:<id>/subjects')."""
    nonce = os.urandom(NONCE_BYTES)
    try:
        sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    except (ValueError, TypeError) as exc:
        raise CryptoError("data key is not a valid AES key") from exc
    return "g1." + _b64e(nonce + sealed)


def unseal(data_key: bytes, token: str, context: str) -> str:
    if not token.startswith("g1."):
        raise DecryptionFailed("ciphertext has an unknown format")
    raw = _b64d(token[3:])
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionFailed("ciphertext is truncated")
    try:
        plain = AESGCM(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except InvalidTag:
        raise DecryptionFailed("ciphertext failed authentication") from None
    except (ValueError, TypeError) as exc:
        raise CryptoError("data key is not a valid AES key") from exc
    return plain.decode("utf-8")


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519-" + hashlib.sha256(raw).hexdigest()[:16]


class SigningKey:
    """The Ed25519 key that signs outgoing messages."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.key_id = _key_id(private.public_key())

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        try:
            key = serialization.load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise CryptoError("the signing key is not a readable PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CryptoError("the signing key must be an Ed25519 key")
        return cls(key)

    def private_pem(self) -> str:
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def public_pem(self) -> str:
        return (
            self._private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)


def _load_public(public_pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except (ValueError, TypeError) as exc:
        raise CryptoError("the public key is not a readable PEM key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CryptoError("the public key must be an Ed25519 key")
    return key


def public_key_id(public_pem: str) -> str:
    """The key id a SigningKey has, from its public half (for reports that name the key)."""
    return _key_id(_load_public(public_pem))


def verify_signature(public_pem: str, data: bytes, signature: bytes) -> bool:
    key = _load_public(public_pem)
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
