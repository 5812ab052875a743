"""Which data migrations have run: one `Migration` node each, keyed by its id."""

from __future__ import annotations

from datetime import datetime

import neo4j


class MigrationRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def done(self, migration_id: str) -> bool:
        record = self._tx.run(
            "MATCH (m:Migration {id: $id}) RETURN m.finished_at IS NOT NULL AS done",
            id=migration_id,
        ).single()
        return bool(record and record["done"])

    def record(self, migration_id: str, at: datetime, detail: str) -> None:
        self._tx.run(
            "MERGE (m:Migration {id: $id}) SET m.finished_at = $at, m.detail = $detail",
            id=migration_id,
            at=at,
            detail=detail,
        )
