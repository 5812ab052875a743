"""Signing-key rotation: a new key signs, the keys it replaced stay published for verifying."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from silver.domain.errors import CryptoError
from silver.infra import crypto, jose
from silver.infra.config import load_settings
from silver.infra.keys import load_keys, load_signing_keys, rotate_signing_key


def test_development_rotation_keeps_the_old_public_keys_newest_first(tmp_path: Path) -> None:
    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path)})
    first = load_signing_keys(settings).current
    assert load_signing_keys(settings).retired == ()
    second, retired = rotate_signing_key(settings)
    assert retired.key_id == first.key_id
    third, _ = rotate_signing_key(settings)
    keys = load_signing_keys(settings)
    assert keys.current.key_id == third.key_id != second.key_id
    assert [crypto.public_key_id(pem) for pem in keys.retired] == [second.key_id, first.key_id]
    assert load_keys(settings).signing.key_id == third.key_id
    for name in ("signing.pem", "signing-retired.pem"):
        assert stat.S_IMODE((tmp_path / "keys" / name).stat().st_mode) == 0o600
    assert "PRIVATE" not in (tmp_path / "keys" / "signing-retired.pem").read_text()
    kids = [k["kid"] for k in jose.jwk_set(keys.public_pems())["keys"]]
    assert kids == [third.key_id, second.key_id, first.key_id]


def test_production_keys_come_from_the_environment_and_rotation_says_what_to_do(
    tmp_path: Path,
) -> None:
    current, old = crypto.SigningKey.generate(), crypto.SigningKey.generate()
    settings = load_settings(
        {
            "SILVER_VAR_DIR": str(tmp_path),
            "SILVER_SIGNING_KEY": current.private_pem().replace("\n", "\\n"),
            "SILVER_SIGNING_KEYS_OLD": (old.public_pem() + current.public_pem()).replace(
                "\n", "\\n"
            ),
        }
    )
    keys = load_signing_keys(settings)
    assert keys.from_env and keys.current.key_id == current.key_id
    # The current key is never listed as retired, even when the operator left it there.
    assert [crypto.public_key_id(p) for p in keys.retired] == [old.key_id]
    with pytest.raises(CryptoError, match="SILVER_SIGNING_KEYS_OLD"):
        rotate_signing_key(settings)
    assert not (tmp_path / "keys" / "signing.pem").exists()


def test_a_malformed_old_key_names_the_variable(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SILVER_VAR_DIR": str(tmp_path),
            "SILVER_SIGNING_KEYS_OLD": "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
        }
    )
    with pytest.raises(CryptoError, match="SILVER_SIGNING_KEYS_OLD"):
        load_signing_keys(settings)
