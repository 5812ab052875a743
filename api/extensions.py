"""The per-process services the API uses, kept in app.extensions['silver']."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import neo4j
import redis
from flask import current_app

from graph.uow import Neo4jUnitOfWork
from silver.infra.config import Settings
from silver.infra.keys import KeyMaterial, load_keys


@dataclass
class Services:
    settings: Settings
    driver: neo4j.Driver
    redis: redis.Redis
    _keys: KeyMaterial | None = field(default=None, repr=False)

    def uow(self) -> Neo4jUnitOfWork:
        return Neo4jUnitOfWork(self.driver, self.settings.neo4j_database)

    @property
    def keys(self) -> KeyMaterial:
        if self._keys is None:
            self._keys = load_keys(self.settings)
        return self._keys

    def close(self) -> None:
        self.driver.close()
        self.redis.close()


def services() -> Services:
    svc: Any = current_app.extensions["silver"]
    return svc
