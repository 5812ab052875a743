"""Constraints and indexes (`flask --app wsgi graph init`), idempotent.

Every MERGE key has a uniqueness constraint.
"""

from __future__ import annotations

import neo4j

from silver.domain.reference import RELATIONSHIP_TYPES

CONSTRAINTS: tuple[tuple[str, str, str], ...] = (
    ("user_username", "User", "username"),
    ("token_hash", "Token", "hash"),
    ("audit_seq", "AuditEvent", "seq"),
    ("audit_head_id", "AuditHead", "id"),
    ("case_id", "Case", "id"),
    ("case_number", "Case", "number"),
    ("case_counter_year", "CaseCounter", "year"),
    ("country_code", "Country", "code"),
    ("identifier_index", "Identifier", "index"),
    ("subject_uid", "Subject", "uid"),
    ("asset_uid", "Asset", "uid"),
    ("quota_counter_id", "QuotaCounter", "id"),
    ("decision_id", "Decision", "id"),
    ("notice_id", "Notice", "id"),
    ("notice_message_id", "Notice", "message_id"),
    ("outcome_id", "Outcome", "id"),
    ("migration_id", "Migration", "id"),
    ("dataset_name", "Dataset", "name"),
    ("stats_bucket_key", "StatsBucket", "key"),
    ("stats_state_id", "StatsState", "id"),
)

# Reference data: an entity is keyed by its dataset and FtM id, and so is each interval entity
# (Ownership, Directorship, ...) as a typed relationship (case relationships have no such key).
REF_CONSTRAINTS: tuple[str, ...] = (
    "CREATE CONSTRAINT ref_key IF NOT EXISTS FOR (n:Ref) REQUIRE (n.dataset, n.id) IS UNIQUE",
    *(
        f"CREATE CONSTRAINT ref_link_{kind.lower()} IF NOT EXISTS "
        f"FOR ()-[r:{kind}]-() REQUIRE (r.dataset, r.id) IS UNIQUE"
        for kind in RELATIONSHIP_TYPES
    ),
)

INDEXES: tuple[tuple[str, str, str], ...] = (
    ("case_status", "Case", "status"),
    ("case_agency", "Case", "agency"),
    ("audit_case", "AuditEvent", "case_id"),
    ("case_created_at", "Case", "created_at"),
    ("decision_case", "Decision", "case_id"),
    ("notice_status", "Notice", "status"),
)


def statements() -> list[str]:
    out = [
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        for name, label, prop in CONSTRAINTS
    ]
    out += REF_CONSTRAINTS
    # The buckets of a level whose first day lies in a range (graph/repositories/stats.py).
    out.append(
        "CREATE INDEX stats_bucket_level_first IF NOT EXISTS "
        "FOR (n:StatsBucket) ON (n.level, n.first)"
    )
    out += [
        f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for name, label, prop in INDEXES
    ]
    return out


def init_schema(driver: neo4j.Driver, database: str | None) -> int:
    for statement in statements():
        driver.execute_query(statement, database_=database)
    driver.execute_query("CALL db.awaitIndexes(60)", database_=database)
    return len(statements())
