"""Configuration, parsed once from the environment (12-factor) into typed settings.

Every variable is listed with its default and meaning in `.env.example`. A malformed value
raises ConfigError naming the variable, so the process fails at start-up, not at first use.

`SILVER_ENV=production` turns the development conveniences off: every key must come from the
environment (a missing one stops the process, naming it) instead of being generated into
var/keys/.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

from limits import parse_many

from silver.domain.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCAL_NEO4J_PORT_DEFAULT = 7687
LOCAL_REDIS_PORT_DEFAULT = 6479
ENVIRONMENTS = ("development", "production")
# The keys production takes from the environment only (development generates them in var/keys).
PRODUCTION_KEYS = (
    "SILVER_MASTER_KEY",
    "SILVER_INDEX_KEY",
    "SILVER_SIGNING_KEY",
    "SILVER_SECRET_KEY",
    "SILVER_AUDIT_KEY",
)


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    env: str
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str = field(repr=False)
    neo4j_database: str | None
    neo4j_is_local: bool
    redis_url: str = field(repr=False)
    redis_is_local: bool
    master_key: str | None = field(repr=False)
    index_key: str | None = field(repr=False)
    signing_key: str | None = field(repr=False)
    transport: str
    gateway_url: str | None
    quota: int
    pilot_end: date
    penalty_threshold_years: float
    suppress_below: int
    port: int
    token_ttl_seconds: int
    lockout_threshold: int
    lockout_seconds: int
    retry_intervals: tuple[int, ...] = (10, 30, 120, 600, 1800)
    gateway_timeout_seconds: float = 10.0
    response_days_other: int = 30
    message_ttl_days: int = 365
    retention_days: int = 5 * 365
    queue_name: str = "silver"
    max_body_bytes: int = 1024 * 1024
    secret_key: str | None = field(default=None, repr=False)
    audit_key: str | None = field(default=None, repr=False)
    cookie_secure: str = "auto"
    gateway_client_cert: Path | None = None
    gateway_client_key: Path | None = None
    gateway_ca: Path | None = None
    login_limit_per_address: str = "10/minute"
    login_limit_per_username: str = "5/minute"
    refusal_limit_per_address: str = "60/minute"
    proxy_hops: int = 0
    signing_keys_old: str | None = None
    metrics_token: str | None = field(default=None, repr=False)
    due_soon_days: int = 7
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def keys_dir(self) -> Path:
        return self.var_dir / "keys"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def audit_dir(self) -> Path:
        return self.var_dir / "audit"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _date(env: Mapping[str, str], name: str, default: date) -> date:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a date as YYYY-MM-DD, got {raw!r}") from None


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip()
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _intervals(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError:
        raise ConfigError(
            f"{name} must be seconds separated by commas (e.g. 10,30,120), got {raw!r}"
        ) from None
    if any(v < 0 for v in values):
        raise ConfigError(f"{name} must not hold negative seconds, got {raw!r}")
    return values


def _queue_name(env: Mapping[str, str]) -> str:
    value = (env.get("SILVER_QUEUE") or "silver").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", value):
        raise ConfigError(f"SILVER_QUEUE must be a plain queue name, got {value!r}")
    return value


def _metrics_token(env: Mapping[str, str]) -> str | None:
    value = _opt(env, "SILVER_METRICS_TOKEN")
    if value is not None and len(value.strip()) < 32:
        raise ConfigError("SILVER_METRICS_TOKEN must be at least 32 characters (a random token)")
    return value.strip() if value else None


def _opt(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value and value.strip() else None


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    try:
        parsed = parse_many(value)
    except ValueError:
        parsed = []
    if not parsed:
        raise ConfigError(
            f"{name} must be a rate such as 10/minute or '5 per 15 minutes', got {value!r}"
        )
    return value


def _file(env: Mapping[str, str], name: str) -> Path | None:
    value = _opt(env, name)
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(f"{name} must name a readable file, got {value!r}")
    return path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _gateway_url(env: Mapping[str, str]) -> str | None:
    """https:// only: the messages hold personal data. Plain http:// is allowed to a loopback
    address (a local test gateway, or a TLS-terminating sidecar on the same host)."""
    url = _opt(env, "SILVER_GATEWAY_URL")
    if url is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return url.strip()
    raise ConfigError(
        "SILVER_GATEWAY_URL must be an https:// URL (http:// only to 127.0.0.1 or localhost), "
        f"got {url!r}"
    )


def _local_redis_url(env: Mapping[str, str], var_dir: Path) -> str:
    """The local Redis of ops/services.sh, with the password it generated into var/keys."""
    port = _int(env, "SILVER_LOCAL_REDIS_PORT", LOCAL_REDIS_PORT_DEFAULT, 1)
    pw_file = var_dir / "keys" / "redis_password"
    password = pw_file.read_text().strip() if pw_file.exists() else ""
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}127.0.0.1:{port}/0"


def _production_keys(env: Mapping[str, str]) -> None:
    missing = [name for name in PRODUCTION_KEYS if _opt(env, name) is None]
    if missing:
        raise ConfigError(
            "SILVER_ENV is production, so the keys must come from the environment: set "
            + ", ".join(missing)
            + " (development keys are never generated in production)"
        )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    var_dir = Path(env.get("SILVER_VAR_DIR") or PROJECT_ROOT / "var").resolve()
    environment = _choice(env, "SILVER_ENV", "development", ENVIRONMENTS)
    if environment == "production":
        _production_keys(env)

    neo4j_uri = _opt(env, "NEO4J_URI")
    neo4j_is_local = neo4j_uri is None
    if neo4j_uri is None:
        port = _int(env, "SILVER_LOCAL_NEO4J_PORT", LOCAL_NEO4J_PORT_DEFAULT, 1)
        neo4j_uri = f"bolt://127.0.0.1:{port}"
    if not neo4j_uri.startswith(
        ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
    ):
        raise ConfigError(f"NEO4J_URI must be a bolt:// or neo4j:// URI, got {neo4j_uri!r}")
    neo4j_password = _opt(env, "NEO4J_PASSWORD")
    if neo4j_password is None and neo4j_is_local:
        pw_file = var_dir / "keys" / "neo4j_password"
        neo4j_password = pw_file.read_text().strip() if pw_file.exists() else ""
    if neo4j_password is None:
        raise ConfigError("NEO4J_PASSWORD must be set when NEO4J_URI is set")

    redis_url = _opt(env, "REDIS_URL")
    redis_is_local = redis_url is None
    if redis_url is None:
        redis_url = _local_redis_url(env, var_dir)
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"REDIS_URL must be a redis://, rediss:// or unix:// URL, got {redis_url!r}"
        )

    transport = _choice(env, "SILVER_TRANSPORT", "outbox", ("outbox", "http"))
    gateway_url = _gateway_url(env)
    if transport == "http" and gateway_url is None:
        raise ConfigError("SILVER_GATEWAY_URL must be set when SILVER_TRANSPORT is http")
    client_cert = _file(env, "SILVER_GATEWAY_CLIENT_CERT")
    client_key = _file(env, "SILVER_GATEWAY_CLIENT_KEY")
    if client_key is not None and client_cert is None:
        raise ConfigError(
            "SILVER_GATEWAY_CLIENT_KEY is set without SILVER_GATEWAY_CLIENT_CERT: "
            "set the certificate too"
        )

    return Settings(
        var_dir=var_dir,
        env=environment,
        neo4j_uri=neo4j_uri,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=neo4j_password,
        neo4j_database=_opt(env, "NEO4J_DATABASE"),
        neo4j_is_local=neo4j_is_local,
        redis_url=redis_url,
        redis_is_local=redis_is_local,
        master_key=_opt(env, "SILVER_MASTER_KEY"),
        index_key=_opt(env, "SILVER_INDEX_KEY"),
        signing_key=_opt(env, "SILVER_SIGNING_KEY"),
        transport=transport,
        gateway_url=gateway_url,
        quota=_int(env, "SILVER_QUOTA", 9),
        pilot_end=_date(env, "SILVER_PILOT_END", date(2026, 12, 31)),
        penalty_threshold_years=_float(env, "SILVER_PENALTY_THRESHOLD_YEARS", 4.0),
        suppress_below=_int(env, "SILVER_SUPPRESS_BELOW", 5, 1),
        port=_int(env, "PORT", 8000, 1),
        token_ttl_seconds=_int(env, "SILVER_TOKEN_TTL_SECONDS", 8 * 3600, 60),
        lockout_threshold=_int(env, "SILVER_LOCKOUT_THRESHOLD", 5, 1),
        lockout_seconds=_int(env, "SILVER_LOCKOUT_SECONDS", 15 * 60, 1),
        retry_intervals=_intervals(env, "SILVER_RETRY_INTERVALS", (10, 30, 120, 600, 1800)),
        gateway_timeout_seconds=_float(env, "SILVER_GATEWAY_TIMEOUT_SECONDS", 10.0),
        response_days_other=_int(env, "SILVER_RESPONSE_DAYS_OTHER", 30, 1),
        message_ttl_days=_int(env, "SILVER_MESSAGE_TTL_DAYS", 365, 1),
        retention_days=_int(env, "SILVER_RETENTION_DAYS", 5 * 365, 0),
        queue_name=_queue_name(env),
        secret_key=_opt(env, "SILVER_SECRET_KEY"),
        audit_key=_opt(env, "SILVER_AUDIT_KEY"),
        cookie_secure=_choice(env, "SILVER_COOKIE_SECURE", "auto", ("auto", "true", "false")),
        gateway_client_cert=client_cert,
        gateway_client_key=client_key,
        gateway_ca=_file(env, "SILVER_GATEWAY_CA"),
        login_limit_per_address=_rate(env, "SILVER_LOGIN_LIMIT_PER_ADDRESS", "10/minute"),
        login_limit_per_username=_rate(env, "SILVER_LOGIN_LIMIT_PER_USERNAME", "5/minute"),
        refusal_limit_per_address=_rate(env, "SILVER_REFUSAL_LIMIT_PER_ADDRESS", "60/minute"),
        proxy_hops=_int(env, "SILVER_PROXY_HOPS", 0),
        signing_keys_old=_opt(env, "SILVER_SIGNING_KEYS_OLD"),
        metrics_token=_metrics_token(env),
        due_soon_days=_int(env, "SILVER_DUE_SOON_DAYS", 7, 1),
    )
