"""Wrapped data keys of cases, for rotation of the master key."""

from __future__ import annotations

from collections.abc import Iterator

import neo4j


class KeyringRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def wrapped_keys(self) -> Iterator[tuple[str, str]]:
        rows = list(
            self._tx.run(
                "MATCH (c:Case) WHERE c.wrapped_key IS NOT NULL "
                "RETURN c.id AS id, c.wrapped_key AS k"
            )
        )
        for row in rows:
            yield f"case:{row['id']}", row["k"]

    def store_wrapped(self, owner: str, wrapped: str) -> None:
        kind, _, ident = owner.partition(":")
        assert kind == "case"
        self._tx.run("MATCH (c:Case {id: $id}) SET c.wrapped_key = $k", id=ident, k=wrapped)
