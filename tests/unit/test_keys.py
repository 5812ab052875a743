"""Where keys come from: generated into var/keys in development, never in production."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest

from silver.domain.errors import ConfigError
from silver.infra import crypto
from silver.infra.config import load_settings
from silver.infra.keys import audit_key, load_keys, session_secret


def test_development_generates_each_key_once_into_var_keys(tmp_path: Path) -> None:
    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path)})
    first, first_audit = load_keys(settings), audit_key(settings)
    assert load_keys(settings).index_key == first.index_key
    assert audit_key(settings) == first_audit and len(first_audit) == 32
    assert session_secret(settings) == session_secret(settings)
    for name in ("master.keys", "index.key", "signing.pem", "audit.key", "session.key"):
        assert stat.S_IMODE((tmp_path / "keys" / name).stat().st_mode) == 0o600


def test_the_audit_key_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    raw = crypto.new_secret_key()
    env = {"SILVER_VAR_DIR": str(tmp_path), "SILVER_AUDIT_KEY": crypto.encode_key(raw)}
    assert audit_key(load_settings(env)) == raw
    assert not (tmp_path / "keys" / "audit.key").exists()


def test_production_never_generates_a_key(tmp_path: Path) -> None:
    """Even a Settings object built by hand (bypassing the start-up check) cannot make the
    key loader fall back to generated files."""
    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path)})
    production = dataclasses.replace(settings, env="production")
    for load, variable in (
        (load_keys, "SILVER_MASTER_KEY"),
        (audit_key, "SILVER_AUDIT_KEY"),
        (session_secret, "SILVER_SECRET_KEY"),
    ):
        with pytest.raises(ConfigError, match=variable):
            load(production)
    assert not (tmp_path / "keys").exists()
