"""The settings of the operations features: the metrics token and the due-soon window."""

from __future__ import annotations

from pathlib import Path

import pytest

from silver.domain.errors import ConfigError
from silver.infra.config import load_settings


def test_the_metrics_token_is_long_and_not_shown(tmp_path: Path) -> None:
    token = "t" * 40
    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_METRICS_TOKEN": token})
    assert settings.metrics_token == token
    assert token not in repr(settings)
    with pytest.raises(ConfigError, match="SILVER_METRICS_TOKEN"):
        load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_METRICS_TOKEN": "short"})
    assert load_settings({"SILVER_VAR_DIR": str(tmp_path)}).metrics_token is None


def test_the_due_soon_window_defaults_to_a_week(tmp_path: Path) -> None:
    assert load_settings({"SILVER_VAR_DIR": str(tmp_path)}).due_soon_days == 7
    settings = load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_DUE_SOON_DAYS": "3"})
    assert settings.due_soon_days == 3
    with pytest.raises(ConfigError, match="SILVER_DUE_SOON_DAYS"):
        load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_DUE_SOON_DAYS": "0"})
