"""Cases in Neo4j: the case node (its content sealed), and its projection as a graph."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import neo4j

from graph.repositories.quota import QUOTA_USED, TAKE_SLOT
from graph.repositories.stats import STATS_CASE_FIELDS
from graph.repositories.values import plain
from silver.domain.cases import CASE_NUMBER_DIGITS, case_number, case_number_prefix
from silver.domain.ports import (
    CaseChanges,
    CaseGraphRows,
    CaseRow,
    DecisionRow,
    KeptOutRow,
    LinkRow,
    NewCaseRow,
    PersonHitRow,
    PurgeRow,
    QueueRow,
)
from silver.domain.projection import Projection

# Deletes the subjects and assets of the case `c` and keeps `c` and the identifiers they had
# (`idents`), so the caller can drop those nothing else points at any more.
DROP_SUBJECTS_AND_ASSETS = """
            OPTIONAL MATCH (c)-[:HAS_SUBJECT|HAS_ASSET]->(n)
            OPTIONAL MATCH (n)-[:HAS_IDENTIFIER]->(i:Identifier)
            WITH c, collect(DISTINCT n) AS nodes, collect(DISTINCT i) AS idents
            FOREACH (n IN nodes | DETACH DELETE n)
            WITH c, idents
"""


# Writes the projection of the case `c` (nodes it does not have yet) from the parameters of
# `_projection_params`: one statement, each part a unit subquery, every lookup an index seek on
# a constrained key (Subject.uid, Asset.uid, Identifier.index, Country.code).
#
# Concurrent intakes share the Country nodes (and Identifier nodes, when cases link): a
# relationship to them is CREATEd, never MERGEd (a MERGE locks both ends exclusively, and two
# transactions that each created a relationship to a country already would deadlock on
# upgrading their locks), and the relationships to countries are made in one pass ordered by
# country code, so two transactions take those locks in the same order.
WRITE_PROJECTION = """
            CALL (c) {
              UNWIND $subjects AS s
              CREATE (n:Subject {uid: s.uid, case_id: c.id, kind: s.kind, role: s.role,
                                 agency: s.agency})
              SET n:$(s.labels)
              CREATE (c)-[:HAS_SUBJECT]->(n)
            }
            CALL (c) {
              UNWIND $assets AS a
              CREATE (n:Asset {uid: a.uid, case_id: c.id, type: a.type, agency: a.agency,
                               value_amount: a.value_amount, value_currency: a.value_currency})
              SET n:$(a.labels)
              CREATE (c)-[:HAS_ASSET]->(n)
            }
            CALL {
              UNWIND $identifiers AS r
              OPTIONAL MATCH (s:Subject {uid: r.owner})
              OPTIONAL MATCH (a:Asset {uid: r.owner})
              WITH r, coalesce(s, a) AS n
              MERGE (i:Identifier {index: r.index}) ON CREATE SET i.kind = r.kind
              CREATE (n)-[:HAS_IDENTIFIER]->(i)
            }
            CALL {
              UNWIND $subject_links AS r
              MATCH (a:Subject {uid: r.from})
              MATCH (b:Subject {uid: r.to})
              CREATE (a)-[x:$(r.type)]->(b) SET x.share = r.share
            }
            CALL {
              UNWIND $share_links AS r
              MATCH (a:Asset {uid: r.from})
              MATCH (b:Subject {uid: r.to})
              CREATE (a)-[x:$(r.type)]->(b) SET x.share = r.share
            }
            CALL {
              UNWIND $holdings AS r
              MATCH (a:Subject {uid: r.from})
              MATCH (b:Asset {uid: r.to})
              CREATE (a)-[x:$(r.type)]->(b) SET x.share = r.share
            }
            CALL (c) {
              UNWIND $countries AS r
              OPTIONAL MATCH (s:Subject {uid: r.node})
              OPTIONAL MATCH (a:Asset {uid: r.node})
              WITH c, r, coalesce(s, a, c) AS n
              MERGE (k:Country {code: r.code})
              CREATE (n)-[:$(r.type)]->(k)
            }
"""


def _projection_params(case_id: str, p: Projection) -> dict[str, Any]:
    """The parameters of WRITE_PROJECTION. The case's own TARGETS relationships join the
    countries of its subjects and assets, all ordered by country code (see above)."""
    targets = [{"node": case_id, "code": code, "type": "TARGETS"} for code in set(p.targets)]
    return {
        "id": case_id,
        "subjects": p.subjects,
        "assets": p.assets,
        "identifiers": sorted(p.identifiers, key=lambda r: str(r["index"])),
        "subject_links": p.relations,
        "share_links": [h for h in p.holdings if h["type"] == "SHARE_OF"],
        "holdings": [h for h in p.holdings if h["type"] != "SHARE_OF"],
        "countries": sorted([*p.countries, *targets], key=lambda r: str(r["code"])),
    }


class CaseRepository:
    """`touched` collects the ids of the cases whose statistics a write may have changed: the
    unit of work recomputes their contribution before it commits (graph/repositories/
    stats_aggregates.py)."""

    def __init__(self, tx: neo4j.Transaction, touched: set[str] | None = None) -> None:
        self._tx = tx
        self._touched = touched if touched is not None else set()

    def add(self, row: NewCaseRow, projection: Projection, year: int) -> str:
        """Create the case node and its projection, then give the case the next number of
        `year`, in one statement; returns the number. The year's counter node is locked from
        then until the commit, so numbers are unique and without gaps (a rolled-back case gives
        its number back); it is the statement's last write, so that concurrent intakes queue
        on it only for the rest of the transaction (the audit events and the commit)."""
        self._touched.add(row["id"])
        record = self._tx.run(
            "CREATE (c:Case) SET c = $row WITH c"
            + WRITE_PROJECTION
            + """
            WITH c
            MERGE (k:CaseCounter {year: $year}) ON CREATE SET k.n = 0
            SET k.n = k.n + 1
            WITH c, k, toString(k.n) AS n
            SET c.number = $prefix + right($zeros + n, CASE WHEN size(n) > $digits
                                                            THEN size(n) ELSE $digits END)
            RETURN k.n AS n, c.number AS number
            """,
            row=row,
            year=year,
            prefix=case_number_prefix(year),
            zeros="0" * CASE_NUMBER_DIGITS,
            digits=CASE_NUMBER_DIGITS,
            **_projection_params(row["id"], projection),
        ).single()
        assert record is not None
        number = str(record["number"])
        assert number == case_number(year, int(record["n"])), number
        return number

    def get(self, case_id: str, for_update: bool = False) -> CaseRow | None:
        lock = "SET c._lock = true REMOVE c._lock" if for_update else ""
        record = self._tx.run(
            f"MATCH (c:Case {{id: $id}}) {lock} RETURN properties(c) AS c",
            id=case_id,
        ).single()
        if record is None:
            return None
        return cast(CaseRow, plain(record["c"]))

    def save(self, case_id: str, expected_version: int, changes: CaseChanges) -> bool:
        """Write `changes` if the stored version is still `expected_version`; bump it."""
        if STATS_CASE_FIELDS.intersection(changes):
            self._touched.add(case_id)
        record = self._tx.run(
            """
            MATCH (c:Case {id: $id})
            WHERE c.version = $expected
            SET c += $changes, c.version = c.version + 1
            RETURN c.version AS version
            """,
            id=case_id,
            expected=expected_version,
            changes=changes,
        ).single()
        return record is not None

    def page(
        self, agency: str | None, statuses: list[str] | None, skip: int, limit: int
    ) -> tuple[list[CaseRow], int]:
        # Only the filters given are in the WHERE (the values are parameters), so the planner
        # can use the agency and status indexes; `$agency IS NULL OR ...` made it scan every
        # case. The newest first: sorted in the database, and only the page is returned.
        filters = ["c.purged_at IS NULL"]
        if agency is not None:
            filters.append("c.agency = $agency")
        if statuses is not None:
            filters.append("c.status IN $statuses")
        where = "WHERE " + " AND ".join(filters)
        total = self._tx.run(
            f"MATCH (c:Case) {where} RETURN count(c) AS n",
            agency=agency,
            statuses=statuses,
        ).single()
        rows = self._tx.run(
            f"""
            MATCH (c:Case) {where}
            WITH c ORDER BY c.created_at DESC, c.number DESC SKIP $skip LIMIT $limit
            RETURN properties(c) AS c
            """,
            agency=agency,
            statuses=statuses,
            skip=skip,
            limit=limit,
        )
        out = [cast(CaseRow, plain(r["c"])) for r in rows]
        return out, int(total["n"]) if total else 0

    def store_screening(
        self, case_id: str, version: int, sealed: str, verdict: str, at: datetime
    ) -> None:
        self._tx.run(
            """
            MATCH (c:Case {id: $id})
            SET c.screening = $sealed, c.screening_verdict = $verdict,
                c.screened_version = $version, c.screened_at = $at
            """,
            id=case_id,
            version=version,
            sealed=sealed,
            verdict=verdict,
            at=at,
        )

    def clear_screenings(self, limit: int) -> list[tuple[str, int, str]]:
        """Results stored in the clear by an older version (they have no verdict beside them):
        (case id, version judged, the JSON)."""
        rows = self._tx.run(
            """
            MATCH (c:Case) WHERE c.screening IS NOT NULL AND c.screening_verdict IS NULL
              AND c.purged_at IS NULL
            RETURN c.id AS id, c.screened_version AS version, c.screening AS text LIMIT $limit
            """,
            limit=limit,
        )
        return [(str(r["id"]), int(r["version"]), str(r["text"])) for r in rows]

    def quota_used(self) -> int:
        """Notices and diffusions approved so far (each approval counts one)."""
        record = self._tx.run(QUOTA_USED).single()
        return int(record["used"]) if record else 0

    def replace_projection(self, case_id: str, projection: Projection) -> None:
        """Drop the case's subjects and assets and write them again from the projection."""
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (c:Case {id: $id})
            """
            + DROP_SUBJECTS_AND_ASSETS
            + """
            OPTIONAL MATCH (c)-[t:TARGETS]->(:Country)
            DELETE t
            WITH DISTINCT idents
            UNWIND idents AS i
            WITH i WHERE NOT (i)<-[:HAS_IDENTIFIER]-()
            DELETE i
            """,
            id=case_id,
        )
        self._tx.run(
            "MATCH (c:Case {id: $id})" + WRITE_PROJECTION,
            **_projection_params(case_id, projection),
        )

    def links(self, case_id: str, kinds: Sequence[str]) -> list[LinkRow]:
        """Subjects and assets of this case that share a key of one of `kinds` with another
        case."""
        rows = self._tx.run(
            """
            MATCH (c:Case {id: $id})-[:HAS_SUBJECT|HAS_ASSET]->(n)-[:HAS_IDENTIFIER]->(i)
                  <-[:HAS_IDENTIFIER]-(m)<-[:HAS_SUBJECT|HAS_ASSET]-(o:Case)
            WHERE o.id <> c.id AND o.purged_at IS NULL AND i.kind IN $kinds
            WITH n, i, o ORDER BY o.number
            RETURN n.uid AS uid, i.kind AS kind,
                   collect(DISTINCT {number: o.number, agency: o.agency}) AS cases
            ORDER BY uid, kind
            """,
            id=case_id,
            kinds=list(kinds),
        )
        return [cast(LinkRow, dict(r)) for r in rows]

    def graph(self, case_id: str) -> CaseGraphRows:
        """The projection's nodes and edges (no personal data; labels are added by the caller)."""
        nodes = self._tx.run(
            """
            MATCH (c:Case {id: $id})-[:HAS_SUBJECT|HAS_ASSET]->(n)
            RETURN n.uid AS uid, CASE WHEN n:Subject THEN 'subject' ELSE 'asset' END AS group,
                   coalesce(n.kind, n.type) AS type
            """,
            id=case_id,
        )
        edges = self._tx.run(
            """
            MATCH (c:Case {id: $id})-[:HAS_SUBJECT|HAS_ASSET]->(n)-[r]->(m)
            WHERE NOT m:Identifier
            RETURN n.uid AS source,
                   CASE WHEN m:Country THEN 'country:' + m.code ELSE m.uid END AS target,
                   type(r) AS type, r.share AS share
            UNION
            MATCH (c:Case {id: $id})-[r:TARGETS]->(k:Country)
            RETURN 'case' AS source, 'country:' + k.code AS target, type(r) AS type,
                   null AS share
            """,
            id=case_id,
        )
        return cast(
            CaseGraphRows,
            {"nodes": [dict(r) for r in nodes], "edges": [dict(r) for r in edges]},
        )

    def take_quota_slot(self, limit: int) -> int | None:
        """Count one notice or diffusion against the quota, atomically: the counter's write
        lock orders concurrent approvals, so two cannot both take the last slot. Returns the
        number used after this one, or None when the quota is used up."""
        record = self._tx.run(TAKE_SLOT, limit=limit).single()
        return int(record["used"]) if record else None

    def add_decision(self, row: DecisionRow) -> None:
        self._touched.add(row["case_id"])
        self._tx.run(
            """
            MATCH (c:Case {id: $row.case_id})
            CREATE (c)-[:HAS_DECISION]->(d:Decision)
            SET d = $row
            """,
            row=row,
        )

    def decisions(self, case_id: str) -> list[DecisionRow]:
        rows = self._tx.run(
            """
            MATCH (:Case {id: $id})-[:HAS_DECISION]->(d:Decision)
            RETURN properties(d) AS d ORDER BY d.at, d.seq
            """,
            id=case_id,
        )
        return [cast(DecisionRow, plain(r["d"])) for r in rows]

    def add_kept_out(self, case_id: str, rows: list[KeptOutRow], at: datetime) -> None:
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (c:Case {id: $id})
            UNWIND $rows AS r
            MERGE (k:Country {code: r.country})
            CREATE (c)-[:KEPT_OUT {rule: r.rule, risk: r.risk, at: $at}]->(k)
            """,
            id=case_id,
            rows=rows,
            at=at,
        )

    def queue(self, skip: int, limit: int) -> tuple[list[QueueRow], int]:
        """Cases waiting for a screener: urgent ones first, then the oldest submission."""
        where = "WHERE c.status IN ['submitted', 'awaiting_second_approval']"
        total = self._tx.run(f"MATCH (c:Case) {where} RETURN count(c) AS n").single()
        rows = self._tx.run(
            f"""
            MATCH (c:Case) {where}
            OPTIONAL MATCH (c)-[:HAS_DECISION]->(d:Decision {{stage: 'first'}})
            WITH c, d ORDER BY d.at DESC
            WITH c, head(collect(d.by)) AS first_by
            RETURN c {{.id, .number, .agency, .status, .urgency, .crime_types,
                      .requested_instrument, .target_countries, .submitted_at,
                      .subject_count, .asset_count, .screening_verdict, .screened_version,
                      .version}} AS c, first_by
            ORDER BY CASE c.urgency WHEN 'urgent' THEN 0 ELSE 1 END, c.submitted_at, c.number
            SKIP $skip LIMIT $limit
            """,
            skip=skip,
            limit=limit,
        )
        out = [cast(QueueRow, {**plain(r["c"]), "first_approval_by": r["first_by"]}) for r in rows]
        return out, int(total["n"]) if total else 0

    def due_for_purge(self, closed_before: datetime, pilot_over: bool) -> list[PurgeRow]:
        rows = self._tx.run(
            """
            MATCH (c:Case) WHERE c.purged_at IS NULL
              AND ($pilot_over OR (c.status = 'closed' AND c.closed_at < $closed_before))
            RETURN c.id AS id, c.number AS number ORDER BY c.number
            """,
            closed_before=closed_before,
            pilot_over=pilot_over,
        )
        return [cast(PurgeRow, dict(r)) for r in rows]

    def purge(self, case_id: str, at: datetime) -> None:
        """Remove the case's key, its sealed values and its projection; keep what statistics
        need (nothing personal). The statistics lose its assets (the recount no longer finds
        them) and keep the rest."""
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (c:Case {id: $id})
            """
            + DROP_SUBJECTS_AND_ASSETS
            + """
            UNWIND (CASE WHEN idents = [] THEN [null] ELSE idents END) AS i
            WITH c, i
            OPTIONAL MATCH (i) WHERE i IS NOT NULL AND NOT (i)<-[:HAS_IDENTIFIER]-()
            DETACH DELETE i
            WITH DISTINCT c
            OPTIONAL MATCH (c)-[:HAS_DECISION]->(d:Decision)
            REMOVE d.justification
            WITH DISTINCT c
            OPTIONAL MATCH (c)-[:DISSEMINATED_AS|CORRECTED_AS]->(m:Notice)
            REMOVE m.message, m.signature
            WITH DISTINCT c
            OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(o:Outcome)
            REMOVE o.notes
            WITH DISTINCT c
            REMOVE c.body, c.wrapped_key, c.screening, c.history, c.restrictions
            SET c.purged_at = $at
            """,
            id=case_id,
            at=at,
        )

    def ids_after(self, after: str, limit: int) -> list[str]:
        """Case ids in order, from after `after`, at most `limit`: for walking every case
        (not purged) in batches."""
        rows = self._tx.run(
            """
            MATCH (c:Case) WHERE c.id > $after AND c.purged_at IS NULL
            RETURN c.id AS id ORDER BY id LIMIT $limit
            """,
            after=after,
            limit=limit,
        )
        return [str(r["id"]) for r in rows]

    def id_of(self, number: str) -> str | None:
        record = self._tx.run(
            "MATCH (c:Case {number: $number}) RETURN c.id AS id", number=number
        ).single()
        return str(record["id"]) if record else None

    def persons_indexed(self, index: str) -> list[PersonHitRow]:
        """Every case (not purged) with a person whose name and birth date give `index`: one
        lookup on the Identifier's uniqueness constraint, nothing decrypted."""
        rows = self._tx.run(
            """
            MATCH (:Identifier {index: $index})<-[:HAS_IDENTIFIER]-(s:Subject:Person)
                  <-[:HAS_SUBJECT]-(c:Case)
            WHERE c.purged_at IS NULL
            RETURN DISTINCT c.id AS case_id, c.number AS number, c.agency AS agency,
                   c.status AS status, s.uid AS uid
            ORDER BY number, uid
            """,
            index=index,
        )
        return [cast(PersonHitRow, dict(r)) for r in rows]
