"""Browser fixtures: the real app served on an ephemeral loopback port, and Debian's Chromium
driven by Playwright (never a browser that Playwright downloads)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from silver.bootstrap import Silver as Services
from silver.infra.config import PROJECT_ROOT
from tests.integration.conftest import TEST_ENV
from wsgi import create_app

CHROMIUM = Path(os.environ.get("SILVER_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "browser"


@dataclass
class LiveServer:
    app: Flask
    url: str

    @property
    def svc(self) -> Services:
        svc: Services = self.app.extensions["silver"]
        return svc


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The whole app (pages and API) in a thread, as a browser reaches it."""
    app = create_app({**os.environ, **TEST_ENV})
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="silver-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["silver"].close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `make test` installs Debian's `chromium` "
            "package (or run `apt-get install chromium`); set SILVER_CHROMIUM to use another "
            "binary",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        if old.is_file():
            old.unlink()
    return ARTIFACTS
