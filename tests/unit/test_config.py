from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from silver.domain.errors import ConfigError
from silver.infra.config import load_settings


def test_defaults_use_the_local_services(tmp_path: Path) -> None:
    s = load_settings({"SILVER_VAR_DIR": str(tmp_path)})
    assert s.neo4j_is_local and s.neo4j_uri == "bolt://127.0.0.1:7687"
    assert s.redis_is_local and s.redis_url == "redis://127.0.0.1:6479/0"
    assert s.transport == "outbox"
    assert s.quota == 9
    assert s.penalty_threshold_years == 4.0
    assert s.suppress_below == 5
    assert s.port == 8000
    assert s.token_ttl_seconds == 8 * 3600
    assert s.pilot_end == date(2026, 12, 31)


def test_local_neo4j_password_comes_from_var(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "neo4j_password").write_text("s3cret-from-file\n")
    assert load_settings({"SILVER_VAR_DIR": str(tmp_path)}).neo4j_password == "s3cret-from-file"


def test_values_are_parsed_with_types(tmp_path: Path) -> None:
    s = load_settings(
        {
            "SILVER_VAR_DIR": str(tmp_path),
            "NEO4J_URI": "neo4j+s://db.example.org",
            "NEO4J_PASSWORD": "pw",
            "REDIS_URL": "redis://cache:6379/2",
            "SILVER_QUOTA": "12",
            "SILVER_PILOT_END": "2027-01-31",
            "SILVER_PENALTY_THRESHOLD_YEARS": "4.5",
            "SILVER_TRANSPORT": "http",
            "SILVER_GATEWAY_URL": "https://gw.example.org/in",
            "PORT": "9000",
        }
    )
    assert not s.neo4j_is_local and not s.redis_is_local
    assert (s.quota, s.pilot_end, s.penalty_threshold_years, s.port) == (
        12,
        date(2027, 1, 31),
        4.5,
        9000,
    )
    assert s.gateway_url == "https://gw.example.org/in"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SILVER_QUOTA": "nine"}, "SILVER_QUOTA"),
        ({"SILVER_QUOTA": "-1"}, "SILVER_QUOTA"),
        ({"SILVER_PILOT_END": "31-12-2026"}, "SILVER_PILOT_END"),
        ({"SILVER_PENALTY_THRESHOLD_YEARS": "four"}, "SILVER_PENALTY_THRESHOLD_YEARS"),
        ({"SILVER_SUPPRESS_BELOW": "0"}, "SILVER_SUPPRESS_BELOW"),
        ({"SILVER_TRANSPORT": "pigeon"}, "SILVER_TRANSPORT"),
        ({"SILVER_TRANSPORT": "http"}, "SILVER_GATEWAY_URL"),
        ({"NEO4J_URI": "http://localhost:7474", "NEO4J_PASSWORD": "x"}, "NEO4J_URI"),
        ({"NEO4J_URI": "bolt://db:7687"}, "NEO4J_PASSWORD"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"PORT": "http"}, "PORT"),
    ],
)
def test_a_bad_value_names_its_variable(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"SILVER_VAR_DIR": str(tmp_path), **env})
    assert variable in caught.value.detail
