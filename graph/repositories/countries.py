"""Countries and their misuse-risk profiles, with the history of every profile change."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import neo4j

from graph.repositories.values import plain
from silver.domain.ports import CountryRow, CountrySeedRow, ProfileChangeRow

SEED_AUTHOR = "graph init (seed data)"


_RETURN = """
    RETURN k.code AS code, k.name AS name, coalesce(k.participant, false) AS participant,
           k.profile AS profile, k.profile_version AS version
"""


class CountryRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def seed(self, rows: list[CountrySeedRow]) -> int:
        """Create the countries that are missing and give a profile to those without one.

        Existing profiles are never overwritten: a screener's review outlives every `graph init`.
        Returns how many countries received their first profile.
        """
        record = self._tx.run(
            """
            UNWIND $rows AS r
            MERGE (k:Country {code: r.code})
            SET k.name = coalesce(k.name, r.name)
            WITH k, r WHERE k.profile IS NULL
            SET k.profile = r.profile, k.participant = r.participant, k.profile_version = 1
            CREATE (k)-[:PROFILE_CHANGED]->(:ProfileChange {
                code: k.code, version: 1, profile: r.profile, by: $by, at: datetime(),
                changed: []})
            RETURN count(k) AS n
            """,
            rows=rows,
            by=SEED_AUTHOR,
        ).single()
        return int(record["n"]) if record else 0

    def all(self, participant: bool | None = None) -> list[CountryRow]:
        rows = self._tx.run(
            f"""
            MATCH (k:Country) WHERE k.profile IS NOT NULL
              AND ($participant IS NULL OR coalesce(k.participant, false) = $participant)
            {_RETURN}
            ORDER BY k.code
            """,
            participant=participant,
        )
        return [cast(CountryRow, dict(r)) for r in rows]

    def profiles_for(self, codes: list[str]) -> list[CountryRow]:
        """Every participant's profile and those of `codes` (the case's target countries)."""
        rows = self._tx.run(
            f"""
            MATCH (k:Country) WHERE k.profile IS NOT NULL
              AND (k.participant = true OR k.code IN $codes)
            {_RETURN}
            """,
            codes=codes,
        )
        return [cast(CountryRow, dict(r)) for r in rows]

    def get(self, code: str, for_update: bool = False) -> CountryRow | None:
        lock = "SET k._lock = true REMOVE k._lock" if for_update else ""
        record = self._tx.run(
            f"MATCH (k:Country {{code: $code}}) WHERE k.profile IS NOT NULL {lock} {_RETURN}",
            code=code,
        ).single()
        return cast(CountryRow, dict(record)) if record else None

    def save_profile(
        self,
        code: str,
        expected_version: int,
        profile: str,
        participant: bool,
        by: str,
        at: datetime,
        changed: list[str],
    ) -> int | None:
        """Store a new profile version if the stored one is still `expected_version`, and keep
        the new version in the history. Returns the new version, or None when it was stale."""
        record = self._tx.run(
            """
            MATCH (k:Country {code: $code}) WHERE k.profile_version = $expected
            SET k.profile = $profile, k.participant = $participant,
                k.profile_version = k.profile_version + 1,
                k.reviewed_by = $by, k.reviewed_at = $at
            CREATE (k)-[:PROFILE_CHANGED]->(:ProfileChange {
                code: $code, version: k.profile_version, profile: $profile, by: $by, at: $at,
                changed: $changed})
            RETURN k.profile_version AS version
            """,
            code=code,
            expected=expected_version,
            profile=profile,
            participant=participant,
            by=by,
            at=at,
            changed=changed,
        ).single()
        return int(record["version"]) if record else None

    def history(self, code: str) -> list[ProfileChangeRow]:
        rows = self._tx.run(
            """
            MATCH (:Country {code: $code})-[:PROFILE_CHANGED]->(p:ProfileChange)
            RETURN p.version AS version, p.by AS by, p.at AS at, p.changed AS changed,
                   p.profile AS profile
            ORDER BY p.version DESC
            """,
            code=code,
        )
        return [cast(ProfileChangeRow, plain(r)) for r in rows]
