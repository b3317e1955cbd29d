"""A local HTTP server speaking the Base Adresse Nationale API (GET /search/?q=…), so that
geocoding is tested through geopy's real BANFrance client without the Internet."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# What api-adresse.data.gouv.fr answers for these queries (trimmed to one feature).
KNOWN = {
    "48 rue de la roquette 75011": {
        "label": "48 Rue de la Roquette 75011 Paris",
        "score": 0.9731,
        "housenumber": "48",
        "id": "75111_8284_00048",
        "name": "48 Rue de la Roquette",
        "postcode": "75011",
        "citycode": "75111",
        "city": "Paris",
        "district": "Paris 11e Arrondissement",
        "context": "75, Paris, Île-de-France",
        "type": "housenumber",
        "street": "Rue de la Roquette",
        "coordinates": [2.373429, 48.855425],
    },
    "30 rue de tanger 75019": {
        "label": "30 Rue de Tanger 75019 Paris",
        "score": 0.9652,
        "housenumber": "30",
        "id": "75119_9186_00030",
        "name": "30 Rue de Tanger",
        "postcode": "75019",
        "citycode": "75119",
        "city": "Paris",
        "district": "Paris 19e Arrondissement",
        "context": "75, Paris, Île-de-France",
        "type": "housenumber",
        "street": "Rue de Tanger",
        "coordinates": [2.371, 48.8848],
    },
    "1 place de l'hotel de ville 93200 saint-denis": {
        "label": "1 Place de l'Hôtel de Ville 93200 Saint-Denis",
        "score": 0.9311,
        "housenumber": "1",
        "id": "93066_4420_00001",
        "name": "1 Place de l'Hôtel de Ville",
        "postcode": "93200",
        "citycode": "93066",
        "city": "Saint-Denis",
        "context": "93, Seine-Saint-Denis, Île-de-France",
        "type": "housenumber",
        "street": "Place de l'Hôtel de Ville",
        "coordinates": [2.3574, 48.9358],
    },
    "zzzz": {
        "label": "Rue Zazie 13013 Marseille",
        "score": 0.21,
        "name": "Rue Zazie",
        "postcode": "13013",
        "citycode": "13213",
        "city": "Marseille",
        "type": "street",
        "coordinates": [5.43, 43.33],
    },
}


def feature_collection(query: str, limit: int) -> dict:
    found = KNOWN.get(" ".join(query.lower().replace(",", " ").split()))
    features = []
    if found:
        properties = {k: v for k, v in found.items() if k != "coordinates"}
        x, y = found["coordinates"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": properties | {"x": 652000.0, "y": 6862000.0, "importance": 0.7},
            }
        )
    return {
        "type": "FeatureCollection",
        "version": "draft",
        "features": features[:limit],
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": query,
        "limit": limit,
    }


class BanHandler(BaseHTTPRequestHandler):
    """Answers like the BAN; each server subclasses it with its own list of queries."""

    queries: list[str]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if url.path.rstrip("/") != "/search":
            self.answer(404, {"code": 404, "message": "Not found"})
            return
        query = params.get("q", [""])[0]
        self.queries.append(query)
        if len(query.strip()) < 3:
            message = "q must contain between 3 and 200 chars and start with a number or a letter"
            self.answer(400, {"code": 400, "detail": [message], "message": "Failed parsing query"})
            return
        self.answer(200, feature_collection(query, int(params.get("limit", ["5"])[0])))

    def answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        """Quiet."""


class LocalServer:
    """A handler class served on a free loopback port, in a thread, while in a ``with``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class BanServer(LocalServer):
    def __init__(self):
        self.queries: list[str] = []
        super().__init__(type("Handler", (BanHandler,), {"queries": self.queries}))


def unused_port_url() -> str:
    """The address of a port where nothing listens: a BAN that cannot be reached."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
