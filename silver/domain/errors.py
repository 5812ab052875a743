"""Domain errors: what went wrong, in words a user can act on.

The domain does not speak HTTP: `api/errors.py` maps each class to its status and title (and the
web pages reuse that map), so the same refusal is a 409 in the API and a message above a form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SilverError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConfigError(SilverError):
    """The configuration is missing or malformed."""


class ValidationFailed(SilverError):
    """Input that breaks the contract; `errors` names each field path and what is wrong."""

    def __init__(self, errors: Mapping[str, Sequence[str]], detail: str | None = None) -> None:
        super().__init__(detail or "The request has invalid fields: " + ", ".join(sorted(errors)))
        self.errors = {k: list(v) for k, v in errors.items()}


class Unauthenticated(SilverError):
    """No valid credentials."""


class Forbidden(SilverError):
    """The user's role may not do this."""


class NotFound(SilverError):
    """No such thing, or the user may not know that it exists."""


class Conflict(SilverError):
    """Not possible in the current state (a status, a rule, the quota)."""


class PreconditionFailed(SilverError):
    """Someone else changed it since the user read it."""


class PreconditionRequired(SilverError):
    """An edit without the version it was based on."""


class TooManyAttempts(SilverError):
    """Locked out for a while; `retry_after` in seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class PasswordChangeRequired(Forbidden):
    """The password is right, but it was set by an admin (or has to be replaced): the user must
    choose a new one before anything else."""


class CryptoError(SilverError):
    """A key is missing or malformed, or data failed authentication."""


class DecryptionFailed(CryptoError):
    """Sealed data failed authentication (a wrong key or tampering)."""


class Unavailable(SilverError):
    """A dependency is not ready (e.g. the graph was never initialised)."""


class StorageUnavailable(Unavailable):
    """The graph database did not answer, or asked for the transaction to be tried again (a
    deadlock, a leader switch, a restart). `retryable` is true when nothing of the unit of
    work was committed, so the whole of it may run again; false when the commit itself was cut
    off (it may or may not have happened)."""

    def __init__(self, detail: str, *, retryable: bool) -> None:
        super().__init__(detail)
        self.retryable = retryable


class Contention(StorageUnavailable):
    """The database gave up on the transaction because others held the locks it needed (a
    deadlock, a lock wait too long): nothing was stored, and the same work tried again
    succeeds (`silver.services.retry.on_contention`, and the facade's `retrying`)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, retryable=True)
