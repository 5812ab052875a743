"""Matching and tracing in the graph: who else knows a case's subjects and assets, and where
ownership and control lead from them.

Two things meet at an `Identifier` node when they share a matching key (its blind index): a
case's subject and a reference entity, or the assets of two cases. A trace follows typed,
directed ownership and control relationships, down (what a node owns or controls) or up (who
owns or controls it), and crosses such an identifier in either direction, as one bounded
Cypher traversal: `ANY SHORTEST` paths over a quantified path pattern, so every node is
reached once, by a shortest path, and a cycle ends a path instead of looping.

What bounds it:
* depth: at most `depth` ownership/control steps (identifier crossings are free);
* expansion: a trace goes on from the start, from reference data, and from the nodes of cases
  the user's agency holds; a node of another agency's case is shown (as its case's number and
  agency) but never expanded;
* fan-out: a node with more relationships than `fanout` (a formation agent, a registered
  address) is reached and shown, but not expanded (the start excepted);
* result cap: at most `limit` nodes (the caller asks one more, to tell that it cut).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import neo4j

from silver.domain.ports import MatchRow, RefEntityRow, TraceRow

# The relationships a trace follows: ownership and control, from case holdings and relations
# and from reference data (Ownership, Control, Directorship), and a share's link to its issuer.
TRACE_TYPES = (
    "OWNS",
    "CONTROLS",
    "BENEFICIAL_OWNER_OF",
    "USES",
    "SHARE_OF",
    "SHAREHOLDER_OF",
    "DIRECTOR_OF",
)
# Each identifier can be shared by many (a common name with a birth year in a large dataset):
# a match lists at most this many holders per key.
MATCHES_PER_KEY = 50

MATCHES = """
MATCH (c:Case {id: $case_id})-[:HAS_SUBJECT|HAS_ASSET]->(n)-[:HAS_IDENTIFIER]->(i:Identifier)
CALL (n, i) {
    MATCH (i)<-[:HAS_IDENTIFIER]-(m)
    WHERE m <> n AND (m:Ref OR m.case_id <> $case_id)
    RETURN m LIMIT $per_key
}
OPTIONAL MATCH (o:Case {id: m.case_id}) WHERE o.purged_at IS NULL
WITH n, i, m, o WHERE m:Ref OR o IS NOT NULL
RETURN n.uid AS uid, i.kind AS kind,
       CASE WHEN m:Ref THEN m.dataset END AS dataset,
       CASE WHEN m:Ref THEN m.id END AS entity_id,
       CASE WHEN m:Ref THEN m.schema END AS schema,
       CASE WHEN m:Ref THEN m.caption END AS caption,
       o.number AS case_number, o.agency AS case_agency
"""

_STEP = {
    "down": "(type(r) = 'HAS_IDENTIFIER' OR startNode(r) = x)",
    "up": "(type(r) = 'HAS_IDENTIFIER' OR endNode(r) = x)",
}
_START = {"subject": "Subject", "asset": "Asset"}


def trace_query(direction: str, start: str, depth: int) -> str:
    """The traversal for `direction` from a case's subject or asset. Only fixed words from
    the two tables above and the bound (an int: a path of `depth` steps crosses at most as many
    identifiers) go into the text; every value is a parameter."""
    step, label = _STEP[direction], _START[start]
    longest = 2 * int(depth)
    types = "|".join((*TRACE_TYPES, "HAS_IDENTIFIER"))
    return f"""
MATCH (s:{label} {{uid: $start}})
MATCH path = ANY SHORTEST (s)((x)-[r:{types}]-(y)
    WHERE {step}
      AND (x = s OR x:Identifier OR x:Ref OR x.case_id = $case_id
           OR ($agency IS NOT NULL AND x.agency = $agency))
      AND (x = s OR x:Identifier OR COUNT {{ (x)--() }} <= $fanout)
      AND (NOT y:Identifier OR y.kind IN $linking)
      AND NOT y:RefPending
    ){{1,{longest}}}(t)
WHERE NOT t:Identifier
WITH t, path, [e IN relationships(path) WHERE type(e) <> 'HAS_IDENTIFIER'] AS typed
WHERE size(typed) <= $depth
RETURN [n IN nodes(path) | n {{
           .uid, .case_id, .dataset, .id, .schema, .caption, .countries, .jurisdictions,
           .kind, ref: n:Ref, subject: n:Subject, identifier: n:Identifier}}] AS nodes,
       [e IN relationships(path) | {{type: type(e), share: e.share}}] AS relations,
       size(typed) AS hops,
       COUNT {{ (t)--() }} AS degree
LIMIT $limit
"""


class TracingRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def matches(self, case_id: str) -> list[MatchRow]:
        rows = self._tx.run(MATCHES, case_id=case_id, per_key=MATCHES_PER_KEY)
        return [cast(MatchRow, dict(r)) for r in rows]

    def trace(
        self,
        *,
        case_id: str,
        start_uid: str,
        start_kind: str,
        direction: str,
        depth: int,
        agency: str | None,
        linking: Sequence[str],
        fanout: int,
        limit: int,
    ) -> list[TraceRow]:
        rows = self._tx.run(
            trace_query(direction, start_kind, depth),
            start=start_uid,
            case_id=case_id,
            agency=agency,
            depth=depth,
            linking=list(linking),
            fanout=fanout,
            limit=limit,
        )
        return [cast(TraceRow, dict(r)) for r in rows]

    def entity(self, dataset: str, entity_id: str) -> RefEntityRow | None:
        """A reference entity as published."""
        record = self._tx.run(
            "MATCH (n:Ref {dataset: $dataset, id: $id}) WHERE NOT n:RefPending "
            "RETURN n.id AS id, n.schema AS schema, n.caption AS caption, "
            "n.properties AS properties",
            dataset=dataset,
            id=entity_id,
        ).single()
        return cast(RefEntityRow, dict(record)) if record else None

    def cases(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """The number and agency of each (not purged) case id."""
        rows = self._tx.run(
            "MATCH (c:Case) WHERE c.id IN $ids AND c.purged_at IS NULL "
            "RETURN c.id AS id, c.number AS number, c.agency AS agency",
            ids=list(ids),
        )
        return {r["id"]: (r["number"], r["agency"]) for r in rows}
