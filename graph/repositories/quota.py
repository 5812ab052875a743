"""The pilot's quota in the graph: one counter node that every approval takes a slot from.

The counter is the one record of the quota used: the screening reads it, the approval takes a
slot under its write lock, and the statistics report it.
"""

from __future__ import annotations

QUOTA_USED = """
OPTIONAL MATCH (q:QuotaCounter {id: 'pilot'})
RETURN coalesce(q.used, 0) AS used
"""

# Count one approval, atomically: the counter's write lock orders concurrent approvals, so two
# cannot both take the last slot. No row when the quota is used up.
TAKE_SLOT = """
MERGE (q:QuotaCounter {id: 'pilot'}) ON CREATE SET q.used = 0
SET q._lock = true REMOVE q._lock
WITH q WHERE q.used < $limit
SET q.used = q.used + 1
RETURN q.used AS used
"""
