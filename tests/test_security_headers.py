"""Security headers on every answer — pages, API, files, errors — over the WSGI client and a
real gunicorn; and pages that run in Chromium without any Content-Security-Policy violation."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import new_context, serve
from tests.conftest import free_port, import_records, make_app
from tests.web.web_sample import SERVICES, STRUCTURES

GUNICORN = Path(sys.executable).with_name("gunicorn")
ANSWERS = {
    "search page": "/",
    "service page": "/services/fle-debutants",
    "sign-in page": "/admin/connexion",
    "missing page": "/services/absent",
    "search API": "/api/v1/search/services?q=fran%C3%A7ais",
    "API error": "/api/v1/search/services?size=0",
    "style sheet": "/static/annuaire.css",
}


@pytest.fixture
def sample(load):
    load(STRUCTURES, SERVICES)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def assert_protected(headers) -> None:
    policy = directives(headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ANSWERS.values(), ids=ANSWERS.keys())
def test_every_answer_carries_the_security_headers(app, sample, client, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404)
    assert_protected(response.headers)


def test_hsts_only_when_cookies_are_secure(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=63072000"
    app.config["SESSION_COOKIE_SECURE"] = False
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_the_reset_page_keeps_its_stricter_referrer_policy(app, client):
    response = client.get("/admin/reinitialiser/invente")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_map_tile_server_is_the_only_other_image_source(app, client):
    app.config["MAP_TILES_URL"] = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    policy = directives(client.get("/").headers["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:", "https://*.tile.example.org"]
    assert policy["connect-src"] == ["'self'"] and policy["default-src"] == ["'self'"]


@pytest.fixture
def gunicorn_url(tmp_path):
    """The application under gunicorn, as production serves it, on a free port."""
    port = free_port()
    env = os.environ | {
        "DIRECTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
        "DIRECTORY_EMBEDDED_INDEX_URL": f"sqlite:///{tmp_path / 'index.sqlite3'}",
        "DIRECTORY_SECRET_KEY": "gunicorn-test",
    }
    command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        [*command, "directory:create_app()"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/admin/connexion", timeout=5)
                break
            except OSError:  # refused, or accepted while the worker still loads the app
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_names_no_version_and_sends_the_headers(gunicorn_url):
    with urllib.request.urlopen(gunicorn_url + "/admin/connexion") as response:
        assert response.headers["Server"] == "gunicorn"
        assert_protected(response.headers)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(gunicorn_url + "/api/v1/search/services?size=0")
    assert error.value.headers["Server"] == "gunicorn"
    assert_protected(error.value.headers)


# -- in a real browser ---------------------------------------------------------------------

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("csp")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    import_records(app, folder, STRUCTURES, SERVICES)
    with serve(app) as base_url:
        yield base_url


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "scripted"),
    [
        # The map (Leaflet, map.js) and the facets (search.js).
        ("/?lat=48.88&lon=2.355", ".leaflet-marker-icon"),
        # The referral sheet's print button, shown by print.js.
        ("/fiche?services=fle-debutants&age=28", "[data-print]"),
        ("/admin/connexion", None),
    ],
    ids=["search-map", "sheet", "sign-in"],
)
def test_pages_run_without_a_csp_violation(browser, base_url, path, scripted):
    context = new_context(browser)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if scripted:  # the page's own scripts ran
            expect(page.locator(scripted).first).to_be_visible()
        assert page.evaluate("window.cspViolations") == []
        assert [text for text in console if "Content Security Policy" in text] == []
    finally:
        context.close()
