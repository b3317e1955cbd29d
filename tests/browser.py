"""Browser tests' shared parts: Debian's Chromium under Playwright, and a real HTTP server.

Playwright never downloads a browser here: it drives /usr/bin/chromium (`make browser`).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        """Requests are what the assertions look at; no need for a log line each."""


@contextmanager
def serve(app) -> Iterator[str]:
    """The application on a real local HTTP server, on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(
    browser: Browser, javascript: bool = True, width: int = 1280, height: int = 900
) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    return context
