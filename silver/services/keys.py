"""Master-key rotation: every case's data key re-wrapped under the current master key.

The case content is untouched: only the small wrapped data keys change, so a rotation is quick
and a case sealed under the old master key stays readable throughout (the keyring keeps the old
key until every wrapped key has moved).
"""

from __future__ import annotations

from silver.domain.uow import AbstractUnitOfWork
from silver.infra import crypto
from silver.services.progress import Track, untracked


def rewrap_all(
    uow: AbstractUnitOfWork, ring: crypto.MasterKeyring, track: Track = untracked
) -> int:
    """Re-wrap under `ring`'s current key every data key wrapped under another; returns how
    many moved. One transaction: either every key moves or none does."""
    with uow:
        moved = 0
        # Read first (a few hundred bytes per case), so the progress knows the total.
        wrapped_keys = list(uow.keyring.wrapped_keys())
        for owner, wrapped in track(wrapped_keys, len(wrapped_keys), "re-wrapping data keys"):
            if crypto.wrapped_key_id(wrapped) != ring.current_id:
                uow.keyring.store_wrapped(owner, crypto.rewrap_data_key(ring, wrapped, owner))
                moved += 1
        uow.commit()
    return moved
