"""Domain errors. The API turns each into an application/problem+json response."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SilverError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConfigError(SilverError):
    title = "Configuration error"
    status = 500


class ValidationFailed(SilverError):
    status = 422
    title = "Validation failed"

    def __init__(self, errors: Mapping[str, Sequence[str]], detail: str | None = None) -> None:
        super().__init__(detail or "The request has invalid fields: " + ", ".join(sorted(errors)))
        self.errors = {k: list(v) for k, v in errors.items()}


class Unauthenticated(SilverError):
    status = 401
    title = "Unauthorized"


class Forbidden(SilverError):
    status = 403
    title = "Forbidden"


class NotFound(SilverError):
    status = 404
    title = "Not found"


class Conflict(SilverError):
    status = 409
    title = "Conflict"


class PreconditionFailed(SilverError):
    status = 412
    title = "Precondition failed"


class PreconditionRequired(SilverError):
    status = 428
    title = "Precondition required"


class TooManyAttempts(SilverError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class CryptoError(SilverError):
    """A key is missing or malformed, or data failed authentication."""

    status = 500
    title = "Cryptographic failure"


class DecryptionFailed(CryptoError):
    pass


class Unavailable(SilverError):
    """A dependency is not ready (e.g. the graph was never initialised)."""

    status = 503
    title = "Service unavailable"
