"""Where the keys come from: the environment in production, var/keys/ in development.

In development (a variable unset) each key is generated once into var/keys/ with mode 0600 and
reused from then on. Nothing here is ever committed (var/ is ignored by git). With
`SILVER_ENV=production` nothing is ever generated: the settings refuse to load without the key
variables, and `_read_or_create` refuses too, so no code path can fall back to a file key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from silver.domain.errors import ConfigError, CryptoError
from silver.infra import crypto
from silver.infra.config import Settings


@dataclass(frozen=True)
class KeyMaterial:
    master: crypto.MasterKeyring
    index_key: bytes
    signing: crypto.SigningKey
    master_from_env: bool


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
    if settings.signing_key:
        signing = crypto.SigningKey.from_pem(settings.signing_key.replace("\\n", "\n"))
    else:
        pem = _read_or_create(
            settings,
            "SILVER_SIGNING_KEY",
            keys_dir / "signing.pem",
            crypto.SigningKey.generate().private_pem(),
        )
        signing = crypto.SigningKey.from_pem(pem)
    return KeyMaterial(master, index_key, signing, master_from_env=bool(settings.master_key))


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
