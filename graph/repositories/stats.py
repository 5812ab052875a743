"""Pilot statistics in Neo4j: every figure is counted, summed or grouped by the database.

Each query starts from the cases created in the period (`created_at` between `$start` and
`$end`, both inclusive, through the `case_created_at` range index), purged ones included (their
erasure removed the personal data, not the figures), and returns grouped rows, never a row per
case. Only the non-personal properties of docs/graph-model.md are read, by name: never a sealed
one (`body`, `history`, `justification`, `message`, `notes`) and never `properties(...)` of a
node.

Besides each figure, the queries count the distinct cases behind it (`cases`), because public
figures are suppressed by how many cases they come from, not only by their value.

What costs is reading properties (about a microsecond each, per row), so each kind of node is
read once: one pass over the cases with their decisions and KEPT_OUT relationships, one over
the assets, one over the outcomes and one over the (case, country) pairs of the notices, and
each pass reduces a case's rows first (`CALL (c) { ... }`), so that distinct cases are counted
with a plain count instead of a DISTINCT over every item.

Money is summed in whole cents from the decimal strings (`"1250.00"`) with integer arithmetic,
per currency; `$rated` names the currencies the rate table (`silver.domain.stats.rates`) can
convert, so that the cases behind a sum in EUR are counted exactly. The conversion itself happens
in `silver.domain.stats.assemble`.

These queries are the full recount. The statistics are read from sums kept current by the write
transactions (`read_stats`, graph/repositories/stats_aggregates.py), and those sums are made of
each case's rows computed by these same queries restricted to the case (`CONTRIBUTIONS`), so
the two cannot drift apart; tests/integration/test_stats_aggregates.py checks that they agree.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

import neo4j

from graph.repositories.quota import QUOTA_USED
from silver.domain.cases import REQUESTER
from silver.domain.stats import aggregates
from silver.domain.stats.aggregates import Figures
from silver.domain.stats.rows import StatsRows

# Which cases a query reads: the period's (the full recount), or the one case `id` of the
# surrounding statement (a case's own rows, its contribution: graph/repositories/
# stats_aggregates.py). Both end in a WHERE that a query may extend with AND.
PERIOD = """
MATCH (c:Case)
WHERE c.created_at >= $start AND c.created_at <= $end
"""
ONE_CASE = """
MATCH (c:Case)
WHERE c.id = id
"""

# The properties of a Case and of a Notice that the queries below read: a write that changes
# one of them changes the case's statistics (graph/repositories/stats_aggregates.py).
STATS_CASE_FIELDS = frozenset(
    (
        "agency",
        "crime_types",
        "created_at",
        "first_submitted_at",
        "submitted_at",
        "approved_at",
        "disseminated_at",
        "closed_at",
    )
)
STATS_NOTICE_FIELDS = frozenset(("status", "sent_at", "overdue", "due_by"))

# Whole cents of `amount`, a decimal string as the API validates it ("1250.00", "12.5", "7"),
# null when there is no amount. Summed as integers, so sums are exact. Up to 13 characters
# (below 10^11 with cents) a double holds the amount exactly and rounding it is cheap; longer
# amounts are parsed digit by digit.
CENTS = """
  CASE WHEN size(amount) <= 13 THEN toInteger(round(toFloat(amount) * 100))
       ELSE toInteger(split(amount, '.')[0]) * 100
            + toInteger(left(coalesce(split(amount, '.')[1], '') + '00', 2))
  END AS cents
"""

# The period's cases with their decisions and KEPT_OUT relationships, read once and collected
# (one small map per case), then grouped in as many ways as the sections need; one row of lists.
CASE_FIGURES_BODY = """
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_DECISION]->(d:Decision)
  RETURN collect(d {.decision, .stage, .at, .reason_codes}) AS decisions
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:KEPT_OUT]->(k:Country)
  RETURN collect(CASE WHEN r IS NOT NULL THEN [r.rule, k.code] END) AS kept
}
WITH c {.agency, .crime_types, .created_at, .first_submitted_at, .submitted_at, .approved_at,
        .disseminated_at, .closed_at} AS c, decisions, kept
WITH c, decisions, kept, coalesce(c.first_submitted_at, c.submitted_at) AS submitted,
     [d IN decisions WHERE d.decision = 'reject' | d.at] AS rejections,
     coalesce(c.crime_types, []) AS crimes
WITH collect({
  c: c, decisions: decisions, kept: kept, submitted: submitted,
  crimes: [i IN range(0, size(crimes) - 1) WHERE NOT crimes[i] IN crimes[0..i] | crimes[i]],
  returned: any(d IN decisions WHERE d.decision = 'return'),
  rejected: size(rejections) > 0,
  first_at: reduce(m = null, d IN decisions |
                   CASE WHEN m IS NULL OR d.at < m THEN d.at ELSE m END),
  final_at: coalesce(c.approved_at, reduce(m = null, t IN rejections |
                                           CASE WHEN m IS NULL OR t < m THEN t ELSE m END))
}) AS collected
CALL (collected) {
  UNWIND collected AS x
  WITH x.c.agency AS agency, count(*) AS proposed, count(x.submitted) AS submitted,
       count(CASE WHEN x.returned THEN 1 END) AS returned,
       count(CASE WHEN x.rejected THEN 1 END) AS rejected,
       count(x.c.approved_at) AS approved, count(x.c.disseminated_at) AS disseminated,
       count(x.c.closed_at) AS closed
  RETURN collect({agency: agency, proposed: proposed, submitted: submitted, returned: returned,
                  rejected: rejected, approved: approved, disseminated: disseminated,
                  closed: closed}) AS agencies
}
CALL (collected) {
  UNWIND collected AS x
  UNWIND x.crimes AS crime
  WITH crime, count(*) AS proposed, count(x.submitted) AS submitted,
       count(x.c.approved_at) AS approved
  RETURN collect({crime_type: crime, proposed: proposed, submitted: submitted,
                  approved: approved}) AS crime_types
}
CALL (collected) {
  UNWIND collected AS x
  WITH x.c.created_at.year AS year, x.c.created_at.month AS month, count(*) AS proposed
  RETURN collect({year: year, month: month, proposed: proposed}) AS months_cases
}
CALL (collected) {
  UNWIND collected AS x
  UNWIND [['first_decision', x.first_at], ['final_decision', x.final_at]] AS pair
  WITH pair[0] AS until, pair[1] AS at, x.submitted AS submitted
  WHERE at IS NOT NULL AND submitted IS NOT NULL
  WITH until, duration.inSeconds(submitted, at).seconds / 86400.0 AS days, count(*) AS cases
  RETURN collect({until: until, days: days, cases: cases}) AS decision_times
}
CALL (collected) {
  UNWIND range(0, size(collected) - 1) AS i
  UNWIND collected[i].decisions AS d
  WITH i, d
  WHERE d.decision IN ['reject', 'return']
     OR (d.decision = 'approve' AND coalesce(d.stage, 'single') <> 'first')
  UNWIND [['month', d.at.year, d.at.month], ['total', null, null]] AS level
  WITH level, d.decision AS decision, count(*) AS decisions, count(DISTINCT i) AS cases
  RETURN collect({dimension: level[0], year: level[1], month: level[2], decision: decision,
                  decisions: decisions, cases: cases}) AS months_decisions
}
CALL (collected) {
  UNWIND range(0, size(collected) - 1) AS i
  UNWIND collected[i].decisions AS d
  WITH i, d
  WHERE d.decision IN ['reject', 'return']
  UNWIND [['total', 'all']] + [code IN coalesce(d.reason_codes, []) | ['reason', code]] AS level
  WITH d.decision AS decision, level, count(*) AS decisions, count(DISTINCT i) AS cases
  RETURN collect({decision: decision, dimension: level[0], key: level[1],
                  decisions: decisions, cases: cases}) AS reasons
}
CALL (collected) {
  UNWIND range(0, size(collected) - 1) AS i
  UNWIND collected[i].kept AS kept
  WITH i, kept[0] AS rule, kept[1] AS country
  UNWIND [['rule', rule], ['country', country], ['total', 'all']] AS level
  WITH level[0] AS dimension, level[1] AS key, i, country
  WITH dimension, key, count(*) AS relationships, count(DISTINCT i) AS cases,
       count(DISTINCT [i, country]) AS pairs
  RETURN collect({dimension: dimension, key: key, relationships: relationships, cases: cases,
                  pairs: pairs}) AS kept_out
}
RETURN agencies, crime_types, months_cases, decision_times, months_decisions, reasons, kept_out
"""
CASE_FIGURES = PERIOD + CASE_FIGURES_BODY

# Items (assets, outcomes) of one case, reduced per breakdown (`dimension`, `key`) to one row
# for the case itself (`currency` null: how many items, whether any has an amount in a currency
# of `$rated`) and one row per currency its amounts are in. Summing these rows over the cases
# then counts distinct cases with a plain count(*): no DISTINCT over every item.
ITEMS_OF_CASE = """
  WITH level[0] AS dimension, level[1] AS key, currency,
       count(*) AS n, count(cents) AS valued, sum(cents) AS cents
  WITH dimension, key, sum(n) AS n,
       collect(CASE WHEN valued > 0 THEN currency END) AS valued_in,
       collect(CASE WHEN valued > 0 THEN [coalesce(currency, ''), valued, cents] END) AS money
"""
PER_CASE = (
    ITEMS_OF_CASE
    + """
  UNWIND [[null, n, 0, any(x IN valued_in WHERE x IN $rated)]] + money AS part
  RETURN dimension, key, part[0] AS currency, part[1] AS n, part[2] AS cents,
         part[3] = true AS converted
}
RETURN dimension, key, currency, sum(n) AS items, sum(cents) AS cents, count(*) AS cases,
       count(CASE WHEN converted THEN 1 END) AS converted_cases
"""
)
# A case's own rows of items (its contribution): the currencies its amounts are in instead of
# whether one of them is in `$rated`, which is decided when the rows are summed and read.
ITEMS_CONTRIBUTION = (
    ITEMS_OF_CASE
    + """
  UNWIND [[null, n, 0, valued_in]] + money AS part
  RETURN [dimension, key, part[0], part[1], part[2],
          CASE WHEN part[0] IS NULL THEN part[3] END] AS row
}
RETURN collect(row) AS rows
"""
)

ASSETS_OF_CASE = (
    """
CALL (c) {
  MATCH (c)-[:HAS_ASSET]->(a:Asset)
  WITH a {.type, .value_currency, .value_amount} AS a
  WITH a.type AS type, a.value_currency AS currency, a.value_amount AS amount
  WITH type, currency,"""
    + CENTS
    + """
  UNWIND [['asset_type', type], ['total', 'all']] AS level"""
)

OUTCOMES_OF_CASE = (
    """
CALL (c) {
  MATCH (c)-[:HAS_OUTCOME]->(o:Outcome)
  WITH o {.result, .country, .value_currency, .value_amount} AS o
  WITH o.result AS result, o.country AS country, o.value_currency AS currency,
       o.value_amount AS amount
  WITH result, country, currency,"""
    + CENTS
    + """
  UNWIND [['stage', result], ['country', country], ['total', 'all']] AS level"""
)

ASSETS = PERIOD + ASSETS_OF_CASE + PER_CASE
OUTCOMES = PERIOD + OUTCOMES_OF_CASE + PER_CASE

# Per (case, country) pair of a disseminated case: whether the country received it (a Notice
# sent or acknowledged reached it), answered it (reported an outcome), after how many days
# (from the first sending to its first outcome), and whether its answer is overdue (the Notice
# is flagged overdue, or was sent and is past due, and the country has not answered). One row
# per case (`country` null) says whether any of its pairs did so, to count distinct cases.
# An outcome's country is read from its `country`, the code of the Country that REPORTED it
# (both are written together): expanding the Outcome's relationships to that Country and
# checking its label were the costliest steps of this query (PROFILE, bench/README.md).
ANSWERS_OF_CASE = """
  AND EXISTS { MATCH (c)-[:DISSEMINATED_AS]->(:Notice) }
CALL (c) {
  CALL (c) {
    MATCH (c)-[:DISSEMINATED_AS]->(n:Notice)
    WITH n, n {.status, .sent_at, .overdue, .due_by} AS p
    WITH n, p.status IN ['sent', 'acknowledged'] AS delivered, p.sent_at AS sent_at,
         p.overdue = true AS flagged, CASE WHEN p.status = 'sent' THEN p.due_by END AS due
    MATCH (n)-[:SENT_TO]->(k:Country)
    RETURN k.code AS code, CASE WHEN delivered THEN sent_at END AS sent, delivered, flagged,
           due, null AS reported
    UNION ALL
    MATCH (c)-[:HAS_OUTCOME]->(o:Outcome)
    RETURN o.country AS code, null AS sent, false AS delivered, false AS flagged, null AS due,
           o.reported_on AS reported
  }
  WITH code, min(sent) AS sent, min(reported) AS first,
       count(CASE WHEN delivered THEN 1 END) > 0 AS received,
       count(CASE WHEN flagged THEN 1 END) > 0 AS flagged, min(due) AS due
  WITH code, received, received AND first IS NOT NULL AS responded,
       CASE WHEN received THEN duration.inDays(date(sent), first).days END AS days,
       flagged AND first IS NULL AS flagged, CASE WHEN first IS NULL THEN due END AS due
"""

# Per (case, country) pair of a disseminated case: whether the country received it (a Notice
# sent or acknowledged reached it), answered it (reported an outcome), after how many days
# (from the first sending to its first outcome), and whether its answer is overdue (a Notice
# to it is flagged overdue, or one still `sent` is past due, and the country has not
# answered). One row per case (`country` null) says whether any of its pairs did so, to count
# distinct cases.
# An outcome's country is read from its `country`, the code of the Country that REPORTED it
# (both are written together): expanding the Outcome's relationships to that Country and
# checking its label were the costliest steps of this query (PROFILE, bench/README.md).
ANSWERS = (
    PERIOD
    + ANSWERS_OF_CASE
    + """
  WITH code, received, responded, days, flagged OR coalesce(due < $now, false) AS overdue
  WHERE received OR overdue
  WITH collect([code, received, responded, days, overdue]) AS pairs
  UNWIND [[null, any(p IN pairs WHERE p[1]), any(p IN pairs WHERE p[2]), null,
           any(p IN pairs WHERE p[4])]] + pairs AS pair
  RETURN pair[0] AS country, pair[1] AS received, pair[2] AS responded, pair[3] AS days,
         pair[4] AS overdue
}
RETURN country, received, responded, days, overdue, count(*) AS pairs
"""
)

# A case's contribution: its rows of every pass, with what decides overdue answers and
# convertible amounts kept instead of decided (silver/domain/stats/aggregates.py), for the
# cases `$ids`. `answers` is null for a case never disseminated. The cases are locked first
# (all of them, in the order of `$ids`, before anything is read), so that what is read of
# them is what the last transaction that changed them committed.
CONTRIBUTIONS = (
    """
UNWIND $ids AS id
OPTIONAL MATCH (c:Case {id: id})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | SET x._lock = true REMOVE x._lock)
WITH collect(id) AS ids
UNWIND ids AS id
CALL (id) {"""
    + ONE_CASE
    + CASE_FIGURES_BODY
    + """}
CALL (id) {"""
    + ONE_CASE
    + ASSETS_OF_CASE
    + ITEMS_CONTRIBUTION
    + """}
WITH id, agencies, crime_types, months_cases, decision_times, months_decisions, reasons,
     kept_out, rows AS assets
CALL (id) {"""
    + ONE_CASE
    + OUTCOMES_OF_CASE
    + ITEMS_CONTRIBUTION
    + """}
WITH id, agencies, crime_types, months_cases, decision_times, months_decisions, reasons,
     kept_out, assets, rows AS outcomes
CALL (id) {
  CALL (id) {"""
    + ONE_CASE
    + ANSWERS_OF_CASE
    + """
    WHERE received OR flagged OR due IS NOT NULL
    RETURN [code, received, responded, days, flagged, due] AS pair
    }
    RETURN pair
  }
  WITH collect(pair) AS pairs
  RETURN CASE WHEN EXISTS { MATCH (:Case {id: id})-[:DISSEMINATED_AS]->(:Notice) }
              THEN pairs END AS answers
}
OPTIONAL MATCH (c:Case {id: id})
RETURN id, c.created_at AS created_at, c.stats AS old,
       {agencies: agencies, crime_types: crime_types, months_cases: months_cases,
        decision_times: decision_times, months_decisions: months_decisions,
        reasons: reasons, kept_out: kept_out} AS case_figures,
       assets, outcomes, answers
"""
)

# The buckets that cover a period: their tokens (a new one each time a bucket is written) and,
# unless the sums of exactly those tokens are at hand already, their sums.
BUCKET_TOKENS = """
UNWIND $cover AS r
MATCH (b:StatsBucket)
WHERE b.level = r[0] AND b.first >= r[1] AND b.first <= r[2]
RETURN b.key AS key, b.token AS token
"""
READ_BUCKETS = """
UNWIND $cover AS r
MATCH (b:StatsBucket)
WHERE b.level = r[0] AND b.first >= r[1] AND b.first <= r[2]
RETURN b.key AS key, b.token AS token, b.rows AS rows
"""

STATE = "MATCH (s:StatsState {id: 'pilot'}) RETURN s.ready AS ready"


PARTICIPANTS = """
MATCH (k:Country)
WHERE k.participant = true AND k.code <> $requester
RETURN k.code AS code
ORDER BY code
"""


class StatsRepository:
    """The grouped rows behind the pilot statistics: one method per pass over the graph."""

    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return [record.data() for record in self._tx.run(query, **params)]

    def case_figures(self, start: datetime, end: datetime) -> dict[str, Any]:
        figures = self._rows(CASE_FIGURES, start=start, end=end)
        return figures[0] if figures else {}

    def assets(self, start: datetime, end: datetime, rated: Sequence[str]) -> list[dict[str, Any]]:
        return self._rows(ASSETS, start=start, end=end, rated=list(rated))

    def outcomes(
        self, start: datetime, end: datetime, rated: Sequence[str]
    ) -> list[dict[str, Any]]:
        return self._rows(OUTCOMES, start=start, end=end, rated=list(rated))

    def answers(self, start: datetime, end: datetime, now: datetime) -> list[dict[str, Any]]:
        return self._rows(ANSWERS, start=start, end=end, now=now)

    def participants(self) -> list[str]:
        return [r["code"] for r in self._rows(PARTICIPANTS, requester=REQUESTER)]

    def quota_used(self) -> int:
        used = self._rows(QUOTA_USED)
        return int(used[0]["used"]) if used else 0


def read_stats(
    driver: neo4j.Driver,
    database: str | None,
    start: datetime,
    end: datetime,
    now: datetime,
    rated: Sequence[str],
) -> StatsRows:
    """The rows of every section: summed from the buckets kept current by the write
    transactions (graph/repositories/stats_aggregates.py) when the period is whole UTC days
    and the sums are built, else counted from the graph (`recount`)."""
    days = whole_days(start, end)
    if days is not None:

        def work(tx: neo4j.ManagedTransaction) -> Any:
            figures = read_aggregated(tx, *days)
            if figures is None:
                return None
            repo = StatsRepository(tx)
            return figures, repo.quota_used(), repo.participants()

        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            found = session.execute_read(work)
        if found is not None:
            figures, quota_used, participants = found
            rows = aggregates.to_rows(figures, now, rated)
            return replace(rows, participants=participants, quota_used=quota_used)
    return recount(driver, database, start, end, now, rated)


def read_aggregated(tx: neo4j.ManagedTransaction, start: date, end: date) -> Figures | None:
    """The sums of the cases created on the days [start, end], or None while the sums are not
    built (`StatsState.ready`)."""
    state = tx.run(STATE).single()
    if state is None or not state["ready"]:
        return None
    cover = [[level, a, b] for level, a, b in aggregates.cover(start, end)]
    tokens = frozenset((r["key"], r["token"]) for r in tx.run(BUCKET_TOKENS, cover=cover))
    with _summed_lock:
        if tokens in _summed:
            return _summed[tokens]
    figures: Figures = {}
    read: set[tuple[str, str | None]] = set()
    for record in tx.run(READ_BUCKETS, cover=cover):
        read.add((record["key"], record["token"]))
        aggregates.merge(figures, json.loads(record["rows"] or "{}"))
    with _summed_lock:
        _summed[frozenset(read)] = figures
        while len(_summed) > SUMMED_KEPT:
            del _summed[next(iter(_summed))]
    return figures


# The sums of the last periods read, by the tokens of the buckets they were summed from: a
# bucket gets a new token whenever a write changes it, so an entry is used only while none of
# its buckets changed (a report read right after the same figures as JSON, a period of past
# years). Entries are read, never changed (`to_rows` only reads them).
SUMMED_KEPT = 16
_summed: dict[frozenset[tuple[str, str | None]], Figures] = {}
_summed_lock = threading.Lock()


def forget_summed() -> None:
    """Drop the sums kept (for measuring a reading that parses and sums every bucket)."""
    with _summed_lock:
        _summed.clear()


def whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """The UTC days [first, last] when the period is exactly those days (from 00:00 to the
    day's last microsecond, as `silver.services.stats.period_bounds` makes it), else None."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    if first.time() != time.min or last.time() != time.max:
        return None
    return first.date(), last.date()


def recount(
    driver: neo4j.Driver,
    database: str | None,
    start: datetime,
    end: datetime,
    now: datetime,
    rated: Sequence[str],
) -> StatsRows:
    """The rows of every section counted from the graph. The four heavy passes run at the same
    time, each in its own read transaction (retried by the driver on a transient error; reading
    twice is harmless), so Neo4j works on them in parallel. The price is that they are four
    snapshots taken milliseconds apart instead of one; for pilot figures that is immaterial."""

    def read(work: Any) -> Any:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: work(StatsRepository(tx)))

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="stats") as pool:
        cases = pool.submit(
            read, lambda r: (r.case_figures(start, end), r.quota_used(), r.participants())
        )
        assets = pool.submit(read, lambda r: r.assets(start, end, rated))
        outcomes = pool.submit(read, lambda r: r.outcomes(start, end, rated))
        answers = pool.submit(read, lambda r: r.answers(start, end, now))
        figures, quota_used, participants = cases.result()
        return StatsRows(
            participants=participants,
            agencies=figures.get("agencies", []),
            crime_types=figures.get("crime_types", []),
            months_cases=figures.get("months_cases", []),
            decision_times=figures.get("decision_times", []),
            months_decisions=figures.get("months_decisions", []),
            reasons=figures.get("reasons", []),
            kept_out=figures.get("kept_out", []),
            assets=assets.result(),
            outcomes=outcomes.result(),
            answers=answers.result(),
            quota_used=quota_used,
        )
