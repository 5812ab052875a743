"""Matching and tracing in the graph: who else knows a case's subjects and assets, and where
ownership and control lead from them.

Two things meet at an `Identifier` node when they share a matching key (its blind index): a
case's subject and a reference entity, or the assets of two cases. A trace follows typed,
directed ownership and control relationships, down (what a node owns or controls) or up (who
owns or controls it), and crosses such an identifier at its two ends: from the start to its
twins (the reference entity or other case's node with the same key), and from the last node
reached to its twins (shown, not followed). It is one bounded Cypher traversal: `ANY SHORTEST`
paths over three juxtaposed quantified path patterns (crossing{0,1}, typed steps{0,depth},
crossing{0,1}), every step a directed pattern whose predicates Neo4j applies during the search,
so every node is reached once, by a shortest path, and a cycle ends a path instead of looping.

What bounds it:
* depth: at most `depth` ownership/control steps (the two identifier crossings are free);
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

_ARROW = {"down": ("-", "->"), "up": ("<-", "-")}
_START = {"subject": "Subject", "asset": "Asset"}
# Whom a trace goes on from: the start, reference data, the case's own nodes and (for a
# caseworker) the nodes of the agency's cases; the fan-out bound stops at a hub.
_EXPANDS = """({x} = s OR (({x}:Ref OR {x}.case_id = $case_id
                    OR ($agency IS NOT NULL AND {x}.agency = $agency))
                   AND COUNT {{ ({x})--() }} <= $fanout))"""


def trace_query(direction: str, start: str, depth: int) -> str:
    """The traversal for `direction` from a case's subject or asset. Only fixed words from
    the tables above and the bound (an int) go into the text; every value is a parameter.

    The path is: at most one identifier crossing from the start (to its twins in reference
    data or in other cases), then at most `depth` typed steps in the direction asked, then at
    most one identifier crossing to a node that is shown but not followed. Every step is a
    directed relationship pattern with predicates on one step's own nodes, so that Neo4j
    applies them while it searches (a predicate that compares `startNode(r)` with `x` is not
    inlined into the search and is checked only on the finished paths: the search then ran
    undirected up to twice the depth over the whole ownership graph)."""
    left, right = _ARROW[direction]
    label = _START[start]
    types = "|".join(TRACE_TYPES)

    def cross(x: str, i: str, y: str) -> str:
        return (
            f"(({x})-[:HAS_IDENTIFIER]->({i}:Identifier)<-[:HAS_IDENTIFIER]-({y})\n"
            f"    WHERE {i}.kind IN $linking AND NOT {y}:RefPending AND {_EXPANDS.format(x=x)})"
        )

    return f"""
MATCH (s:{label} {{uid: $start}})
MATCH path = ANY SHORTEST (s)
    {cross("a", "i", "b")}{{0,1}}
    ((x){left}[:{types}]{right}(y)
    WHERE NOT y:RefPending AND {_EXPANDS.format(x="x")}){{0,{int(depth)}}}
    {cross("c", "j", "d")}{{0,1}}
    (t)
WHERE t <> s
WITH t, path, [e IN relationships(path) WHERE type(e) <> 'HAS_IDENTIFIER'] AS typed
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
