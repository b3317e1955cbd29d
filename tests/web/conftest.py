"""Fixtures of the public pages: the sample directory, loaded through the import service."""

import pytest

from tests.ban_server import BanServer
from tests.browser import new_context, seeded_site, serve
from tests.conftest import import_records, make_app
from tests.web.web_sample import SERVICES, STRUCTURES


@pytest.fixture
def sample(load):
    load(STRUCTURES, SERVICES)


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory, request):
    """The application with the sample data of `make run`, served over HTTP (one per module)."""
    with seeded_site(tmp_path_factory.mktemp("seeded"), request) as url:
        yield url


@pytest.fixture
def page(browser):
    """A desktop browser tab, JavaScript on."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, request):
    """The application on a real local HTTP server, with the sample directory imported and
    the BAN stand-in to locate addresses."""
    folder = tmp_path_factory.mktemp("served")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    import_records(app, folder, STRUCTURES, SERVICES)
    with BanServer() as ban, serve(app) as base_url:
        app.config["BAN_URL"] = ban.url
        yield base_url
