"""The State design system, served from node_modules, and the pages without it."""

import json
import re
from pathlib import Path

import pytest

from directory.web import assets
from tests.web.html_page import parse

ROOT = Path(__file__).resolve().parents[2]


def stylesheets(client, url: str = "/") -> list[str]:
    return [
        link.get("href") for link in parse(client.get(url).data).find_all("link", rel="stylesheet")
    ]


def test_the_design_system_is_pinned_to_an_exact_version():
    package = json.loads((ROOT / "package.json").read_text())
    version = package["dependencies"]["@gouvfr/dsfr"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@gouvfr/dsfr"]["version"] == version


def test_pages_load_the_design_system_from_node_modules(client):
    assert assets.dsfr_available(), "run `make assets` (npm ci) first"
    sheets = stylesheets(client)
    assert "/static/dsfr/dsfr.min.css" in sheets
    assert "/static/annuaire.css" in sheets
    for href in sheets:
        response = client.get(href)
        assert response.status_code == 200, href
        assert response.mimetype == "text/css"
    font = client.get("/static/dsfr/fonts/Marianne-Regular.woff2")
    assert font.status_code == 200 and font.data


@pytest.mark.parametrize(
    "path",
    [
        "/static/dsfr/../package.json",
        "/static/dsfr/%2e%2e/%2e%2e/package.json",
        "/static/dsfr/..%2f..%2fpackage.json",
        "/static/dsfr//etc/passwd",
        "/static/dsfr/absent.css",
    ],
)
def test_nothing_outside_the_distribution_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'"@gouvfr/dsfr"' not in response.data and b"root:" not in response.data


def test_without_node_modules_the_pages_are_plain_readable_html(client, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "DSFR_DIST", tmp_path / "absent")
    response = client.get("/")
    assert response.status_code == 200
    assert not [href for href in stylesheets(client) if "/dsfr/" in href]
    assert "/static/annuaire.css" in stylesheets(client)
    assert client.get("/static/dsfr/dsfr.min.css").status_code == 404
    assert "Trouver un partenaire" in parse(response.data).find("h1").text
