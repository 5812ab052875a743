"""How a signed message leaves Silver: into an outbox directory, or to an HTTP gateway.

A transport only moves bytes; it never builds or changes them. Each says what went wrong in
one of two ways, so the caller knows whether to try again: TransientError (the gateway or the
network may recover: retry with back-off) or PermanentError (the gateway refused this message:
retrying the same bytes cannot help).

Both are idempotent on the message id: the outbox keeps one pair of files per id, and the
gateway receives the id as `Idempotency-Key`.

The gateway is reached over https:// only (plain http:// to a loopback address, for a local
test gateway or a TLS sidecar), optionally with a client certificate (mutual TLS) and a CA of
its own (`GatewayTLS`, from SILVER_GATEWAY_CLIENT_CERT, _KEY and _CA).

Beside the contract's signature, a message may carry a JWS with its payload detached (RFC 7515
appendix F, see silver/infra/jose.py): the outbox writes it as `<message_id>.jws`, the gateway
receives it in a header of its own, `X-Silver-JWS`; the contract's files and headers stay as
they are.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import ssl
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from silver.infra.config import is_loopback

REASON_LIMIT = 500
RECEIPT_LIMIT = 200
RESPONSE_LIMIT = 64 * 1024
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})

_MESSAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
# TLS alerts by which a gateway refuses our certificate (or any we could send): retrying with
# the same configuration cannot succeed.
_REFUSED_CERTIFICATE_ALERTS = frozenset(
    {
        "TLSV13_ALERT_CERTIFICATE_REQUIRED",
        "SSLV3_ALERT_BAD_CERTIFICATE",
        "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        "SSLV3_ALERT_CERTIFICATE_EXPIRED",
        "SSLV3_ALERT_CERTIFICATE_REVOKED",
        "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
        "TLSV1_ALERT_UNKNOWN_CA",
        "TLSV1_ALERT_ACCESS_DENIED",
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
    }
)


class TransientError(Exception):
    """The message may go through later: a 5xx, a timeout, a refused or broken connection."""


class PermanentError(Exception):
    """The message was refused; `reason` is the gateway's own words, at most 500 characters."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Transport(ABC):
    """Delivers one signed message; returns a short receipt."""

    @abstractmethod
    def send(
        self,
        message_id: str,
        data: bytes,
        signature_b64: str,
        key_id: str,
        jws: str | None = None,
    ) -> str: ...


def _check_message_id(message_id: str) -> None:
    """The id becomes a file name and a header, so it may not carry a path or a line break."""
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"message id {message_id!r} is not a plain identifier")


# --- Outbox -------------------------------------------------------------------------------------


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part, even after a crash."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


class OutboxTransport(Transport):
    """Writes `<message_id>.json` (the exact bytes), `<message_id>.sig` (base64 text) and, when
    given, `<message_id>.jws` (the detached JWS, one line).

    The signatures are written first and the message last, so a `.json` that exists always has
    its `.sig`; a send cut off in between leaves only signatures, which the retry completes (a
    message delivered before JWS existed gets its `.jws` when it is sent again).
    Sending an id again with the same bytes changes nothing; with other bytes it is refused
    (PermanentError), because the pair already delivered must not be replaced. The key id is
    not written: the signing-key endpoint publishes it. Files are 0600 in a 0700 directory.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def message_ids(self) -> Iterator[str]:
        """The id of every message (or lone signature) in the outbox."""
        if not self.directory.is_dir():
            return
        seen: set[str] = set()
        for path in self.directory.iterdir():
            name = path.stem
            if (
                path.suffix in (".json", ".sig", ".jws")
                and _MESSAGE_ID.fullmatch(name)
                and name not in seen
            ):
                seen.add(name)
                yield name

    def remove(self, message_id: str) -> bool:
        """Delete a message's files (the message first, so a `.json` never lacks its `.sig`);
        True when there was something to delete."""
        _check_message_id(message_id)
        removed = False
        for suffix in (".json", ".sig", ".jws"):
            try:
                (self.directory / f"{message_id}{suffix}").unlink()
                removed = True
            except FileNotFoundError:
                pass
        return removed

    def send(
        self,
        message_id: str,
        data: bytes,
        signature_b64: str,
        key_id: str,
        jws: str | None = None,
    ) -> str:
        _check_message_id(message_id)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        message_path = self.directory / f"{message_id}.json"
        signature_path = self.directory / f"{message_id}.sig"
        jws_path = self.directory / f"{message_id}.jws"
        if message_path.exists():
            if message_path.read_bytes() != data:
                raise PermanentError(f"message {message_id} is in the outbox with other content")
            if jws and not jws_path.exists():
                _write_atomically(jws_path, jws.encode("ascii"))
            return str(message_path)
        _write_atomically(signature_path, signature_b64.encode("ascii"))
        if jws:
            _write_atomically(jws_path, jws.encode("ascii"))
        _write_atomically(message_path, data)
        return str(message_path)


# --- HTTP gateway -------------------------------------------------------------------------------


def _reason(status: int, body: bytes) -> str:
    """The gateway's reason: a problem+json `detail` (or `title`), else the body text."""
    text = body.decode("utf-8", errors="replace").strip()
    with contextlib.suppress(ValueError):
        problem = json.loads(text)
        if isinstance(problem, dict):
            for name in ("detail", "title"):
                value = problem.get(name)
                if isinstance(value, str) and value.strip():
                    text = value.strip()
                    break
    return (text or f"HTTP {status} without a reason")[:REASON_LIMIT]


def _receipt(status: int, body: bytes) -> str:
    """The gateway's `receipt` (or `id`) from a JSON answer, else the HTTP status."""
    with contextlib.suppress(ValueError):
        answer = json.loads(body.decode("utf-8", errors="replace"))
        if isinstance(answer, dict):
            for name in ("receipt", "id"):
                value = answer.get(name)
                if isinstance(value, str | int) and str(value).strip():
                    return str(value).strip()[:RECEIPT_LIMIT]
    return f"HTTP {status}"


@dataclass(frozen=True)
class GatewayTLS:
    """Mutual TLS towards the gateway: our certificate (and its key, unless the certificate
    file holds it) and the CA that signed the gateway's certificate (default: the system's)."""

    client_cert: Path | None = None
    client_key: Path | None = None
    ca: Path | None = None

    def context(self) -> ssl.SSLContext:
        """A verifying client context (TLS 1.2 at least); ValueError naming the variable whose
        file does not load."""
        try:
            context = ssl.create_default_context(cafile=str(self.ca) if self.ca else None)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"SILVER_GATEWAY_CA {self.ca}: {exc}") from None
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.client_cert is not None:
            try:
                context.load_cert_chain(
                    str(self.client_cert), str(self.client_key) if self.client_key else None
                )
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(
                    f"SILVER_GATEWAY_CLIENT_CERT/_KEY {self.client_cert}: {exc}"
                ) from None
        return context


class HttpTransport(Transport):
    """POSTs the exact bytes to the gateway, signed in headers, keyed by the message id.

    2xx is delivered; 5xx, 408, 425, 429, timeouts and connection failures are transient;
    any other status (other 4xx, and 1xx/3xx: redirects are not followed, because a redirected
    POST may lose its body) is permanent. `timeout` bounds each socket operation.

    TLS: a gateway certificate that does not verify, or a TLS alert refusing our certificate,
    is permanent (the same configuration cannot succeed; fix it, then a screener retries). A
    connection closed during or right after the handshake is transient, because it looks the
    same as a network failure; with TLS 1.3 that is also how a gateway that wants a client
    certificate we did not send usually answers, so the error then says to set one.
    """

    def __init__(self, url: str, timeout: float = 10, tls: GatewayTLS | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"gateway URL {url!r} must be an https:// URL")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise ValueError(
                f"gateway URL {url!r} must be an https:// URL (http:// only to a loopback address)"
            )
        if timeout <= 0:
            raise ValueError("the gateway timeout must be positive")
        self.url = url
        self.timeout = timeout
        self.tls = tls or GatewayTLS()
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._context = self.tls.context() if self._scheme == "https" else None

    def _connection(self) -> http.client.HTTPConnection:
        if self._context is not None:
            return http.client.HTTPSConnection(
                self._host, self._port, timeout=self.timeout, context=self._context
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _tls_error(self, exc: ssl.SSLError) -> Exception:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return PermanentError(
                f"the gateway's TLS certificate does not verify ({exc.verify_message}); "
                "check SILVER_GATEWAY_URL and SILVER_GATEWAY_CA"
            )
        if exc.reason in _REFUSED_CERTIFICATE_ALERTS:
            mine = self.tls.client_cert or "none is configured: set SILVER_GATEWAY_CLIENT_CERT"
            return PermanentError(
                f"the gateway refused the TLS connection ({exc.reason}); our client "
                f"certificate: {mine}"
            )
        hint = (
            "; if the gateway requires a client certificate, set SILVER_GATEWAY_CLIENT_CERT"
            if self.tls.client_cert is None
            else f"; check that the gateway accepts our client certificate {self.tls.client_cert}"
        )
        return TransientError(f"TLS connection to the gateway failed: {exc}{hint}")

    def _post(self, headers: dict[str, str], data: bytes) -> tuple[int, bytes]:
        connection = self._connection()
        try:
            connection.request("POST", self._target, body=data, headers=headers)
            with connection.getresponse() as response:
                return response.status, response.read(RESPONSE_LIMIT)
        except TimeoutError as exc:
            raise TransientError(f"gateway timed out after {self.timeout:g} s") from exc
        except ssl.SSLError as exc:
            raise self._tls_error(exc) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TransientError(f"gateway unreachable: {str(exc) or type(exc).__name__}") from exc
        finally:
            connection.close()

    def send(
        self,
        message_id: str,
        data: bytes,
        signature_b64: str,
        key_id: str,
        jws: str | None = None,
    ) -> str:
        _check_message_id(message_id)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, application/problem+json",
            "Idempotency-Key": message_id,
            "X-Silver-Key-Id": key_id,
            "X-Silver-Signature": signature_b64,
        }
        if jws:
            headers["X-Silver-JWS"] = jws
        status, body = self._post(headers, data)
        if 200 <= status < 300:
            return _receipt(status, body)
        if status >= 500 or status in RETRYABLE_CLIENT_STATUSES:
            raise TransientError(f"gateway answered {status}: {_reason(status, body)}")
        raise PermanentError(_reason(status, body), status)


def make_transport(
    name: str,
    outbox_dir: Path,
    gateway_url: str | None,
    timeout: float = 10,
    tls: GatewayTLS | None = None,
) -> Transport:
    """The transport that SILVER_TRANSPORT names, or a ValueError that says what to set."""
    if name == "outbox":
        return OutboxTransport(outbox_dir)
    if name == "http":
        if not gateway_url:
            raise ValueError("SILVER_TRANSPORT is 'http', so SILVER_GATEWAY_URL must be set")
        try:
            return HttpTransport(gateway_url, timeout, tls)
        except ValueError as exc:
            detail = str(exc)
            raise ValueError(
                detail if detail.startswith("SILVER_") else f"SILVER_GATEWAY_URL: {detail}"
            ) from None
    raise ValueError(f"SILVER_TRANSPORT must be 'outbox' or 'http', not {name!r}")
