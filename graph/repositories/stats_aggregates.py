"""The statistics' sums, kept current by the transactions that change cases.

A case's contribution (its rows of every statistics pass, silver/domain/stats/aggregates.py) is
stored on the case (`stats`, JSON of figures only) and summed into three buckets: its creation
day's, month's and year's, each one of SHARDS by a hash of the case id, and each a
`StatsBucket` node per part of the statistics (`aggregates.PARTS`: a write rewrites only the
sums of the parts it changed; an intake never touches the outcomes' or the answers' sums).
The unit of work (graph/uow.py) collects the ids of the cases a transaction changed (the
repositories mark them) and, as the last statements before the audit chain's and the commit,
`refresh_cases`:

1. locks those cases (ordered by id), then reads their stored contribution and computes the
   new one with the very queries of the full recount, restricted to the case
   (`graph.repositories.stats.CONTRIBUTIONS`): no global lock is held while computing;
2. locks the buckets of the parts that changed (ordered by key) and reads their sums;
3. writes the new sums and the cases' new contributions.

The case lock makes the contributions exact under concurrency: a transaction that changed a
case recomputes it only once every earlier writer of that case has committed, and reads what
they committed (Neo4j reads committed data), so the contribution it takes out of the buckets
is the one they hold. Every writer takes case locks, then bucket locks, then the
audit head, each in one order: they cannot deadlock on one another.

Reading (`graph.repositories.stats.read_aggregated`) sums the buckets that cover the
period's days: a few dozen at most instead of every case and outcome of the period. Until the
sums have been built from the graph once (`flask --app wsgi stats rebuild`, or the
`stats-aggregates-1` migration of `graph init`), `StatsState.ready` is false and the
statistics are counted from the graph instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import neo4j

from graph.repositories.stats import CONTRIBUTIONS
from silver.domain.stats import aggregates
from silver.domain.stats.aggregates import Figures

Tx = neo4j.Transaction | neo4j.ManagedTransaction

LOCK_BUCKETS = """
UNWIND $buckets AS r
MERGE (b:StatsBucket {key: r.key})
  ON CREATE SET b.level = r.level, b.first = r.first, b.shard = r.shard,
                b.part = r.part, b.rows = '{}'
SET b._lock = true REMOVE b._lock
RETURN b.key AS key, b.rows AS rows
"""

WRITE = """
CALL () {
  UNWIND $buckets AS r
  MATCH (b:StatsBucket {key: r.key})
  SET b.rows = r.rows, b.token = randomUUID()
}
CALL () {
  UNWIND $cases AS r
  MATCH (c:Case {id: r.id})
  SET c.stats = r.stats
}
"""


def refresh_cases(tx: Tx, case_ids: Iterable[str], forget: bool = False) -> int:
    """Recompute the contribution of each case of `case_ids` and move its buckets by the
    change (the old contribution out, the new one in); with `forget`, take the cases out of the
    sums (before they are deleted).
    Returns how many buckets changed."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    changes: dict[tuple[str, str, date, int, str], tuple[Figures, Figures]] = {}
    cases: list[dict[str, Any]] = []
    for record in tx.run(CONTRIBUTIONS, ids=ids):
        old = aggregates.loads(record["old"])
        created_at = record["created_at"]
        if created_at is None:
            continue  # no such case (or no creation time: no period counts it either)
        new: Figures = {}
        if not forget:
            new = aggregates.contribution(
                record["case_figures"],
                record["assets"],
                record["outcomes"],
                _native(record["answers"]),
            )
        if new == old:
            continue
        cases.append({"id": record["id"], "stats": aggregates.dumps(new) if new else None})
        old_parts, new_parts = aggregates.by_part(old), aggregates.by_part(new)
        for part in sorted(old_parts.keys() | new_parts.keys()):
            before, after = old_parts.get(part, {}), new_parts.get(part, {})
            if before == after:
                continue
            for name, level, first, shard in aggregates.bucket_keys(
                record["id"], created_at.to_native()
            ):
                bucket = (f"{name}:{part}", level, first, shard, part)
                minus, plus = changes.setdefault(bucket, ({}, {}))
                aggregates.add(minus, before)
                aggregates.add(plus, after)
    buckets = sorted(changes)
    rows: list[dict[str, Any]] = []
    if buckets:
        locked = tx.run(
            LOCK_BUCKETS,
            buckets=[
                {"key": key, "level": level, "first": first, "shard": shard, "part": part}
                for key, level, first, shard, part in buckets
            ],
        )
        current = {r["key"]: r["rows"] for r in locked}
        for bucket in buckets:
            # The old contributions out, then the new ones in (not their difference: the due
            # moments of pending answers are multisets, which have no negative elements).
            minus, plus = changes[bucket]
            sums = aggregates.loads(current.get(bucket[0]))
            aggregates.add(aggregates.add(sums, minus, -1), plus)
            rows.append({"key": bucket[0], "rows": aggregates.dumps(sums)})
    if rows or cases:
        tx.run(WRITE, buckets=rows, cases=cases).consume()
    return len(rows)


def _native(pairs: Sequence[Sequence[Any]] | None) -> list[list[Any]] | None:
    """The driver's DateTime values as Python datetimes."""
    if pairs is None:
        return None
    return [[v.to_native() if hasattr(v, "to_native") else v for v in pair] for pair in pairs]


class StatsAggregateRepository:
    """The sums' upkeep within a unit of work: `refresh` marks cases whose contribution the
    unit of work recomputes right before its commit."""

    def __init__(self, tx: neo4j.Transaction, dirty: set[str]) -> None:
        self._tx = tx
        self._dirty = dirty

    def refresh(self, case_ids: Sequence[str]) -> None:
        self._dirty.update(case_ids)

    def reset(self) -> None:
        """Drop every sum and every stored contribution, and mark the sums not ready (the
        statistics are counted from the graph until `set_ready`)."""
        self._tx.run(
            """
            MERGE (s:StatsState {id: 'pilot'}) SET s.ready = false
            WITH s
            CALL () { MATCH (b:StatsBucket) DETACH DELETE b }
            CALL () { MATCH (c:Case) WHERE c.stats IS NOT NULL REMOVE c.stats }
            """
        ).consume()

    def set_ready(self, at: datetime) -> None:
        self._tx.run(
            "MERGE (s:StatsState {id: 'pilot'}) SET s.ready = true, s.rebuilt_at = $at", at=at
        ).consume()

    def case_ids_after(self, after: str, limit: int) -> list[str]:
        """Every case id (purged ones too: their figures stay) in order, after `after`."""
        rows = self._tx.run(
            "MATCH (c:Case) WHERE c.id > $after RETURN c.id AS id ORDER BY id LIMIT $limit",
            after=after,
            limit=limit,
        )
        return [str(r["id"]) for r in rows]
