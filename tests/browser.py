"""Browser tests' shared parts: Debian's Chromium under Playwright, a real HTTP server, and
axe-core's accessibility audit.

Playwright never downloads a browser here: it drives /usr/bin/chromium (`make browser`).
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.1 levels A and AA (axe-core's tags).
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
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
def seeded_site(folder: Path, request) -> Iterator[str]:
    """The application with the sample data of `make run` (`directory seed`), in ``folder``,
    on a real local HTTP server; yields its base URL."""
    from tests.conftest import make_app

    app = make_app(folder / "directory.sqlite3", "embedded", request)
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with serve(app) as url:
        yield url


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
    browser: Browser,
    javascript: bool = True,
    width: int = 1280,
    height: int = 900,
    storage_state=None,
) -> BrowserContext:
    """A French-speaking browser window; ``storage_state``: the cookies of another context
    (Playwright's storage_state), to be signed in as it is."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        java_script_enabled=javascript,
        storage_state=storage_state,
    )
    context.set_default_timeout(10_000)
    return context


def axe_violations(page, tags: tuple[str, ...] | None = WCAG_21_AA) -> list[dict]:
    """What axe-core finds wrong on the page as it is now: each rule broken, with its first
    elements. ``tags=None`` runs every rule, best practices included."""
    # Evaluated by the browser's devtools channel: the page's CSP forbids an inline script tag.
    page.evaluate(AXE.read_text())
    options = {"runOnly": {"type": "tag", "values": list(tags)}} if tags else {}
    result = page.evaluate("async options => await axe.run(document, options)", options)
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def described(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)
