"""Neo4j driver lifecycle: one driver per process, made by the app factory or the worker."""

from __future__ import annotations

from typing import Protocol

import neo4j


class DriverSettings(Protocol):
    """Where the graph is; the application's settings satisfy it."""

    @property
    def neo4j_uri(self) -> str: ...
    @property
    def neo4j_user(self) -> str: ...
    @property
    def neo4j_password(self) -> str: ...


def make_driver(settings: DriverSettings) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        connection_timeout=5.0,
        connection_acquisition_timeout=10.0,
        max_transaction_retry_time=10.0,
        notifications_min_severity="OFF",
    )


def ping(driver: neo4j.Driver, database: str | None) -> None:
    """Raises when Neo4j does not answer a trivial query."""
    driver.execute_query("RETURN 1", database_=database, routing_=neo4j.RoutingControl.READ)


def countries_seeded(driver: neo4j.Driver, database: str | None) -> bool:
    """Whether `graph init` ran: the Country nodes exist (every request that screens or
    disseminates needs them)."""
    records, _, _ = driver.execute_query(
        "MATCH (c:Country) RETURN c.code AS code LIMIT 1",
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    return bool(records)
