"""HTML pages made into PDF by WeasyPrint, which loads nothing from the network."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, request
from weasyprint import HTML
from weasyprint.urls import URLFetcher
from werkzeug.security import safe_join


class OwnFilesFetcher(URLFetcher):
    """What WeasyPrint may load: the application's static files, read from disk, and data:
    URIs (QR codes). Anything else is refused."""

    def __init__(self, static_url: str, static_folder: str):
        super().__init__(allowed_protocols={"file", "data"})
        self.static_path = urlsplit(static_url).path
        self.static_url, self.static_folder = static_url, static_folder

    def fetch(self, url, headers=None):
        if url.startswith(self.static_url):
            name = urlsplit(url).path.removeprefix(self.static_path)
            path = safe_join(self.static_folder, name)
            if path is None or not Path(path).is_file():
                raise ValueError(f"No such static file: {url}")
            url = Path(path).as_uri()
        elif not url.startswith("data:"):
            raise ValueError(f"Not loaded into a PDF: {url}")
        return super().fetch(url, headers)


def render(html: str) -> bytes:
    """The PDF of a page rendered by this request; its stylesheets come from the static
    folder."""
    static_url = request.url_root.rstrip("/") + current_app.static_url_path + "/"
    fetcher = OwnFilesFetcher(static_url, current_app.static_folder)
    return HTML(string=html, base_url=request.url_root, url_fetcher=fetcher).write_pdf()
