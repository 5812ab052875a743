"""Keyed blind indexes: how the graph matches values it must not hold in plaintext.

A blind index is HMAC-SHA256 over a kind and a normalised value under the index key. Equal inputs
give equal indexes, so two cases (or a case and a reference entity) that know the same IBAN meet
at one node, while the value itself is never stored. Without the index key an index cannot be
recomputed from a guessed value, which is what protects low-entropy keys (names, birth dates).
"""

from __future__ import annotations

import hashlib
import hmac


def blind_index(index_key: bytes, kind: str, normalised_value: str) -> str:
    """A keyed hash of a normalised identifier: equal inputs match, the value stays hidden."""
    message = f"{kind}\x1f{normalised_value}".encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()
