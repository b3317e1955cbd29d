"""The data·inclusion-compatible API (/datainclusion/api/v1/) called exactly as its existing
clients call data·inclusion, on both search backends, and they get every result.

The calls are those of the clients' code (read in their repositories):
- les emplois de l'inclusion, gip-inclusion/les-emplois itou/utils/apis/data_inclusion.py:
  ``DataInclusionApiClient`` (base URL + "/api/v1/", Bearer token) — ``search_services(
  **params)`` reads one page with no ``size`` (data·inclusion's default, 5,000),
  ``search_sps_services(code_commune=…)``, ``services``/``structures`` through
  ``DataInclusionApiItemsIterator`` (``page``, ``size=5000``, until ``page >= pages``, each
  page loaded as ``DataInclusionApiPaginatedResponse(**body)``: exactly items, total, page,
  size, pages), ``sources()`` (slug, nom, description), ``doc(kind)`` for the eight kinds of
  its import command (value, label, description); ``retrieve_service`` of its older client.
- DORA, gip-inclusion/dora back/dora/data_inclusion/client.py: ``search_services`` (sources,
  score_qualite_minimum, code_insee, thematiques, types, frais, lat, lon and always
  ``exclure_doublons=true``), ``list_services(source=…)``, both paged with ``page=1, 2, …``
  until an empty page, and ``retrieve_service(source, id)``.
"""

from urllib.parse import urlencode

import pytest

from directory.services.accounts import create_user
from tests.factories import service, structure

BASE = "/datainclusion/api/v1"
TROUVER_UN_EMPLOI = "trouver-un-emploi--convaincre-un-recruteur-en-entretien"
SPS_NETWORKS = {"epide", "ecoles-de-la-deuxieme-chance", "plie", "alliance-villes-emploi"}
LES_EMPLOIS_DOC_KINDS = (
    "frais",
    "modes-accueil",
    "modes-mobilisation",
    "personnes-mobilisatrices",
    "publics",
    "reseaux-porteurs",
    "thematiques",
    "types-services",
)
LILLE = {"commune": "Lille", "code_postal": "59000", "code_insee": "59350", "adresse": "1 rue"}


def _structures() -> list[dict]:
    """A DORA structure and its Soliguide duplicate (data·inclusion names each in the other's
    ``doublons``), a partner of the directory, a structure in Lille."""
    return [
        structure(
            "dora--asso",
            source="dora",
            date_maj="2026-02-01",
            reseaux_porteurs=["alliance-villes-emploi"],
            doublons=[{"source": "soliguide", "id": "soliguide--asso"}],
        ),
        structure(
            "soliguide--asso",
            source="soliguide",
            date_maj="2026-03-01",
            doublons=[{"source": "dora", "id": "dora--asso"}],
        ),
        structure("partenaire", source="paris-partenaires"),
        structure("dora--lille", source="dora", **LILLE),
    ]


def _services() -> list[dict]:
    """44 services in Paris to find a job (20 of DORA in the 11e, 10 of them free; 4 of
    Soliguide, whose structure duplicates DORA's with lower scores; 20 of the partner,
    unscored), 7 about health (one of Soliguide), one in Lille."""
    job = {"thematiques": [TROUVER_UN_EMPLOI]}
    records = [
        service(
            f"dora--emploi-{n:02d}",
            "dora--asso",
            source="dora",
            score_qualite=0.8,
            frais="gratuit" if n < 10 else "payant",
            latitude=48.8554,
            longitude=2.3734,
            **job,
        )
        for n in range(20)
    ]
    soliguide = {"source": "soliguide", "score_qualite": 0.5}
    records += [
        service(f"soliguide--emploi-{n}", "soliguide--asso", **soliguide, **job) for n in range(4)
    ]
    records.append(
        service(
            "soliguide--sante", "soliguide--asso", **soliguide, thematiques=["sante--addictions"]
        )
    )
    records += [
        service(f"partenaire--emploi-{n:02d}", "partenaire", source="paris-partenaires", **job)
        for n in range(20)
    ]
    records += [
        service(
            f"partenaire--sante-{n}",
            "partenaire",
            thematiques=["sante--acces-aux-soins"],
            publics=["femmes"] if n < 2 else None,
            publics_precisions="Personnes sans domicile stable" if n == 5 else None,
        )
        for n in range(6)
    ]
    records.append(service("dora--lille-emploi", "dora--lille", source="dora", **LILLE, **job))
    return records


JOB_IN_PARIS = {r["id"] for r in _services() if r.get("thematiques") == [TROUVER_UN_EMPLOI]} - {
    "dora--lille-emploi"
}
EVERY_SERVICE = {r["id"] for r in _services()}


@pytest.fixture
def token(app, load) -> str:
    """The directory above, search not public, and a reader's API token."""
    load(_structures(), _services())
    app.config["PUBLIC_SEARCH"] = False
    with app.app_context():
        create_user("script@exemple.fr", "un mot de passe solide", "reader")
    result = app.test_cli_runner().invoke(
        args=["tokens", "create", "script@exemple.fr", "--label", "clients"]
    )
    return result.output.splitlines()[-1]


class LesEmplois:
    """The calls of les emplois' DataInclusionApiClient (base URL + "/api/v1/")."""

    def __init__(self, client, token: str, base_url: str = "/datainclusion"):
        self.client, self.prefix = client, base_url.rstrip("/") + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}"}

    def _request(self, route: str, params: dict):
        query = urlencode(params, doseq=True)
        response = self.client.get(f"{self.prefix}{route}?{query}", headers=self.headers)
        assert response.status_code == 200, response.get_json()  # raise_for_status()
        return response.get_json()

    def search_services(self, **params) -> list[dict]:
        return [r["service"] for r in self._request("/search/services", params)["items"]]

    def search_sps_services(self, *, code_commune: str) -> list[dict]:
        services = self.search_services(
            code_commune=code_commune,
            sources=["dora"],
            modes_accueil=["en-presentiel"],
            frais=["gratuit"],
        )
        return [
            s for s in services if SPS_NETWORKS & set(s["structure"].get("reseaux_porteurs") or [])
        ]

    def paginated(self, route: str, page_size: int = 5_000) -> list[dict]:
        """DataInclusionApiItemsIterator over DataInclusionApiPaginatedResponse(**body)."""
        items, page, seen = [], 1, set()
        while True:
            body = self._request(route, {"page": page, "size": page_size})
            assert set(body) == {"items", "total", "page", "size", "pages"}
            for item in body["items"]:
                if item["id"] not in seen:
                    seen.add(item["id"])
                    items.append(item)
            if body["page"] >= body["pages"]:
                return items
            page += 1

    def sources(self) -> list[dict]:
        return self._request("/sources", {})

    def doc(self, kind: str) -> list[dict]:
        return self._request(f"/doc/{kind}", {})

    def retrieve_service(self, source: str, id_: str) -> dict:
        return self._request(f"/services/{source}/{id_}", {})


class Dora:
    """The calls of DORA's DataInclusionClient (DATA_INCLUSION_EXCLUDE_DUPLICATES set)."""

    def __init__(self, client, token: str, base_url: str = BASE):
        self.client, self.base_url = client, base_url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.calls = 0

    def _get_pages(self, path: str, args: list[tuple]) -> list[dict]:
        page, data = 1, []
        while True:
            query = urlencode([*args, ("page", page)])
            response = self.client.get(f"{self.base_url}/{path}?{query}", headers=self.headers)
            self.calls += 1
            assert response.status_code == 200, response.get_json()  # log_and_raise
            items = response.get_json()["items"]
            data += items
            if not items:
                return data
            page += 1

    def search_services(self, code_insee=None, thematiques=None, frais=None, lat=None, lon=None):
        args = [("exclure_doublons", "true")]
        if code_insee is not None:
            args.append(("code_insee", code_insee))
        args += [("thematiques", t) for t in thematiques or ()]
        args += [("frais", f) for f in frais or ()]
        if lat is not None:
            args += [("lat", lat), ("lon", lon)]
        return self._get_pages("search/services", args)

    def list_services(self, source=None) -> list[dict]:
        return self._get_pages("services", [("source", source)] if source else [])

    def retrieve_service(self, source: str, id: str) -> dict:
        response = self.client.get(f"{self.base_url}/services/{source}/{id}", headers=self.headers)
        assert response.status_code == 200
        return response.get_json()


def ids(records) -> set[str]:
    return {record["id"] for record in records}


def service_ids(items) -> set[str]:
    """The services of search results ({"service": …, "distance": …})."""
    return {item["service"]["id"] for item in items}


def test_les_emplois_search_reads_every_result_on_its_one_page(client, token):
    les_emplois = LesEmplois(client, token)
    for code in ("75056", "75111", "75118"):
        found = les_emplois.search_services(code_commune=code, thematiques=["trouver-un-emploi"])
        assert ids(found) == JOB_IN_PARIS  # 44: every one, on data·inclusion's default page
        assert {s["structure"]["id"] for s in found} == {
            "dora--asso",
            "soliguide--asso",
            "partenaire",
        }
    assert ids(les_emplois.search_services(thematiques=["trouver-un-emploi"])) == JOB_IN_PARIS | {
        "dora--lille-emploi"
    }


def test_quality_score_and_publics_filters(client, token):
    les_emplois = LesEmplois(client, token)
    # The older client's default minimum, 0.6: Soliguide's services (0.5) go, the partner's,
    # never scored, stay.
    scored = les_emplois.search_services(code_commune="75056", score_qualite_minimum=0.6)
    assert not {s["id"] for s in scored if s["source"] == "soliguide"}
    assert {f"partenaire--emploi-{n:02d}" for n in range(20)} <= ids(scored)
    women = les_emplois.search_services(recherche_public="femmes")
    assert ids(women) == {"partenaire--sante-0", "partenaire--sante-1"}
    homeless = les_emplois.search_services(recherche_public="sans domicile")
    assert ids(homeless) == {"partenaire--sante-5"}


def test_les_emplois_sps_services(client, token):
    found = LesEmplois(client, token).search_sps_services(code_commune="75056")
    assert ids(found) == {f"dora--emploi-{n:02d}" for n in range(10)}


def test_les_emplois_import_command_gets_every_record(client, token):
    les_emplois = LesEmplois(client, token)
    for page_size in (5_000, 7):
        assert ids(les_emplois.paginated("/services", page_size)) == EVERY_SERVICE
        structures = les_emplois.paginated("/structures", page_size)
        assert ids(structures) == {"dora--asso", "soliguide--asso", "partenaire", "dora--lille"}
    dora = next(s for s in structures if s["id"] == "dora--asso")
    assert dora["score_qualite"] == pytest.approx(0.8)
    assert dora["doublons"] == [{"source": "soliguide", "id": "soliguide--asso"}]
    sources = {source["slug"]: source for source in les_emplois.sources()}
    assert set(sources) == {"dora", "soliguide", "paris-partenaires", "tests"}
    assert set(sources["dora"]) == {"slug", "nom", "description"}
    for kind in LES_EMPLOIS_DOC_KINDS:
        values = les_emplois.doc(kind)
        assert values and all(set(v) == {"value", "label", "description"} for v in values)
    assert {v["value"] for v in les_emplois.doc("personnes-mobilisatrices")} == {
        "usagers",
        "professionnels",
    }
    detail = les_emplois.retrieve_service("dora", "dora--emploi-00")
    assert detail["structure"]["id"] == "dora--asso" and detail["score_qualite"] == 0.8


def test_dora_search_excludes_duplicates_and_pages_until_empty(client, token):
    dora = Dora(client, token)
    found = dora.search_services(code_insee="75111", thematiques=["trouver-un-emploi"])
    # Soliguide's structure duplicates DORA's, which scores better: its 4 services go.
    assert service_ids(found) == JOB_IN_PARIS - {f"soliguide--emploi-{n}" for n in range(4)}
    assert dora.calls == 2  # the page of results, then the empty page that ends the loop
    near = dora.search_services(code_insee="75111", lat=48.8554, lon=2.3734, frais=["gratuit"])
    assert service_ids(near) == {f"dora--emploi-{n:02d}" for n in range(10)}
    assert {item["distance"] for item in near} == {0}


def test_a_duplicate_stays_when_the_better_structure_has_no_result(client, token):
    """data·inclusion ranks the duplicates among the structures with a result: DORA's has
    no health service, so Soliguide's stays."""
    found = Dora(client, token).search_services(code_insee="75056", thematiques=["sante"])
    assert service_ids(found) == {"soliguide--sante"} | {f"partenaire--sante-{n}" for n in range(6)}


def test_dora_lists_and_retrieves_services(client, token):
    dora = Dora(client, token)
    # `source` is no parameter of data·inclusion's API v1: it lists every service.
    assert ids(dora.list_services(source="dora")) == EVERY_SERVICE
    assert dora.retrieve_service("dora", "dora--lille-emploi")["structure"]["commune"] == "Lille"


def test_a_token_is_required_unless_search_is_public(app, client, token):
    response = client.get(f"{BASE}/search/services")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.get_json()["detail"]
    unknown = client.get(f"{BASE}/services", headers={"Authorization": "Bearer inconnu"})
    assert unknown.status_code == 401
    assert unknown.get_json() == {"detail": "Jeton d'API inconnu ou révoqué."}
    app.config["PUBLIC_SEARCH"] = True
    assert client.get(f"{BASE}/search/services").get_json()["total"] == len(EVERY_SERVICE)


def test_errors_are_as_fastapi_gives_them(client, token):
    headers = {"Authorization": f"Bearer {token}"}
    too_big = client.get(f"{BASE}/services?size=10001&frais=cher", headers=headers)
    assert too_big.status_code == 422
    assert {tuple(error["loc"]) for error in too_big.get_json()["detail"]} == {
        ("query", "size"),
        ("query", "frais", 0),
    }
    lille = client.get(f"{BASE}/search/services?code_commune=59350", headers=headers)
    assert lille.status_code == 422 and "Paris" in lille.get_json()["detail"]
    missing = client.get(f"{BASE}/structures/dora/inconnue", headers=headers)
    assert missing.status_code == 404 and missing.get_json() == {"detail": "Structure introuvable."}
    # A structure is found under its own source only.
    assert client.get(f"{BASE}/structures/soliguide/dora--asso", headers=headers).status_code == 404
    assert client.get(f"{BASE}/structures/dora/dora--asso", headers=headers).status_code == 200


def test_openapi_documents_every_route(app, client):
    document = client.get(f"{BASE}/openapi.json").get_json()
    documented = {f"{BASE}{path}".replace("{", "<").replace("}", ">") for path in document["paths"]}
    routes = {
        rule.rule.replace("<service_id>", "<id>").replace("<structure_id>", "<id>")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("datainclusion_api.") and not rule.rule.endswith("openapi.json")
    }
    assert routes == documented
