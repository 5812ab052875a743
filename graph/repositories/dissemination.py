"""Notices (one per recipient of a dissemination) and the outcomes countries report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import neo4j

from graph.repositories.stats import STATS_NOTICE_FIELDS
from graph.repositories.values import plain
from silver.domain.ports import (
    CaseRow,
    CountryRow,
    DeliveryRows,
    NoticeDraft,
    NoticeRow,
    OutboxNoticeRow,
    OutcomeRow,
)


class DisseminationRepository:
    """`touched` collects the ids of the cases whose statistics a write may have changed (see
    graph/repositories/cases.py)."""

    def __init__(self, tx: neo4j.Transaction, touched: set[str] | None = None) -> None:
        self._tx = tx
        self._touched = touched if touched is not None else set()

    def add_notices(self, case_id: str, rows: list[NoticeDraft]) -> None:
        """Record each recipient's Notice (status queued) and the countries it reaches."""
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (c:Case {id: $case_id})
            UNWIND $rows AS r
            CREATE (c)-[:DISSEMINATED_AS]->(n:Notice)
            SET n = r.props
            WITH n, r
            UNWIND r.countries AS code
            MERGE (k:Country {code: code})
            CREATE (n)-[:SENT_TO]->(k)
            """,
            case_id=case_id,
            rows=rows,
        )

    def add_corrections(self, case_id: str, rows: list[NoticeDraft]) -> None:
        """Record the messages that tell recipients of a rectification or an erasure. They are
        Notices (one signed message to one recipient, delivered as any other) on a relationship
        of their own, so the case's dissemination, its answers and the statistics never count
        them."""
        self._tx.run(
            """
            MATCH (c:Case {id: $case_id})
            UNWIND $rows AS r
            CREATE (c)-[:CORRECTED_AS]->(n:Notice:Correction)
            SET n = r.props
            WITH n, r
            UNWIND r.countries AS code
            MERGE (k:Country {code: code})
            CREATE (n)-[:SENT_TO]->(k)
            """,
            case_id=case_id,
            rows=rows,
        )

    def corrections_of(self, case_id: str) -> list[NoticeRow]:
        rows = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:CORRECTED_AS]->(n:Notice)
            OPTIONAL MATCH (n)-[:SENT_TO]->(k:Country)
            WITH n, k ORDER BY k.code
            RETURN properties(n) AS n, collect(k.code) AS countries
            ORDER BY n.queued_at, n.recipient
            """,
            case_id=case_id,
        )
        return [cast(NoticeRow, {**plain(r["n"]), "countries": list(r["countries"])}) for r in rows]

    def cancel_queued(self, case_id: str, reason: str, at: datetime) -> int:
        """Stop the case's dissemination messages not delivered yet (failed, with the reason)."""
        self._touched.add(case_id)
        record = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice)
            WHERE n.status IN ['queued', 'failed']
            SET n.status = 'failed', n.last_error = $reason, n.failed_at = $at
            RETURN count(n) AS n
            """,
            case_id=case_id,
            reason=reason,
            at=at,
        ).single()
        return int(record["n"]) if record else 0

    def get(self, notice_id: str, for_update: bool = False) -> NoticeRow | None:
        lock = "SET n._lock = true REMOVE n._lock" if for_update else ""
        record = self._tx.run(
            f"MATCH (n:Notice {{id: $id}}) {lock} RETURN properties(n) AS n", id=notice_id
        ).single()
        return cast(NoticeRow, plain(record["n"])) if record else None

    def for_delivery(self, notice_id: str, lock_case: bool) -> DeliveryRows | None:
        """The Notice (locked) with its case (locked too with `lock_case`), the recipient's
        country profile and the count of the case's other Notices not delivered yet: all a
        delivery attempt reads, in one round trip."""
        lock = "SET c._lock = true REMOVE c._lock" if lock_case else ""
        record = self._tx.run(
            f"""
            MATCH (n:Notice {{id: $id}})
            SET n._lock = true REMOVE n._lock
            WITH n
            MATCH (c:Case {{id: n.case_id}})
            {lock}
            WITH n, c
            OPTIONAL MATCH (k:Country {{code: n.recipient}}) WHERE k.profile IS NOT NULL
            RETURN properties(n) AS n, properties(c) AS c,
                   CASE WHEN k IS NULL THEN null
                        ELSE {{code: k.code, name: k.name,
                               participant: coalesce(k.participant, false),
                               profile: k.profile, version: k.profile_version}} END AS k,
                   COUNT {{ (c)-[:DISSEMINATED_AS]->(o:Notice)
                           WHERE o.id <> n.id AND NOT o.status IN ['sent', 'acknowledged'] }}
                     AS undelivered
            """,
            id=notice_id,
        ).single()
        if record is None:
            return None
        return {
            "notice": cast(NoticeRow, plain(record["n"])),
            "case": cast(CaseRow, plain(record["c"])),
            "country": cast(CountryRow, dict(record["k"])) if record["k"] else None,
            "undelivered_others": int(record["undelivered"]),
        }

    def by_recipient(self, case_id: str, recipient: str) -> NoticeRow | None:
        record = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice {recipient: $recipient})
            SET n._lock = true REMOVE n._lock
            RETURN properties(n) AS n
            """,
            case_id=case_id,
            recipient=recipient,
        ).single()
        return cast(NoticeRow, plain(record["n"])) if record else None

    def update(self, notice_id: str, changes: dict[str, Any]) -> None:
        record = self._tx.run(
            "MATCH (n:Notice {id: $id}) SET n += $changes RETURN n.case_id AS case_id",
            id=notice_id,
            changes=changes,
        ).single()
        if record is not None and STATS_NOTICE_FIELDS.intersection(changes):
            self._touched.add(record["case_id"])

    def of_case(self, case_id: str) -> list[NoticeRow]:
        rows = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice)
            OPTIONAL MATCH (n)-[:SENT_TO]->(k:Country)
            WITH n, k ORDER BY k.code
            RETURN properties(n) AS n, collect(k.code) AS countries
            ORDER BY n.recipient
            """,
            case_id=case_id,
        )
        return [cast(NoticeRow, {**plain(r["n"]), "countries": list(r["countries"])}) for r in rows]

    def all_delivered(self, case_id: str) -> bool:
        record = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice)
            RETURN count(n) > 0 AND all(s IN collect(n.status) WHERE s IN ['sent', 'acknowledged'])
                   AS done
            """,
            case_id=case_id,
        ).single()
        return bool(record and record["done"])

    def queued_ids(self, idle_since: datetime | None = None) -> list[str]:
        """Notices still queued; with `idle_since`, only those without an attempt since then."""
        rows = self._tx.run(
            """
            MATCH (n:Notice {status: 'queued'})
            WHERE $idle_since IS NULL OR coalesce(n.last_attempt_at, n.queued_at) < $idle_since
            RETURN n.id AS id ORDER BY id
            """,
            idle_since=idle_since,
        )
        return [str(r["id"]) for r in rows]

    def awaiting_answers(self, agency: str | None, due_before: datetime) -> list[NoticeRow]:
        """Delivered Notices not answered yet whose answer is due before `due_before`, earliest
        first, with their case's number and agency and the countries they reached."""
        rows = self._tx.run(
            """
            MATCH (c:Case)-[:DISSEMINATED_AS]->(n:Notice {status: 'sent'})
            WHERE n.due_by < $due_before AND ($agency IS NULL OR c.agency = $agency)
              AND c.purged_at IS NULL
            OPTIONAL MATCH (n)-[:SENT_TO]->(k:Country)
            WITH c, n, k ORDER BY k.code
            WITH c, n, collect(k.code) AS countries
            RETURN properties(n) AS n, c.number AS case_number, c.agency AS agency, countries
            ORDER BY n.due_by, c.number, n.recipient
            """,
            agency=agency,
            due_before=due_before,
        )
        return [
            cast(
                NoticeRow,
                {
                    **plain(r["n"]),
                    "case_number": r["case_number"],
                    "agency": r["agency"],
                    "countries": list(r["countries"]),
                },
            )
            for r in rows
        ]

    def count_overdue(self, now: datetime) -> int:
        """How many delivered Notices wait for an answer past their window (on the status
        index: cheap enough for every metrics scrape)."""
        record = self._tx.run(
            """
            MATCH (c:Case)-[:DISSEMINATED_AS]->(n:Notice {status: 'sent'})
            WHERE n.due_by < $now AND c.purged_at IS NULL
            RETURN count(n) AS n
            """,
            now=now,
        ).single()
        return int(record["n"]) if record else 0

    def overdue(self, agency: str | None, now: datetime) -> list[NoticeRow]:
        """Recipients whose answer window has passed without an answer."""
        rows = self._tx.run(
            """
            MATCH (c:Case)-[:DISSEMINATED_AS]->(n:Notice {status: 'sent'})
            WHERE n.due_by < $now AND ($agency IS NULL OR c.agency = $agency)
              AND c.purged_at IS NULL
            RETURN properties(n) AS n, c.number AS case_number, c.agency AS agency
            ORDER BY n.due_by
            """,
            agency=agency,
            now=now,
        )
        return [
            cast(
                NoticeRow,
                {**plain(r["n"]), "case_number": r["case_number"], "agency": r["agency"]},
            )
            for r in rows
        ]

    def mark_overdue(self, now: datetime) -> int:
        record = self._tx.run(
            """
            MATCH (n:Notice {status: 'sent'})
            WHERE n.due_by < $now AND NOT coalesce(n.overdue, false)
            SET n.overdue = true, n.overdue_since = $now
            RETURN count(n) AS n, collect(DISTINCT n.case_id) AS cases
            """,
            now=now,
        ).single()
        if record is None:
            return 0
        self._touched.update(record["cases"])
        return int(record["n"])

    def by_message_ids(self, message_ids: Sequence[str]) -> list[OutboxNoticeRow]:
        rows = self._tx.run(
            """
            UNWIND $ids AS message_id
            MATCH (c:Case)-[:DISSEMINATED_AS|CORRECTED_AS]->(n:Notice {message_id: message_id})
            RETURN n.message_id AS message_id, n.status AS status, n.sent_at AS sent_at,
                   c.purged_at IS NOT NULL AS case_purged
            """,
            ids=list(message_ids),
        )
        return [cast(OutboxNoticeRow, plain(dict(r))) for r in rows]

    def recipients_reaching(self, case_id: str, country: str) -> list[NoticeRow]:
        """The delivered Notices of the case that reached `country`."""
        rows = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice)-[:SENT_TO]->
                  (:Country {code: $country})
            WHERE n.status IN ['sent', 'acknowledged']
            RETURN properties(n) AS n
            """,
            case_id=case_id,
            country=country,
        )
        return [cast(NoticeRow, plain(r["n"])) for r in rows]

    def add_outcome(self, row: OutcomeRow, asset_uid: str | None) -> None:
        self._touched.add(row["case_id"])
        self._tx.run(
            """
            MATCH (c:Case {id: $row.case_id})
            MERGE (k:Country {code: $row.country})
            CREATE (c)-[:HAS_OUTCOME]->(o:Outcome)<-[:REPORTED]-(k)
            SET o = $row
            WITH o
            OPTIONAL MATCH (a:Asset {uid: $asset_uid})
            FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | CREATE (o)-[:CONCERNS]->(a))
            """,
            row=row,
            asset_uid=asset_uid,
        )

    def acknowledge(self, case_id: str, country: str, at: datetime) -> None:
        """The first answer from a country acknowledges the Notice that reached it."""
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:DISSEMINATED_AS]->(n:Notice {status: 'sent'})
                  -[:SENT_TO]->(:Country {code: $country})
            SET n.status = 'acknowledged', n.acknowledged_at = $at, n.overdue = false
            """,
            case_id=case_id,
            country=country,
            at=at,
        )

    def outcomes(self, case_id: str) -> list[OutcomeRow]:
        rows = self._tx.run(
            """
            MATCH (:Case {id: $case_id})-[:HAS_OUTCOME]->(o:Outcome)
            RETURN properties(o) AS o
            ORDER BY o.reported_on, o.recorded_at
            """,
            case_id=case_id,
        )
        return [cast(OutcomeRow, plain(r["o"])) for r in rows]

    def add_asset(
        self,
        case_id: str,
        asset: dict[str, Any],
        identifiers: Sequence[dict[str, Any]],
        countries: Sequence[dict[str, Any]],
        reported_by: str,
    ) -> None:
        """Project an asset a country reported into the case's graph, linked to that country."""
        self._touched.add(case_id)
        self._tx.run(
            """
            MATCH (c:Case {id: $case_id})
            CREATE (n:Asset {uid: $a.uid, case_id: $case_id, type: $a.type, agency: $a.agency,
                             value_amount: $a.value_amount, value_currency: $a.value_currency})
            SET n:$($a.labels)
            CREATE (c)-[:HAS_ASSET]->(n)
            MERGE (k:Country {code: $reported_by})
            CREATE (k)-[:REPORTED_ASSET]->(n)
            WITH n
            UNWIND $identifiers AS r
            MERGE (i:Identifier {index: r.index}) ON CREATE SET i.kind = r.kind
            MERGE (n)-[:HAS_IDENTIFIER]->(i)
            """,
            case_id=case_id,
            a=asset,
            identifiers=identifiers,
            reported_by=reported_by,
        )
        self._tx.run(
            """
            UNWIND $rows AS r
            MATCH (n:Asset {uid: r.node})
            MERGE (k:Country {code: r.code})
            CREATE (n)-[:$(r.type)]->(k)
            """,
            rows=countries,
        )
