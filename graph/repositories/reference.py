"""Reference data in Neo4j: ``:Ref`` nodes keyed by (dataset, id), typed links between them,
and the ``:Identifier`` nodes they share with the cases.

A batch is written with ``UNWIND`` and ``MERGE`` on keys that have uniqueness constraints
(graph/schema.py), so writing it again changes nothing: a re-run completes a crashed import.
A link may name an entity that comes later (or never): its end is then a ``:Ref:RefPending``
node with only its key, which the entity's own write fills in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import neo4j

from graph.repositories.values import native
from silver.domain.reference import (
    OTHER_LINK,
    PROPERTY_LINKS,
    RELATIONSHIP_TYPES,
    DatasetInfo,
    RefEntity,
    RefLink,
)

WRITE_ENTITIES = """
UNWIND $rows AS r
MERGE (n:Ref {dataset: $dataset, id: r.id})
SET n:$(r.schema), n.schema = r.schema, n.caption = r.caption, n.names = r.names,
    n.countries = r.countries, n.jurisdictions = r.jurisdictions, n.birth_dates = r.birth_dates,
    n.properties = r.properties
REMOVE n:RefPending
WITH n, r
UNWIND r.identifiers AS x
MERGE (i:Identifier {index: x.index}) ON CREATE SET i.kind = x.kind
MERGE (n)-[:HAS_IDENTIFIER]->(i)
"""

# Relationship types cannot be parameters where MERGE should use their key's index (a dynamic
# type scans every relationship), so there is one statement per type, from a fixed list.
_ENDS = """
UNWIND $rows AS r
MERGE (a:Ref {dataset: $dataset, id: r.source}) ON CREATE SET a:RefPending
MERGE (b:Ref {dataset: $dataset, id: r.target}) ON CREATE SET b:RefPending
"""
WRITE_LINKS = {
    kind: _ENDS
    + f"MERGE (a)-[x:{kind} {{dataset: $dataset, id: r.id}}]->(b)\n"
    + "SET x.schema = r.schema, x.share = r.share, x.role = r.role, "
    + "x.start_date = r.start_date, x.end_date = r.end_date, x.properties = r.properties"
    for kind in RELATIONSHIP_TYPES
}
WRITE_PROPERTY_LINKS = {
    kind: _ENDS + f"MERGE (a)-[:{kind} {{dataset: $dataset, via: r.via}}]->(b)"
    for kind in {OTHER_LINK, *(t for t, _ in PROPERTY_LINKS.values())}
}


def entity_rows(entities: Sequence[RefEntity]) -> list[dict[str, object]]:
    return [
        {
            "id": e.id,
            "schema": e.schema,
            "caption": e.caption,
            "names": list(e.names),
            "countries": list(e.countries),
            "jurisdictions": list(e.jurisdictions),
            "birth_dates": list(e.birth_dates),
            "properties": e.properties,
            "identifiers": [{"kind": i.kind, "index": i.blind_index} for i in e.identifiers],
        }
        for e in entities
    ]


def link_rows(links: Sequence[RefLink]) -> dict[tuple[str, bool], list[dict[str, object]]]:
    """Links grouped by (type, whether it is an interval entity)."""
    out: dict[tuple[str, bool], list[dict[str, object]]] = {}
    for link in links:
        row: dict[str, object]
        if link.id is None:
            row = {"source": link.source, "target": link.target, "via": link.via}
        else:
            row = {
                "source": link.source,
                "target": link.target,
                "id": link.id,
                "schema": link.schema,
                "share": link.share,
                "role": link.role,
                "start_date": link.start_date,
                "end_date": link.end_date,
                "properties": link.properties,
            }
        out.setdefault((link.type, link.id is not None), []).append(row)
    return out


class Neo4jReferenceRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def write(self, dataset: str, entities: Sequence[RefEntity], links: Sequence[RefLink]) -> None:
        # Entities first: the links of this batch then find their ends and make no placeholder.
        if entities:
            self._tx.run(WRITE_ENTITIES, dataset=dataset, rows=entity_rows(entities)).consume()
        for (kind, interval), rows in sorted(link_rows(links).items()):
            statement = (WRITE_LINKS if interval else WRITE_PROPERTY_LINKS)[kind]
            self._tx.run(statement, dataset=dataset, rows=rows).consume()

    def pending(self, dataset: str, limit: int) -> tuple[int, list[str]]:
        record = self._tx.run(
            """
            MATCH (n:RefPending) WHERE n.dataset = $dataset
            WITH n.id AS id ORDER BY id
            RETURN count(id) AS n, collect(id)[..$limit] AS ids
            """,
            dataset=dataset,
            limit=limit,
        ).single()
        assert record is not None
        return int(record["n"]), list(record["ids"])

    def record(self, dataset: str, at: datetime) -> DatasetInfo:
        # Each interval type's count comes from its key's index, the nodes' from theirs.
        links = " + ".join(
            f"COUNT {{ ()-[r:{kind}]->() WHERE r.dataset = $dataset AND r.id IS NOT NULL }}"
            for kind in RELATIONSHIP_TYPES
        )
        record = self._tx.run(
            f"""
            CALL () {{
              MATCH (n:Ref) WHERE n.dataset = $dataset AND n.id IS NOT NULL AND NOT n:RefPending
              RETURN count(n) AS nodes
            }}
            MERGE (d:Dataset {{name: $dataset}})
            SET d.entities = nodes + {links}, d.imported_at = $at
            RETURN d.name AS name, d.entities AS entities, d.imported_at AS imported_at
            """,
            dataset=dataset,
            at=at,
        ).single()
        assert record is not None
        return _info(record)

    def delete_some(self, dataset: str, limit: int) -> int:
        record = self._tx.run(
            """
            MATCH (n:Ref) WHERE n.dataset = $dataset AND n.id IS NOT NULL
            WITH n LIMIT $limit
            OPTIONAL MATCH (n)-[:HAS_IDENTIFIER]->(i:Identifier)
            WITH collect(DISTINCT n) AS nodes, collect(DISTINCT i) AS idents
            FOREACH (x IN nodes | DETACH DELETE x)
            WITH size(nodes) AS deleted, idents
            CALL (idents) {
              UNWIND idents AS i
              WITH i WHERE NOT (i)<-[:HAS_IDENTIFIER]-()
              DELETE i
            }
            RETURN deleted
            """,
            dataset=dataset,
            limit=limit,
        ).single()
        return int(record["deleted"]) if record else 0

    def forget(self, dataset: str) -> bool:
        record = self._tx.run(
            "MATCH (d:Dataset {name: $dataset}) DELETE d RETURN count(*) AS n", dataset=dataset
        ).single()
        return bool(record and record["n"])

    def datasets(self) -> list[DatasetInfo]:
        rows = self._tx.run(
            """
            MATCH (d:Dataset)
            RETURN d.name AS name, d.entities AS entities, d.imported_at AS imported_at
            ORDER BY d.name
            """
        )
        return [_info(r) for r in rows]


def _info(record: neo4j.Record) -> DatasetInfo:
    return DatasetInfo(
        name=record["name"],
        entities=int(record["entities"] or 0),
        imported_at=native(record["imported_at"]),
    )
