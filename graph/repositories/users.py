"""Users and access tokens in Neo4j."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import neo4j

from silver.domain.ports import UserChanges
from silver.domain.users import Agency, Role, User

USER_OF_HASH = """
    MATCH (t:Token {hash: $hash})-[:FOR]->(u:User)
    WHERE t.revoked_at IS NULL AND t.expires_at > $now AND u.active
    RETURN u
"""


def read_user_for_token(
    driver: neo4j.Driver, database: str | None, token_hash: str, now: datetime
) -> User | None:
    """The active user of a valid token, read in one auto-commit query.

    Every authenticated request asks this first. In an explicit transaction it costs three
    round trips to Neo4j (BEGIN, the query, ROLLBACK), with `execute_query` two (its managed
    transaction commits); as an auto-commit query one, and it reads the same committed state
    (a revoked token or a deactivated user is refused from the moment that change committed).
    """
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        record = session.run(USER_OF_HASH, hash=token_hash, now=now).single()
    return _user(record["u"]) if record else None


def _user(node: Any) -> User:
    locked = node.get("locked_until")
    last_login = node.get("last_login_at")
    return User(
        username=node["username"],
        role=Role(node["role"]),
        agency=Agency(node["agency"]) if node.get("agency") else None,
        password_hash=node["password_hash"],
        failed_logins=node.get("failed_logins", 0),
        locked_until=locked.to_native() if locked is not None else None,
        active=node.get("active", True),
        must_change_password=node.get("must_change_password", False),
        version=node.get("version", 1),
        last_login_at=last_login.to_native() if last_login is not None else None,
    )


class UserRepository:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def add(self, user: User, now: datetime) -> bool:
        """Create the user; False when the username is taken."""
        record = self._tx.run(
            """
            MERGE (u:User {username: $username})
            ON CREATE SET u.role = $role, u.agency = $agency, u.password_hash = $hash,
                          u.failed_logins = 0, u.active = true, u.created_at = $now,
                          u.must_change_password = false, u.version = 1, u._new = true
            WITH u, coalesce(u._new, false) AS created
            REMOVE u._new
            RETURN created
            """,
            username=user.username,
            role=user.role.value,
            agency=user.agency.value if user.agency else None,
            hash=user.password_hash,
            now=now,
        ).single()
        return bool(record and record["created"])

    def get(self, username: str) -> User | None:
        record = self._tx.run(
            "MATCH (u:User {username: $username}) RETURN u", username=username
        ).single()
        return _user(record["u"]) if record else None

    def lock_for_update(self, username: str) -> User | None:
        """Read the user while holding its write lock, so login attempts are counted exactly."""
        record = self._tx.run(
            "MATCH (u:User {username: $username}) SET u._lock = true REMOVE u._lock RETURN u",
            username=username,
        ).single()
        return _user(record["u"]) if record else None

    def record_failure(self, username: str, locked_until: datetime | None) -> None:
        self._tx.run(
            """
            MATCH (u:User {username: $username})
            SET u.failed_logins = CASE WHEN $locked IS NULL THEN u.failed_logins + 1 ELSE 0 END,
                u.locked_until = $locked
            """,
            username=username,
            locked=locked_until,
        )

    def record_success(self, username: str, now: datetime) -> None:
        self._tx.run(
            """
            MATCH (u:User {username: $username})
            SET u.failed_logins = 0, u.locked_until = null, u.last_login_at = $now
            """,
            username=username,
            now=now,
        )

    def set_password(self, username: str, password_hash: str) -> bool:
        record = self._tx.run(
            "MATCH (u:User {username: $username}) SET u.password_hash = $hash RETURN u.username",
            username=username,
            hash=password_hash,
        ).single()
        return record is not None

    def update(self, username: str, changes: UserChanges) -> User | None:
        """Apply `changes` and count the version up; None when there is no such user."""
        record = self._tx.run(
            """
            MATCH (u:User {username: $username})
            SET u += $changes, u.version = coalesce(u.version, 1) + 1
            RETURN u
            """,
            username=username,
            changes=dict(changes),
        ).single()
        return _user(record["u"]) if record else None

    def revoke_tokens(self, username: str, now: datetime) -> int:
        """Revoke every live token of the user (deactivation, a password reset or change)."""
        record = self._tx.run(
            """
            MATCH (t:Token)-[:FOR]->(:User {username: $username})
            WHERE t.revoked_at IS NULL AND t.expires_at > $now
            SET t.revoked_at = $now
            RETURN count(t) AS n
            """,
            username=username,
            now=now,
        ).single()
        return int(record["n"]) if record else 0

    def all_users(self) -> list[User]:
        return [_user(r["u"]) for r in self._tx.run("MATCH (u:User) RETURN u ORDER BY u.username")]

    def add_token(
        self, token_hash: str, username: str, issued_at: datetime, expires_at: datetime
    ) -> None:
        self._tx.run(
            """
            MATCH (u:User {username: $username})
            CREATE (t:Token {hash: $hash, issued_at: $issued, expires_at: $expires})
            CREATE (t)-[:FOR]->(u)
            """,
            username=username,
            hash=token_hash,
            issued=issued_at,
            expires=expires_at,
        )

    def user_for_token(self, token_hash: str, now: datetime) -> User | None:
        record = self._tx.run(USER_OF_HASH, hash=token_hash, now=now).single()
        return _user(record["u"]) if record else None

    def revoke_token(self, token_hash: str, now: datetime) -> None:
        self._tx.run(
            "MATCH (t:Token {hash: $hash}) WHERE t.revoked_at IS NULL SET t.revoked_at = $now",
            hash=token_hash,
            now=now,
        )

    def purge_expired_tokens(self, now: datetime) -> int:
        record = self._tx.run(
            """
            MATCH (t:Token) WHERE t.expires_at < $now
            WITH t LIMIT 10000 DETACH DELETE t RETURN count(*) AS n
            """,
            now=now,
        ).single()
        return int(record["n"]) if record else 0
