"""The embedded engine answers from postings held in memory: the answers stay those of
DESIGN.md §3 (checked document by document) through edits and rebuilds, made in this process
or in another one."""

import multiprocessing
import random
import threading
from array import array
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace

import pytest
from pyroaring import BitMap
from sqlalchemy import create_engine

from directory.search import grid
from directory.search.documents import SearchDocument
from directory.search.embedded import EmbeddedBackend
from directory.search.geo import distance_km
from directory.search.matching import failed_filters
from directory.search.query import TERM_FILTERS, GeoFilter, SearchQuery
from directory.search.text import analysed_text, fold

POINT = (48.8566, 2.3522)
CHOICES = {
    "thematiques": ["famille", "famille--garde", "emploi", "emploi--cv", "sante"],
    "arrondissement": [str(n) for n in range(1, 21)],
    "niveau": ["A1", "A2", "B1", "B2"],
    "frais": ["gratuit", "payant"],
    "modes_accueil": ["en-presentiel", "a-distance"],
    "langues": ["fr", "en", "ar", "uk"],
    "structure": ["s1", "s2", "s3", "s4"],
    "publics": ["jeunes", "femmes", "seniors"],
}
NAMES = ["Accueil", "Atelier", "Cours", "Écoute"]
DATES = ["2025-01-15", "2025-06-01", "2026-02-10"]
AGES = [None, 16, 18, 25, 26, 50, 64]
# A few shared points, so that equal distances happen.
SHARED_POINTS = [(48.85, 2.35), (48.87, 2.30), (48.83, 2.40)]


def search_document(service_id: str, nom: str = "Accueil", **terms) -> SearchDocument:
    """A document with one structure, free of charge, speaking French, unless told."""
    defaults = {"structure": ("s1",), "frais": ("gratuit",), "langues": ("fr",)}
    return SearchDocument(
        service_id=service_id,
        version=1,
        terms=defaults | terms,
        age_min=None,
        age_max=None,
        latitude=None,
        longitude=None,
        remote=False,
        nom_key=fold(nom),
        date_maj="2026-01-01",
        text={"nom": analysed_text(nom)},
    )


def random_document(rng: random.Random, service_id: str) -> SearchDocument:
    def some(name: str, low: int, high: int) -> tuple[str, ...]:
        return tuple(rng.sample(CHOICES[name], rng.randint(low, high)))

    publics = some("publics", 0, 2)
    rqth_requise = rng.random() < 0.2
    point = None
    if rng.random() < 0.8:
        point = rng.choice(
            [
                *SHARED_POINTS,
                (round(rng.uniform(48.82, 48.90), 5), round(rng.uniform(2.25, 2.42), 5)),
            ]
        )
    low, high = sorted(rng.sample(AGES[1:], 2))
    nom = f"{rng.choice(NAMES)} {rng.randint(1, 5)}"
    return SearchDocument(
        service_id=service_id,
        version=1,
        terms={
            "thematiques": some("thematiques", 0, 2),
            "arrondissement": some("arrondissement", 1, 3),
            "niveau": some("niveau", 1, 4),
            "frais": some("frais", 0, 1),
            "modes_accueil": some("modes_accueil", 0, 2),
            "langues": ("fr", *some("langues", 0, 1)) if rng.random() < 0.9 else ("en",),
            "structure": some("structure", 1, 1),
            "signataire": (rng.choice(["true", "false"]),),
            "publics": publics or tuple(CHOICES["publics"]),
            "publics_nommes": publics,
            "rqth": ("true",) if rqth_requise else ("true", "false"),
            "rqth_requise": ("true" if rqth_requise else "false",),
        },
        age_min=rng.choice([None, low]),
        age_max=rng.choice([None, high]),
        latitude=point and point[0],
        longitude=point and point[1],
        remote=rng.random() < 0.3,
        nom_key=fold(nom),
        date_maj=rng.choice(DATES),
        text={"nom": analysed_text(nom)},
    )


def random_query(rng: random.Random) -> SearchQuery:
    names = rng.sample(sorted(CHOICES), rng.randint(0, 3))
    terms = {name: tuple(rng.sample(CHOICES[name], rng.randint(1, 2))) for name in names}
    if rng.random() < 0.3:
        terms["rqth"] = (rng.choice(["true", "false"]),)
    geo = None
    if rng.random() < 0.5:
        radius = rng.choice([None, 0.5, 2.0, 4.0, 30.0])
        geo = GeoFilter(*rng.choice([POINT, *SHARED_POINTS]), rayon_km=radius)
    sorts = ["nom", "date_maj", None] + (["distance"] * 2 if geo else [])
    return SearchQuery(
        terms=terms,
        age=rng.choice([None, None, 10, 18, 25, 40, 70]),
        geo=geo,
        sort=rng.choice(sorts),
        page=rng.randint(1, 3),
        size=rng.choice([1, 5, 20, 100]),
        dedicated=rng.random() < 0.2,
    )


# -- what DESIGN.md §3 answers, document by document ---------------------------------------


def passes(document: SearchDocument, query: SearchQuery) -> bool:
    return not failed_filters(document, query)


def distance(document: SearchDocument, query: SearchQuery) -> float | None:
    if query.geo is None or document.latitude is None:
        return None
    return distance_km(document.latitude, document.longitude, query.geo.lat, query.geo.lon)


def sort_key(document: SearchDocument, query: SearchQuery):
    name = (document.nom_key, document.service_id)
    if query.effective_sort == "distance":
        km = distance(document, query)
        return (km is None, km or 0, *name)
    if query.effective_sort == "date_maj":
        return (-int(document.date_maj.replace("-", "")), *name)
    return name


def expected_answer(documents: list[SearchDocument], query: SearchQuery):
    matched = sorted((d for d in documents if passes(d, query)), key=lambda d: sort_key(d, query))
    hits = [(d.service_id, distance(d, query)) for d in matched[query.offset :][: query.size]]
    facets = {}
    for name in TERM_FILTERS:
        others = replace(query, terms={k: v for k, v in query.terms.items() if k != name})
        field = query.index_field(name)
        facets[name] = dict(
            Counter(v for d in documents if passes(d, others) for v in set(d.terms.get(field, ())))
        )
    return hits, len(matched), facets


def actual_answer(backend: EmbeddedBackend, query: SearchQuery):
    page = backend.search(query)
    return [(hit.service_id, hit.distance_km) for hit in page.hits], page.total, page.facets


def index_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'index.sqlite3'}"
    with create_engine(url).connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode = WAL")
    return url


def new_backend(url: str) -> EmbeddedBackend:
    backend = EmbeddedBackend(create_engine(url))
    backend.create_schema()
    return backend


# -- answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("measure_all_up_to", [grid.MEASURE_ALL_UP_TO, 3])
def test_answers_stay_right_through_edits(tmp_path, monkeypatch, measure_all_up_to):
    """Hits, distances, totals and facets equal DESIGN.md §3's, from a process that follows
    the edits and from one that loads the index afresh; a small measure_all_up_to makes the
    distance sort search outwards ring by ring."""
    monkeypatch.setattr(grid, "MEASURE_ALL_UP_TO", measure_all_up_to)
    rng = random.Random(f"edits-{measure_all_up_to}")
    url = index_url(tmp_path)
    following = new_backend(url)
    documents = {f"svc-{n:03d}": random_document(rng, f"svc-{n:03d}") for n in range(200)}
    following.rebuild(list(documents.values()))
    next_id = len(documents)
    for _ in range(5):
        afresh = new_backend(url)
        for _ in range(15):
            query = random_query(rng)
            expected = expected_answer(list(documents.values()), query)
            assert actual_answer(following, query) == expected, query
            assert actual_answer(afresh, query) == expected, query
        touched = rng.sample(sorted(documents), 15)
        changed = [random_document(rng, service_id) for service_id in touched[:10]]
        added = [random_document(rng, f"svc-{n:03d}") for n in range(next_id, next_id + 5)]
        next_id += 5
        following.index(changed + added, deleted=touched[10:])
        documents |= {d.service_id: d for d in changed + added}
        for service_id in touched[10:]:
            del documents[service_id]


def test_the_grid_finds_what_measuring_every_point_finds(monkeypatch):
    """Cells taken whole, dropped whole or measured: the same documents within a radius, and
    the same nearest ones (searched ring by ring), as measuring every point."""
    monkeypatch.setattr(grid, "MEASURE_ALL_UP_TO", 50)
    rng = random.Random("grid")
    points = [(rng.uniform(48.80, 48.92), rng.uniform(2.22, 2.46)) for _ in range(3000)]
    cells = {}
    for doc, (latitude, longitude) in enumerate(points):
        cells.setdefault(grid.cell_key(latitude, longitude), BitMap()).add(doc)

    def measure(doc: int, latitude: float, longitude: float) -> float:
        return distance_km(*points[doc], latitude, longitude)

    latitudes, longitudes = (array("d", axis) for axis in zip(*points, strict=True))
    located = grid.Grid(cells, latitudes, longitudes)
    everything = BitMap(range(len(points)))
    for _ in range(150):
        centre = (rng.uniform(48.78, 48.94), rng.uniform(2.20, 2.48))
        radius = rng.choice([0.1, 0.3, 1.0, 2.5, 6.0, 40.0])
        assert set(located.within(*centre, radius)) == {
            doc for doc in everything if measure(doc, *centre) <= radius
        }
        among = BitMap(rng.sample(range(len(points)), rng.randint(1, 3000)))
        count = min(len(among), rng.choice([1, 20, 100]))
        assert (
            located.nearest(*centre, among, count, rank=range(len(points)))
            == sorted(among, key=lambda doc: (measure(doc, *centre), doc))[:count]
        )


def test_pertinence_ranks_the_same_with_or_without_filters(tmp_path):
    """Shorter names score better (bm25), equal scores go by name; a filter keeps the order,
    whether it leaves a few matches (scored alone) or most of them."""
    rng = random.Random("pertinence")
    documents = [
        search_document(
            f"svc-{n:02d}",
            nom="Atelier " + " ".join(rng.sample(["vélo", "couture", "cuisine", "jardin"], n % 4)),
            frais=("payant",) if n % 5 == 0 else ("gratuit",),
        )
        for n in range(40)
    ]
    backend = new_backend(index_url(tmp_path))
    backend.rebuild(documents)

    def ranked(**terms) -> list[str]:
        page = backend.search(SearchQuery(terms=terms, q="atelier", size=100))
        return [hit.service_id for hit in page.hits]

    by_length = sorted(documents, key=lambda d: (len(d.nom_key.split()), d.nom_key, d.service_id))
    assert ranked() == [d.service_id for d in by_length]
    paying = {d.service_id for d in documents if d.terms["frais"] == ("payant",)}
    assert ranked(frais=("payant",)) == [i for i in ranked() if i in paying]
    assert ranked(frais=("gratuit",)) == [i for i in ranked() if i not in paying]


def test_without_facets_only_hits_and_total(tmp_path):
    backend = new_backend(index_url(tmp_path))
    backend.rebuild([search_document("a"), search_document("b", frais=("payant",))])
    page = backend.search(SearchQuery(terms={"frais": ("payant",)}, facets=False))
    assert ([hit.service_id for hit in page.hits], page.total, page.facets) == (["b"], 1, {})


def test_a_new_service_indexed_with_a_replaced_one_gets_its_own_number(tmp_path):
    backend = new_backend(index_url(tmp_path))
    backend.index([search_document("a", nom="Atelier")])
    backend.index([search_document("a", nom="Atelier"), search_document("b", nom="Bureau")])
    assert [hit.service_id for hit in backend.search(SearchQuery()).hits] == ["a", "b"]


def test_the_first_layout_is_replaced(tmp_path):
    """An index of the first layout (no document numbers) is dropped; a reindex refills it."""
    url = index_url(tmp_path)
    with create_engine(url).begin() as connection:
        connection.exec_driver_sql("CREATE TABLE search_documents (service_id TEXT PRIMARY KEY)")
        connection.exec_driver_sql("CREATE TABLE search_terms (field, value, service_id)")
    backend = new_backend(url)
    assert backend.search(SearchQuery()).total == 0
    backend.rebuild([search_document("a")])
    assert backend.search(SearchQuery()).total == 1


# -- freshness across threads and processes ------------------------------------------------


def test_searches_during_writes_see_one_generation_each(tmp_path):
    """Every answer read while another thread writes is whole: each service has exactly one
    structure, so the structure counts add up to the total."""
    backend = new_backend(index_url(tmp_path))
    rng = random.Random("threads")
    backend.rebuild([random_document(rng, f"svc-{n}") for n in range(100)])
    failures, stop = [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            page = backend.search(SearchQuery(size=100))
            if sum(page.facets["structure"].values()) != page.total or len(page.hits) != min(
                page.total, 100
            ):
                failures.append(page.total)

    searchers = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        for round_number in range(30):
            ids = [f"svc-{n}" for n in rng.sample(range(150), 10)]
            if round_number % 10 == 9:
                backend.rebuild([random_document(rng, f"svc-{n}") for n in range(90)])
            else:
                backend.index([random_document(rng, i) for i in ids[:7]], deleted=ids[7:])
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert failures == []


def serve_backend(url: str, connection) -> None:
    """Run in another process: call the backend's methods that the pipe asks for."""
    backend = EmbeddedBackend(create_engine(url))
    while (request := connection.recv()) is not None:
        method, args = request
        connection.send(getattr(backend, method)(*args))


class OtherProcess:
    """An embedded backend in a separate interpreter, on the same index."""

    def __init__(self, connection):
        self.connection = connection

    def __getattr__(self, method):
        def call(*args):
            self.connection.send((method, args))
            return self.connection.recv()

        return call


@contextmanager
def other_process(url: str):
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    process = context.Process(target=serve_backend, args=(url, there))
    process.start()
    try:
        yield OtherProcess(here)
    finally:
        here.send(None)
        process.join(timeout=30)


def found(page) -> tuple[list[str], dict[str, int]]:
    return [hit.service_id for hit in page.hits], page.facets["frais"]


def test_a_second_process_sees_the_edits_of_the_first_and_back(tmp_path):
    url = index_url(tmp_path)
    here = new_backend(url)
    free = SearchQuery(terms={"frais": ("gratuit",)})
    here.rebuild([search_document("a"), search_document("b", frais=("payant",))])
    with other_process(url) as there:
        assert found(there.search(free)) == (["a"], {"gratuit": 1, "payant": 1})

        here.index([search_document("a", frais=("payant",)), search_document("c")], ["b"])
        assert found(there.search(free)) == (["c"], {"gratuit": 1, "payant": 1})
        assert found(here.search(free)) == (["c"], {"gratuit": 1, "payant": 1})

        there.index([search_document("d"), search_document("c", frais=("payant",))], ["a"])
        assert found(here.search(free)) == (["d"], {"gratuit": 1, "payant": 1})

        there.rebuild([search_document("e"), search_document("f")])
        assert found(here.search(free)) == (["e", "f"], {"gratuit": 2})
        assert found(there.search(free)) == (["e", "f"], {"gratuit": 2})


@pytest.mark.parametrize("filters", [{}, {"frais": ("gratuit",)}], ids=["text alone", "narrowed"])
def test_a_text_search_kept_for_its_generation_sees_the_next_change(tmp_path, filters):
    """The matches and scores of a frequent text are kept with the index snapshot: the next
    change makes a new snapshot, whose answer counts the change."""
    backend = new_backend(index_url(tmp_path))
    backend.index([search_document("a", nom="Atelier tricot"), search_document("b", nom="Bureau")])
    query = SearchQuery(q="tricot", sort="pertinence", terms=filters)
    for _ in range(2):
        assert [hit.service_id for hit in backend.search(query).hits] == ["a"]
    backend.index(
        [search_document("b", nom="Tricot du mardi"), search_document("a", nom="Atelier")]
    )
    assert [hit.service_id for hit in backend.search(query).hits] == ["b"]
