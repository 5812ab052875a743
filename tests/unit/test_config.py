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


def test_the_local_redis_password_comes_from_var(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "redis_password").write_text("Zx9pW2\n")
    s = load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_LOCAL_REDIS_PORT": "6500"})
    assert s.redis_url == "redis://:Zx9pW2@127.0.0.1:6500/0"
    given = load_settings({"SILVER_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://cache:6379/1"})
    assert given.redis_url == "redis://cache:6379/1", "REDIS_URL is taken as it is"


PRODUCTION_KEYS = {
    "SILVER_MASTER_KEY": "k1:" + "A" * 43,
    "SILVER_INDEX_KEY": "B" * 43,
    "SILVER_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\\n...",
    "SILVER_SECRET_KEY": "a-long-random-session-secret",
    "SILVER_AUDIT_KEY": "C" * 43,
}


def test_development_is_the_default_and_production_needs_every_key(tmp_path: Path) -> None:
    assert load_settings({"SILVER_VAR_DIR": str(tmp_path)}).env == "development"
    s = load_settings(
        {"SILVER_VAR_DIR": str(tmp_path), "SILVER_ENV": "production", **PRODUCTION_KEYS}
    )
    assert s.production and s.audit_key == "C" * 43


@pytest.mark.parametrize("missing", sorted(PRODUCTION_KEYS))
def test_production_refuses_to_start_without_a_key_and_names_it(
    tmp_path: Path, missing: str
) -> None:
    env = {"SILVER_VAR_DIR": str(tmp_path), "SILVER_ENV": "production", **PRODUCTION_KEYS}
    env[missing] = " "
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert missing in caught.value.detail
    assert [k for k in PRODUCTION_KEYS if k in caught.value.detail] == [missing]


def test_production_without_any_key_names_them_all(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_ENV": "production"})
    assert all(name in caught.value.detail for name in PRODUCTION_KEYS)


@pytest.mark.parametrize(
    "url",
    [
        "https://gw.example.org/in",
        "http://127.0.0.1:8443/messages",
        "http://localhost/messages",
        "http://127.8.0.1/messages",
        "http://[::1]:9000/messages",
    ],
)
def test_the_gateway_is_https_or_loopback(tmp_path: Path, url: str) -> None:
    env = {"SILVER_VAR_DIR": str(tmp_path), "SILVER_TRANSPORT": "http", "SILVER_GATEWAY_URL": url}
    assert load_settings(env).gateway_url == url


@pytest.mark.parametrize(
    "url",
    ["http://gw.example.org/in", "http://10.0.0.5/in", "ftp://gw.example.org", "https://", "gw"],
)
def test_a_plain_http_gateway_elsewhere_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"SILVER_VAR_DIR": str(tmp_path), "SILVER_GATEWAY_URL": url})
    assert "SILVER_GATEWAY_URL" in caught.value.detail and "https://" in caught.value.detail


def test_mutual_tls_files_are_checked_at_start(tmp_path: Path) -> None:
    cert, key, ca = (tmp_path / name for name in ("client.pem", "client.key", "ca.pem"))
    for f in (cert, key, ca):
        f.write_text("pem")
    base = {"SILVER_VAR_DIR": str(tmp_path), "SILVER_GATEWAY_URL": "https://gw.example.org/in"}
    s = load_settings(
        {
            **base,
            "SILVER_GATEWAY_CLIENT_CERT": str(cert),
            "SILVER_GATEWAY_CLIENT_KEY": str(key),
            "SILVER_GATEWAY_CA": str(ca),
        }
    )
    assert (s.gateway_client_cert, s.gateway_client_key, s.gateway_ca) == (cert, key, ca)
    with pytest.raises(ConfigError, match="SILVER_GATEWAY_CLIENT_CERT"):
        load_settings({**base, "SILVER_GATEWAY_CLIENT_CERT": str(tmp_path / "absent.pem")})
    with pytest.raises(ConfigError, match="SILVER_GATEWAY_CLIENT_CERT"):
        load_settings({**base, "SILVER_GATEWAY_CLIENT_KEY": str(key)})


def test_login_limits_are_rates(tmp_path: Path) -> None:
    s = load_settings({"SILVER_VAR_DIR": str(tmp_path)})
    assert (s.login_limit_per_address, s.login_limit_per_username) == ("10/minute", "5/minute")
    s = load_settings(
        {"SILVER_VAR_DIR": str(tmp_path), "SILVER_LOGIN_LIMIT_PER_USERNAME": "3 per 10 minutes"}
    )
    assert s.login_limit_per_username == "3 per 10 minutes"
    for name in (
        "SILVER_LOGIN_LIMIT_PER_ADDRESS",
        "SILVER_LOGIN_LIMIT_PER_USERNAME",
        "SILVER_REFUSAL_LIMIT_PER_ADDRESS",
    ):
        with pytest.raises(ConfigError, match=name):
            load_settings({"SILVER_VAR_DIR": str(tmp_path), name: "lots"})
