"""A local stand-in for the dissemination gateway, for tests and benchmarks.

A real HTTP server on 127.0.0.1 (an ephemeral port) in a daemon thread. It behaves as the
contract expects of a gateway: it deduplicates on `Idempotency-Key` (a repeat gets 200 and the
first receipt, and is not delivered again), optionally checks `X-Silver-Signature`, and can be
told to fail the first N attempts of each key with 503, to refuse with a 4xx problem, or to be
slow. Given an `ssl.SSLContext` (`tls=`, see tests/support/tls.py) it serves https://, and
with a context that requires client certificates it is a mutual-TLS gateway.

    with Gateway(public_pem=key.public_pem(), fail_first=1) as gateway:
        HttpTransport(gateway.url).send(...)
"""

from __future__ import annotations

import json
import ssl
import threading
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from silver.services import messages

PATH = "/messages"


class _Server(ThreadingHTTPServer):
    gateway: Gateway


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the gateway's records, not its log."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer, content_type = self.server.gateway.handle(
            key=self.headers.get("Idempotency-Key"),
            key_id=self.headers.get("X-Silver-Key-Id"),
            signature=self.headers.get("X-Silver-Signature"),
            body=body,
            jws=self.headers.get("X-Silver-JWS"),
        )
        payload = json.dumps(answer).encode() if content_type.endswith("json") else answer
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _problem(status: int, detail: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }


class Gateway:
    """The gateway; its records (`accepted`, `attempts`, ...) are safe to read from any thread.

    `reject_with=(status, reason)` refuses every new key with that status; the reason is the
    problem's `detail`, or the whole body as text/plain when `problem_json` is False.
    `delay` is the time (seconds) it waits before answering any request;
    `hold_after_accept` the time it waits after it has accepted a new message and before it
    answers (a sender killed meanwhile never learns that its message arrived).
    """

    def __init__(
        self,
        *,
        public_pem: str | None = None,
        fail_first: int = 0,
        reject_with: tuple[int, str] | None = None,
        problem_json: bool = True,
        delay: float = 0.0,
        hold_after_accept: float = 0.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.public_pem = public_pem
        self.fail_first = fail_first
        self.reject_with = reject_with
        self.problem_json = problem_json
        self.delay = delay
        self.hold_after_accept = hold_after_accept
        self.tls = tls
        self.accepted: dict[str, bytes] = {}
        self.receipts: dict[str, str] = {}
        self.key_ids: dict[str, str] = {}
        self.jws: dict[str, str] = {}
        self.attempts: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the gateway is not running")
        host, port = self._server.server_address[:2]
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host!s}:{port}{PATH}"

    def __enter__(self) -> Gateway:
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        if self.tls is not None:
            # The handshake runs when a connection is accepted; a client refused there (no or
            # a wrong certificate) is dropped by socketserver without a request.
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        server.gateway = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None

    def handle(
        self,
        *,
        key: str | None,
        key_id: str | None,
        signature: str | None,
        body: bytes,
        jws: str | None = None,
    ) -> tuple[int, Any, str]:
        """Decide one request: (status, answer, content type)."""
        if self.delay:
            self._stopping.wait(self.delay)
        if not key:
            return 400, _problem(400, "Idempotency-Key is missing"), "application/problem+json"
        with self._lock:
            self.attempts[key] += 1
            if key in self.accepted:
                self.duplicates[key] += 1
                return 200, {"receipt": self.receipts[key]}, "application/json"
            refusal = self._refusal(key, signature, body)
            if refusal is not None:
                return refusal
            self.accepted[key] = body
            self.key_ids[key] = key_id or ""
            if jws:
                self.jws[key] = jws
            self.receipts[key] = f"gw-{len(self.accepted)}-{key}"
            receipt = self.receipts[key]
        if self.hold_after_accept:
            self._stopping.wait(self.hold_after_accept)
        return 200, {"receipt": receipt}, "application/json"

    def _refusal(self, key: str, signature: str | None, body: bytes) -> tuple[int, Any, str] | None:
        if self.attempts[key] <= self.fail_first:
            return 503, _problem(503, "gateway busy, try again"), "application/problem+json"
        if self.reject_with is not None:
            status, reason = self.reject_with
            if self.problem_json:
                return status, _problem(status, reason), "application/problem+json"
            return status, reason.encode(), "text/plain; charset=utf-8"
        if self.public_pem is not None and not messages.verify(
            self.public_pem, body, signature or ""
        ):
            problem = _problem(401, "X-Silver-Signature does not verify")
            return 401, problem, "application/problem+json"
        return None
