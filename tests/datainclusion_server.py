"""A local HTTP server speaking data·inclusion's API v1 (what `directory datainclusion sync`
reads), so that the sync is tested without the Internet.

As the real API (gip-inclusion/data-inclusion, api/src/data_inclusion/api): a Bearer token;
GET /structures and /services filtered by ``code_departement`` (the code_insee begins with
it) and ``sources`` (repeated), paginated by ``page`` and ``size`` (default 5,000, at most
10,000; 422 beyond, as FastAPI says it) into ``{"items", "total", "page", "size", "pages"}``
where ``size`` is the number of items of the page; GET /sources lists ``{slug, nom,
description}``. Records carry what the API adds to the schema: ``score_qualite``, and the
structures' ``doublons``. ``faults`` makes a page answer errors first (429 with Retry-After,
500…).
"""

import json
import math
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .ban_server import LocalServer

PREFIX = "/api/v1"
DEFAULT_SIZE = 5000
MAX_SIZE = 10000
TOKEN = "jeton-de-test"


def di_structure(id: str, source: str = "dora", **fields) -> dict:
    """A structure as data·inclusion's /structures lists it."""
    return {
        "source": source,
        "id": f"{source}--{id}",
        "nom": f"Structure {id}",
        "date_maj": "2026-03-01",
        "siret": None,
        "lien_source": None,
        "commune": "Paris",
        "code_postal": "75011",
        "code_insee": "75111",
        "adresse": "48 rue de la Roquette",
        "complement_adresse": None,
        "longitude": 2.373429,
        "latitude": 48.855425,
        "telephone": None,
        "courriel": None,
        "site_web": None,
        "description": None,
        "horaires_accueil": None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": None,
        "score_qualite": 0.5,
        "doublons": [],
        **fields,
    }


def di_service(id: str, structure: str, source: str = "dora", **fields) -> dict:
    """A service as data·inclusion's /services lists it."""
    return {
        "source": source,
        "id": f"{source}--{id}",
        "structure_id": f"{source}--{structure}",
        "nom": f"Service {id}",
        "description": "Un accompagnement pour les personnes primo-arrivantes.",
        "lien_source": None,
        "date_maj": "2026-03-01",
        "type": "accompagnement",
        "thematiques": ["lecture-ecriture-calcul--maitriser-le-francais"],
        "frais": "gratuit",
        "frais_precisions": None,
        "publics": ["tous-publics"],
        "publics_precisions": None,
        "conditions_acces": None,
        "commune": "Paris",
        "code_postal": "75011",
        "code_insee": "75111",
        "adresse": "48 rue de la Roquette",
        "complement_adresse": None,
        "longitude": 2.373429,
        "latitude": 48.855425,
        "telephone": None,
        "courriel": None,
        "contact_nom_prenom": None,
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": None,
        "lien_mobilisation": None,
        "modes_mobilisation": None,
        "mobilisable_par": None,
        "mobilisation_precisions": None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
        "horaires_accueil": None,
        "score_qualite": 0.7,
        **fields,
    }


SOURCES = [
    {"slug": "dora", "nom": "DORA", "description": None},
    {"slug": "soliguide", "nom": "Soliguide", "description": None},
]


class DataInclusionHandler(BaseHTTPRequestHandler):
    server_state: "DataInclusionServer"

    def do_GET(self) -> None:
        state = self.server_state
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        path = url.path.removeprefix(PREFIX)
        state.requests.append((path, params))
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self.refuse()
            return
        page = int(params.get("page", ["1"])[0])
        queued = state.faults.get((path, page))
        if queued:
            status, headers = queued.pop(0)
            self.answer(status, {"detail": HTTPStatus(status).phrase}, headers)
            return
        if path == "/sources":
            self.answer(200, SOURCES)
        elif path in ("/structures", "/services"):
            self.list_page(state.structures if path == "/structures" else state.services, params)
        else:
            self.answer(404, {"detail": "Not Found"})

    def refuse(self) -> None:
        """What FastAPI's HTTPBearer answers without a token (401), and data·inclusion for
        a token it does not recognise (403)."""
        if self.server_state.refusal == 401:
            self.answer(401, {"detail": "Not authenticated"}, {"WWW-Authenticate": "Bearer"})
        else:
            self.answer(403, {"detail": "Forbidden"})

    def list_page(self, records: list[dict], params: dict) -> None:
        page = int(params.get("page", ["1"])[0])
        size = int(params.get("size", [str(DEFAULT_SIZE)])[0])
        if not 1 <= size <= MAX_SIZE:
            detail = {
                "type": "less_than_equal",
                "loc": ["query", "size"],
                "msg": f"Input should be less than or equal to {MAX_SIZE}",
                "input": str(size),
                "ctx": {"le": MAX_SIZE},
            }
            self.answer(422, {"detail": [detail]})
            return
        departement = params.get("code_departement", [""])[0]
        sources = params.get("sources")
        selected = [
            record
            for record in records
            if (record.get("code_insee") or "").startswith(departement)
            and (sources is None or record["source"] in sources)
        ]
        items = selected[size * (page - 1) : size * page]
        body = {
            "items": items,
            "total": len(selected),
            "page": page,
            "size": len(items),
            "pages": math.ceil(len(selected) / size),
        }
        self.answer(200, body)

    def answer(self, status: int, body: object, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        """Quiet."""


class DataInclusionServer(LocalServer):
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.refusal = 401
        self.structures: list[dict] = []
        self.services: list[dict] = []
        # (path, page) -> answers given before the page itself: [(status, headers)…]
        self.faults: dict[tuple[str, int], list[tuple[int, dict]]] = {}
        self.requests: list[tuple[str, dict]] = []
        super().__init__(type("Handler", (DataInclusionHandler,), {"server_state": self}))

    @property
    def url(self) -> str:
        return super().url + PREFIX
