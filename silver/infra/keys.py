"""Where the keys come from: the environment in production, var/keys/ in development.

In development (a variable unset) each key is generated once into var/keys/ with mode 0600 and
reused from then on. Nothing here is ever committed (var/ is ignored by git). With
`SILVER_ENV=production` nothing is ever generated: the settings refuse to load without the key
variables, and `_read_or_create` refuses too, so no code path can fall back to a file key.

Signing keys rotate (`flask --app wsgi keys rotate-signing`): a new key signs from then on, and
the public halves of the earlier keys stay published (`GET /api/v1/signing-keys.jwks`) so that
messages signed before still verify. In development the current key is var/keys/signing.pem and
the earlier public keys are var/keys/signing-retired.pem (PEM blocks, newest first); in
production the current key is SILVER_SIGNING_KEY and the earlier public keys are
SILVER_SIGNING_KEYS_OLD (PEM blocks, "\\n" escapes allowed), both from the secrets manager.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from silver.domain.errors import ConfigError, CryptoError
from silver.infra import crypto
from silver.infra.config import Settings

SIGNING_FILE = "signing.pem"
RETIRED_SIGNING_FILE = "signing-retired.pem"
_PEM_END = "-----END PUBLIC KEY-----"


@dataclass(frozen=True)
class SigningKeys:
    """The key that signs, and the public keys of the keys it replaced (newest first)."""

    current: crypto.SigningKey
    retired: tuple[str, ...] = ()
    from_env: bool = False

    def public_pems(self) -> list[str]:
        """Every public key that verifies a message of ours, the current one first."""
        return [self.current.public_pem(), *self.retired]


@dataclass(frozen=True)
class KeyMaterial:
    master: crypto.MasterKeyring
    index_key: bytes
    signing: crypto.SigningKey
    master_from_env: bool
    retired_signing: tuple[str, ...] = ()


def _read_or_create(settings: Settings, variable: str, path: Path, make: str) -> str:
    if settings.production:
        raise ConfigError(f"SILVER_ENV is production: set {variable} (no key is generated)")
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(make + "\n")
    return make


def load_keys(settings: Settings) -> KeyMaterial:
    keys_dir = settings.keys_dir
    if settings.master_key:
        master = crypto.MasterKeyring.parse(settings.master_key)
    else:
        text = _read_or_create(
            settings,
            "SILVER_MASTER_KEY",
            keys_dir / "master.keys",
            f"k1:{crypto.encode_key(crypto.new_secret_key())}",
        )
        master = crypto.MasterKeyring.parse(text, what=str(keys_dir / "master.keys"))
    if settings.index_key:
        index_key = crypto.decode_key(settings.index_key, "SILVER_INDEX_KEY")
    else:
        text = _read_or_create(
            settings,
            "SILVER_INDEX_KEY",
            keys_dir / "index.key",
            crypto.encode_key(crypto.new_secret_key()),
        )
        index_key = crypto.decode_key(text, str(keys_dir / "index.key"))
    signing = load_signing_keys(settings)
    return KeyMaterial(
        master,
        index_key,
        signing.current,
        master_from_env=bool(settings.master_key),
        retired_signing=signing.retired,
    )


def public_pems(text: str, what: str) -> tuple[str, ...]:
    """The PEM public keys in `text` (blocks one after the other), each checked to be an
    Ed25519 key; CryptoError naming `what` otherwise."""
    text = text.replace("\\n", "\n")
    blocks = []
    for chunk in text.split(_PEM_END):
        body = chunk.strip()
        if not body:
            continue
        pem = body + "\n" + _PEM_END + "\n"
        try:
            crypto.public_key_id(pem)
        except CryptoError as exc:
            raise CryptoError(f"{what}: {exc}") from None
        blocks.append(pem)
    return tuple(blocks)


def load_signing_keys(settings: Settings) -> SigningKeys:
    """The signing key and the retired public keys, read afresh (a rotation made by the CLI is
    seen by the next call of a running process, so the JWK set never lags the worker)."""
    retired: tuple[str, ...] = ()
    if settings.signing_keys_old:
        retired = public_pems(settings.signing_keys_old, "SILVER_SIGNING_KEYS_OLD")
    if settings.signing_key:
        current = crypto.SigningKey.from_pem(settings.signing_key.replace("\\n", "\n"))
        return SigningKeys(current, _without(retired, current), from_env=True)
    keys_dir = settings.keys_dir
    pem = _read_or_create(
        settings,
        "SILVER_SIGNING_KEY",
        keys_dir / SIGNING_FILE,
        crypto.SigningKey.generate().private_pem(),
    )
    current = crypto.SigningKey.from_pem(pem)
    retired_path = keys_dir / RETIRED_SIGNING_FILE
    if retired_path.exists():
        retired += public_pems(retired_path.read_text(), str(retired_path))
    return SigningKeys(current, _without(retired, current))


def _without(retired: tuple[str, ...], current: crypto.SigningKey) -> tuple[str, ...]:
    """The retired keys once each, never the current one."""
    seen = {current.key_id}
    kept = []
    for pem in retired:
        kid = crypto.public_key_id(pem)
        if kid not in seen:
            seen.add(kid)
            kept.append(pem)
    return tuple(kept)


def _write_private(path: Path, text: str) -> None:
    """Replace a key file at once (0600): a reader sees the old file or the new, never a part."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def rotate_signing_key(settings: Settings) -> tuple[crypto.SigningKey, crypto.SigningKey]:
    """Development rotation: a new signing key in var/keys/signing.pem, the public half of the
    one it replaces first in var/keys/signing-retired.pem. Returns (new, retired).

    The retired key is recorded before the new one is written, so a rotation cut off half-way
    leaves the old key current and merely published twice."""
    if settings.signing_key:
        raise CryptoError(
            "SILVER_SIGNING_KEY is set: make a new Ed25519 key (e.g. `openssl genpkey "
            "-algorithm ed25519`), put the current public key (GET /api/v1/signing-key) first "
            "in SILVER_SIGNING_KEYS_OLD, the new private key in SILVER_SIGNING_KEY, and restart "
            "the web processes and the worker"
        )
    before = load_signing_keys(settings)
    new = crypto.SigningKey.generate()
    keys_dir = settings.keys_dir
    retired = (before.current.public_pem(), *before.retired)
    _write_private(keys_dir / RETIRED_SIGNING_FILE, "".join(retired))
    _write_private(keys_dir / SIGNING_FILE, new.private_pem() + "\n")
    return new, before.current


def session_secret(settings: Settings) -> str:
    """The key that signs the web pages' session cookies: SILVER_SECRET_KEY, else (development)
    var/keys/session.key, generated once."""
    if settings.secret_key:
        return settings.secret_key
    return _read_or_create(
        settings,
        "SILVER_SECRET_KEY",
        settings.keys_dir / "session.key",
        crypto.encode_key(crypto.new_secret_key()),
    )


def audit_key(settings: Settings) -> bytes:
    """The key of the audit chain's HMAC: SILVER_AUDIT_KEY, else (development)
    var/keys/audit.key, generated once. A key of its own, so that the chain's integrity does
    not depend on (nor rotate with) the keys that seal data or sign messages."""
    if settings.audit_key:
        return crypto.decode_key(settings.audit_key, "SILVER_AUDIT_KEY")
    path = settings.keys_dir / "audit.key"
    text = _read_or_create(
        settings, "SILVER_AUDIT_KEY", path, crypto.encode_key(crypto.new_secret_key())
    )
    return crypto.decode_key(text, str(path))


def add_master_key(settings: Settings, current: crypto.MasterKeyring) -> crypto.MasterKeyring:
    """Development rotation: a new master key becomes current in var/keys/master.keys."""
    if settings.master_key:
        raise CryptoError(
            "SILVER_MASTER_KEY is set: add the new key first in that variable "
            "('NEW:KEY,OLD:KEY'), restart, then run `keys rotate` to re-wrap"
        )
    next_id = f"k{len(current.keys) + 1}"
    while any(kid == next_id for kid, _ in current.keys):
        next_id += "x"
    ring = current.with_new_key(next_id)
    path = settings.keys_dir / "master.keys"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.serialise() + "\n")
    os.replace(tmp, path)
    return ring
