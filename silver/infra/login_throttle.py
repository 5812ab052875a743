"""The login lockout in Redis: failed logins counted per username, whether it exists or not.

The count used to live on the User node, which exists only for real usernames: a lockout then
told an attacker which usernames exist. Here every username typed is counted the same way (by
a hash of it, so Redis holds no usernames): `threshold` failures in a row lock it for
`lock_seconds`, and a success clears the count. A failure is forgotten a day after the last
one (after the lock, if any, has ended), which bounds what Redis keeps; the per-address rate
limit bounds how fast anyone can add names.

Redis being unreachable makes logins unavailable (503) rather than unthrottled.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime

import redis

from silver.domain.errors import Unavailable

FORGET_AFTER_SECONDS = 24 * 3600
PREFIX = "silver:login-failures:"

# Atomic per username: count one failure unless locked; lock at the threshold.
_FAILED = """
local locked = tonumber(redis.call('HGET', KEYS[1], 'locked_until') or '0')
local now = tonumber(ARGV[1])
if locked > now then return tostring(locked) end
local result = '0'
if redis.call('HINCRBY', KEYS[1], 'failures', 1) >= tonumber(ARGV[2]) then
  result = tostring(now + tonumber(ARGV[3]))
  redis.call('HSET', KEYS[1], 'failures', 0, 'locked_until', result)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return result
"""


def _key(username: str) -> str:
    return PREFIX + hashlib.sha256(username.strip().casefold().encode()).hexdigest()


class RedisLoginThrottle:
    def __init__(self, connection: redis.Redis) -> None:
        self._redis = connection
        self._failed = connection.register_script(_FAILED)

    def locked_for(self, username: str, now: datetime) -> int:
        try:
            raw = self._redis.hget(_key(username), "locked_until")
        except redis.RedisError as exc:
            raise Unavailable("logins are unavailable for a moment; try again") from exc
        left = float(raw or 0) - now.timestamp()
        return max(0, math.ceil(left))

    def failed(
        self, username: str, now: datetime, threshold: int, lock_seconds: int
    ) -> datetime | None:
        try:
            raw = self._failed(
                keys=[_key(username)],
                args=[
                    now.timestamp(),
                    threshold,
                    lock_seconds,
                    lock_seconds + FORGET_AFTER_SECONDS,
                ],
            )
        except redis.RedisError as exc:
            raise Unavailable("logins are unavailable for a moment; try again") from exc
        until = float(raw or 0)
        return datetime.fromtimestamp(until, UTC) if until > now.timestamp() else None

    def succeeded(self, username: str) -> None:
        try:
            self._redis.delete(_key(username))
        except redis.RedisError as exc:
            raise Unavailable("logins are unavailable for a moment; try again") from exc
