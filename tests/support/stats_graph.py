"""The one writer of synthetic statistics graphs, for tests/integration/test_stats_api.py and
bench/stats.py.

Both write straight into Neo4j what the statistics read, shaped as docs/graph-model.md
describes the graph: cases with their decisions and assets, notices SENT_TO countries,
outcomes REPORTED by a country and CONCERNING an asset, and KEPT_OUT relationships. Their
generators differ (known answers for the tests, pilot scale for the bench); the property names
and the Cypher live here once, so the two cannot drift from each other or from the model.

Rows are collected in a `StatsGraph` (nothing personal: the sealed properties are never
written), then `write` sends one UNWIND per kind of node, in batches, then has the statistics'
sums take the new cases in, as a write transaction of the service would
(graph/repositories/stats_aggregates.py `refresh_cases`). Everything a data set wrote is found
again by its case id prefix, which `delete` takes out of the sums and removes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import neo4j

from graph.repositories.stats_aggregates import refresh_cases
from silver.domain.projection import ASSET_LABELS

Row = dict[str, Any]
BATCH = 5000
REFRESH_BATCH = 500

# In writing order: a decision, asset, notice or outcome needs its case, an outcome its asset.
WRITES = {
    "cases": "UNWIND $rows AS r CREATE (c:Case) SET c = r",
    "decisions": """
        UNWIND $rows AS r MATCH (c:Case {id: r.case_id})
        CREATE (c)-[:HAS_DECISION]->(d:Decision) SET d = r""",
    "assets": """
        UNWIND $rows AS r MATCH (c:Case {id: r.case_id})
        CREATE (c)-[:HAS_ASSET]->(a:Asset) SET a = r.props SET a:$(r.labels)""",
    "notices": """
        UNWIND $rows AS r MATCH (c:Case {id: r.case_id})
        CREATE (c)-[:DISSEMINATED_AS]->(n:Notice) SET n = r.props
        WITH n, r UNWIND r.countries AS code
        MATCH (k:Country {code: code}) CREATE (n)-[:SENT_TO]->(k)""",
    "outcomes": """
        UNWIND $rows AS r MATCH (c:Case {id: r.case_id})
        MATCH (k:Country {code: r.props.country})
        CREATE (c)-[:HAS_OUTCOME]->(o:Outcome)<-[:REPORTED]-(k) SET o = r.props
        WITH o, r MATCH (a:Asset {uid: r.asset_uid}) CREATE (o)-[:CONCERNS]->(a)""",
    "kept_out": """
        UNWIND $rows AS r MATCH (c:Case {id: r.case_id}), (k:Country {code: r.country})
        CREATE (c)-[:KEPT_OUT {rule: r.rule, risk: r.risk, at: r.at}]->(k)""",
}

# Deletes a batch of a data set's cases with everything hanging off them.
# Deleting an approved case gives its quota slot back, so a benchmark leaves the quota of the
# database it ran against as it found it.
BATCH_OF = "MATCH (c:Case) WHERE c.id STARTS WITH $prefix RETURN c.id AS id LIMIT $limit"
DELETE = """
MATCH (c:Case) WHERE c.id IN $ids
OPTIONAL MATCH (c)-[:HAS_DECISION|HAS_ASSET|DISSEMINATED_AS|HAS_OUTCOME]->(n)
WITH c, collect(n) AS nodes, c.approved_at IS NOT NULL AS approved
FOREACH (n IN nodes | DETACH DELETE n)
DETACH DELETE c
WITH count(*) AS n, sum(CASE WHEN approved THEN 1 ELSE 0 END) AS freed
OPTIONAL MATCH (q:QuotaCounter {id: 'pilot'})
FOREACH (_ IN CASE WHEN q IS NULL OR freed = 0 THEN [] ELSE [1] END |
    SET q.used = q.used - freed)
RETURN n
"""

RECIPIENTS = """
MATCH (k:Country) WHERE k.participant = true AND k.code <> 'NL'
RETURN k.code AS code ORDER BY code
"""


@dataclass
class StatsGraph:
    """The rows of a data set, by kind of node, ready for `write`."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {kind: [] for kind in WRITES})

    def case(
        self,
        case_id: str,
        *,
        agency: str,
        status: str,
        crime_types: Sequence[str],
        created_at: datetime,
        **more: Any,
    ) -> Row:
        """A case node's row; `more` sets or overrides properties (the lifecycle's timestamps:
        `submitted_at`, `approved_at`, ...). The row is returned so that a generator can move
        the case on before it is written."""
        row: Row = {
            "id": case_id,
            "number": f"{case_id}-N",
            "agency": agency,
            "status": status,
            "version": 1,
            "urgency": "normal",
            "crime_types": list(crime_types),
            "requested_instrument": "notice",
            "max_penalty_years": 8,
            "target_countries": [],
            "subject_count": 0,
            "asset_count": 0,
            "created_at": created_at,
            "updated_at": created_at,
            **more,
        }
        self.rows["cases"].append(row)
        return row

    def decision(
        self,
        case_id: str,
        decision_id: str,
        decision: str,
        stage: str,
        at: datetime,
        reason_codes: Sequence[str],
        by: str,
    ) -> None:
        self.rows["decisions"].append(
            {
                "id": decision_id,
                "case_id": case_id,
                "decision": decision,
                "stage": stage,
                "instrument": "notice",
                "countries": [],
                "reason_codes": list(reason_codes),
                "acknowledged_rules": [],
                "by": by,
                "at": at,
                "case_version": 1,
            }
        )

    def asset(
        self, case_id: str, uid: str, kind: str, amount: str | None, currency: str | None
    ) -> None:
        self.rows["assets"].append(
            {
                "case_id": case_id,
                "labels": ["Asset", ASSET_LABELS[kind]],
                "props": {
                    "uid": uid,
                    "case_id": case_id,
                    "type": kind,
                    "value_amount": amount,
                    "value_currency": currency,
                },
            }
        )

    def notice(
        self,
        case_id: str,
        notice_id: str,
        *,
        instrument: str,
        recipient: str,
        countries: Sequence[str],
        status: str,
        queued_at: datetime | None,
        sent_at: datetime | None,
        due_by: datetime | None,
        overdue: bool,
    ) -> None:
        """A Notice SENT_TO each of `countries` (every participant for a notice through the
        General Secretariat, one country for a diffusion)."""
        self.rows["notices"].append(
            {
                "case_id": case_id,
                "countries": list(countries),
                "props": {
                    "id": notice_id,
                    "case_id": case_id,
                    "recipient": recipient,
                    "instrument": instrument,
                    "status": status,
                    "attempts": 1,
                    "message_id": notice_id,
                    "queued_at": queued_at,
                    "sent_at": sent_at,
                    "due_by": due_by,
                    "overdue": overdue,
                    "categories": [],
                },
            }
        )

    def outcome(
        self,
        case_id: str,
        outcome_id: str,
        *,
        country: str,
        result: str,
        asset_uid: str | None,
        amount: str | None,
        currency: str | None,
        reported_on: date,
        recorded_at: datetime,
        by: str,
    ) -> None:
        """An outcome REPORTED by `country`, CONCERNING the asset `asset_uid` when there is one."""
        self.rows["outcomes"].append(
            {
                "case_id": case_id,
                "asset_uid": asset_uid,
                "props": {
                    "id": outcome_id,
                    "case_id": case_id,
                    "country": country,
                    "result": result,
                    "asset_uid": asset_uid,
                    "value_amount": amount,
                    "value_currency": currency,
                    "reported_on": reported_on,
                    "recorded_at": recorded_at,
                    "recorded_by": by,
                },
            }
        )

    def kept_out(
        self, case_id: str, country: str, rule: str, at: datetime | None, risk: str = "high"
    ) -> None:
        self.rows["kept_out"].append(
            {"case_id": case_id, "country": country, "rule": rule, "risk": risk, "at": at}
        )


def batches(rows: list[Row], size: int = BATCH) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


TAKE_QUOTA = """
MERGE (q:QuotaCounter {id: 'pilot'}) ON CREATE SET q.used = 0
SET q.used = q.used + $n
"""


def write(
    driver: neo4j.Driver,
    database: str | None,
    graph: StatsGraph,
    *,
    on_written: Callable[[str, int], None] | None = None,
) -> None:
    """Every row of the data set, one UNWIND per kind of node and batch of `BATCH` rows.
    `on_written(kind, rows)` is told when a kind is done."""
    for kind, statement in WRITES.items():
        for batch in batches(graph.rows[kind]):
            driver.execute_query(statement, rows=batch, database_=database)
        if on_written is not None:
            on_written(kind, len(graph.rows[kind]))
    # Each approval takes a quota slot, as a screener's approval does (the counter is the one
    # record of the quota used).
    approved = sum(1 for case in graph.rows["cases"] if case.get("approved_at") is not None)
    driver.execute_query(TAKE_QUOTA, n=approved, database_=database)
    ids = [case["id"] for case in graph.rows["cases"]]
    with driver.session(database=database) as session:
        for start in range(0, len(ids), REFRESH_BATCH):
            batch = ids[start : start + REFRESH_BATCH]
            session.execute_write(lambda tx, batch=batch: refresh_cases(tx, batch))
    if on_written is not None:
        on_written("statistics' sums of cases", len(ids))


def delete(driver: neo4j.Driver, database: str | None, prefix: str, limit: int = 200) -> None:
    """Every case whose id starts with `prefix`, with its nodes, `limit` cases per transaction,
    taken out of the statistics' sums first."""

    def delete_batch(tx: neo4j.ManagedTransaction) -> int:
        ids = [r["id"] for r in tx.run(BATCH_OF, prefix=prefix, limit=limit)]
        if ids:
            refresh_cases(tx, ids, forget=True)
            tx.run(DELETE, ids=ids).consume()
        return len(ids)

    with driver.session(database=database) as session:
        while session.execute_write(delete_batch):
            pass


def recipients(driver: neo4j.Driver, database: str | None) -> list[str]:
    """The participating countries in the graph but the Netherlands: who can receive a case."""
    records, _, _ = driver.execute_query(
        RECIPIENTS, database_=database, routing_=neo4j.RoutingControl.READ
    )
    return [r["code"] for r in records]
