"""The composition root: the one place that builds the real dependencies and wires them.

`bootstrap()` reads the settings once, makes the Neo4j driver (one per process: a driver
cannot cross a fork, so the worker's work horse calls it again), the Redis connection, the key
material (lazily: commands that never touch a case need no keys), the unit-of-work factory and
the queue, and hands back a `Silver` whose `services` the entrypoints (`api/`, `web/`,
`worker/`) call. Unit tests build `silver.services.facade.Services` with a fake unit of work
instead; nothing else changes.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import neo4j
import redis

from graph.driver import countries_seeded, make_driver, ping
from graph.repositories.audit import HeadHint
from graph.repositories.stats import read_stats
from graph.repositories.users import read_user_for_token
from graph.schema import init_schema
from graph.uow import Neo4jReadUnitOfWork, Neo4jUnitOfWork
from silver.domain.audit import AuditChain
from silver.infra import queue
from silver.infra.audit_head import HeadFile
from silver.infra.config import Settings, load_settings
from silver.infra.keys import KeyMaterial, audit_key, load_keys
from silver.infra.login_throttle import RedisLoginThrottle
from silver.infra.transport import GatewayTLS, Transport, make_transport
from silver.services import migrations
from silver.services.audit_batch import GroupAppender
from silver.services.facade import Context, Services

log = logging.getLogger(__name__)


@dataclass
class Silver:
    """A running Silver's dependencies, built once per process."""

    settings: Settings
    driver: neo4j.Driver
    redis: redis.Redis
    services: Services = field(init=False)
    _keys: KeyMaterial | None = field(default=None, repr=False)
    _keys_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _audit_chain: AuditChain | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.services = Services(
            Context(
                settings=self.settings,
                uow=self.uow,
                keys=self._load_keys,
                enqueue_notices=queue.enqueue_after_commit(self.redis, self.settings),
                transport=self.transport,
                stats_reader=functools.partial(
                    read_stats, self.driver, self.settings.neo4j_database
                ),
                audit_chain=self.audit_chain,
                audit_witness=self.audit_witness,
                login_throttle=RedisLoginThrottle(self.redis),
                token_reader=functools.partial(
                    read_user_for_token, self.driver, self.settings.neo4j_database
                ),
                record_read=GroupAppender(self.uow).append,
                read_uow=self.read_uow,
            )
        )

    def uow(self) -> Neo4jUnitOfWork:
        return Neo4jUnitOfWork(
            self.driver,
            self.settings.neo4j_database,
            self.audit_chain,
            self.audit_witness,
            self.audit_head_hint,
        )

    def read_uow(self) -> Neo4jReadUnitOfWork:
        """A unit of work for reads that write nothing (graph/uow.py)."""
        return Neo4jReadUnitOfWork(
            self.driver, self.settings.neo4j_database, self.audit_chain, None, None
        )

    @functools.cached_property
    def audit_head_hint(self) -> HeadHint:
        """Where this process last moved the audit chain's head (graph/repositories/audit.py)."""
        return HeadHint()

    @functools.cached_property
    def audit_witness(self) -> HeadFile:
        return HeadFile(self.settings.audit_dir / "head")

    def audit_chain(self) -> AuditChain:
        """The chain keyed with the audit key, loaded on first use (reads of the graph need
        no key)."""
        with self._keys_lock:
            if self._audit_chain is None:
                self._audit_chain = AuditChain(audit_key(self.settings))
            return self._audit_chain

    @property
    def keys(self) -> KeyMaterial:
        return self._load_keys()

    def _load_keys(self) -> KeyMaterial:
        with self._keys_lock:
            if self._keys is None:
                self._keys = load_keys(self.settings)
            return self._keys

    def transport(self) -> Transport:
        s = self.settings
        return make_transport(
            s.transport,
            s.outbox_dir,
            s.gateway_url,
            timeout=s.gateway_timeout_seconds,
            tls=GatewayTLS(s.gateway_client_cert, s.gateway_client_key, s.gateway_ca),
        )

    def init_graph(self) -> tuple[int, int]:
        """Constraints, indexes and the country seed (idempotent): (statements, seeded).
        Also seals any screening result an older version left in the clear, and runs the data
        migrations not yet run (silver/services/migrations.py)."""
        statements = init_schema(self.driver, self.settings.neo4j_database)
        seeded = self.services.countries.seed()
        sealed = self.services.cases.seal_clear_screenings()
        if sealed:
            log.info("sealed %d screening results stored in the clear", sealed)
        for ran in migrations.run_pending(self.uow, self._load_keys()):
            log.info("migration %s", ran)
        return statements, seeded

    def health(self) -> dict[str, str]:
        """'ok' or 'down' for each dependency."""
        result = {"neo4j": "ok", "redis": "ok"}
        try:
            ping(self.driver, self.settings.neo4j_database)
        except Exception:
            result["neo4j"] = "down"
        try:
            self.redis.ping()
        except Exception:
            result["redis"] = "down"
        return result

    def readiness(self) -> dict[str, str]:
        """'ok' for each thing a request needs: Neo4j and Redis answer, and the graph is
        initialised (`graph init` seeded the countries); else what is wrong."""
        result = self.health()
        result["graph"] = "unknown"
        if result["neo4j"] == "ok":
            try:
                seeded = countries_seeded(self.driver, self.settings.neo4j_database)
                result["graph"] = "ok" if seeded else "not initialised"
            except Exception:
                result["graph"] = "unknown"
        return result

    def queue_stats(self) -> dict[str, int]:
        """Jobs of the queue by state; raises redis.RedisError when Redis is down."""
        return queue.job_counts(self.redis, self.settings)

    def close(self) -> None:
        self.driver.close()
        self.redis.close()


def bootstrap(config: Settings | Mapping[str, str] | None = None) -> Silver:
    settings = config if isinstance(config, Settings) else load_settings(config)
    return Silver(
        settings=settings,
        driver=make_driver(settings),
        redis=redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=1),
    )


_drivers: dict[tuple[int, str], neo4j.Driver] = {}
_redis: dict[tuple[int, str], redis.Redis] = {}


def for_job() -> Silver:
    """A Silver for one background job: the settings read afresh from the environment, the
    driver and the Redis connection kept per process and server (a job runs in a forked work
    horse, which must not use its parent's connections; a long-lived horse or an in-process
    worker connects once)."""
    settings = load_settings()
    key = (os.getpid(), settings.neo4j_uri)
    if key not in _drivers:
        _drivers[key] = make_driver(settings)
    rkey = (os.getpid(), settings.redis_url)
    if rkey not in _redis:
        _redis[rkey] = redis.Redis.from_url(settings.redis_url)
    return Silver(settings=settings, driver=_drivers[key], redis=_redis[rkey])


def silver_of(app: Any) -> Silver:
    """The Silver an application (Flask's `app.extensions`) carries."""
    found: Silver = app.extensions["silver"]
    return found
