"""A bounded HTTP load client: N threads, keep-alive connections, a fixed query mix.

Each client sends a fixed number of requests (or stops at a time cap), walking the mix from
its own offset; every response's latency and its ``Server-Timing`` header are kept.
"""

import http.client
import math
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

SEARCH_PATH = "/api/v1/search/services"
PARIS = "lat=48.8566&lon=2.3522"
BELLEVILLE = "lat=48.8720&lon=2.3770"

# (kind, query string): every filter alone, profiles, text, geo, deep pages and every sort.
QUERY_MIX: tuple[tuple[str, str], ...] = (
    ("filtre thematiques (catégorie)", "thematiques=logement-hebergement"),
    ("filtre thematiques (catégorie)", "thematiques=famille"),
    ("filtre thematiques (sous-thématique)", "thematiques=famille--garde-denfants"),
    (
        "filtre thematiques (sous-thématique)",
        "thematiques=lecture-ecriture-calcul--maitriser-le-francais",
    ),
    ("filtre arrondissement", "arrondissement=18"),
    ("filtre arrondissement", "arrondissement=19&arrondissement=20"),
    ("filtre niveau", "niveau=A1"),
    ("filtre niveau", "niveau=alpha"),
    ("filtre statut", "statut=refugie"),
    ("filtre statut", "statut=immigration-familiale"),
    ("filtre age", "age=22"),
    ("filtre age", "age=45"),
    ("filtre rqth", "rqth=false"),
    ("filtre rqth", "rqth=true"),
    ("filtre publics", "publics=jeunes"),
    ("filtre publics", "publics=femmes&publics=familles"),
    ("filtre frais", "frais=gratuit"),
    ("filtre frais", "frais=payant"),
    ("filtre modes_accueil", "modes_accueil=a-distance"),
    ("filtre modes_accueil", "modes_accueil=en-presentiel"),
    ("filtre types", "types=atelier"),
    ("filtre types", "types=formation&types=accompagnement"),
    ("filtre langues", "langues=ar"),
    ("filtre langues", "langues=prs&langues=ps"),
    ("filtre structure", "structure=structure-00002"),
    ("filtre structure", "structure=structure-00009"),
    ("filtre signataire", "signataire=true"),
    ("filtre signataire", "signataire=false"),
    ("filtre publics_dedies", "publics=jeunes&publics_dedies=true"),
    ("filtre publics_dedies", "rqth=true&publics_dedies=true"),
    ("profil (4–7 filtres)", "age=30&statut=refugie&niveau=A2&arrondissement=19"),
    (
        "profil (4–7 filtres)",
        "age=19&statut=protection-subsidiaire&niveau=A1&rqth=false&thematiques=trouver-un-emploi",
    ),
    (
        "profil (4–7 filtres)",
        "age=34&statut=immigration-familiale&niveau=alpha&rqth=false&arrondissement=18"
        "&thematiques=famille",
    ),
    (
        "profil (4–7 filtres)",
        "age=27&statut=refugie&niveau=A1&rqth=false&arrondissement=20&langues=ar"
        "&thematiques=logement-hebergement",
    ),
    ("texte", "q=" + quote("hébergement")),
    ("texte", "q=" + quote("cours de français")),
    ("texte", "q=" + quote("garde d'enfants")),
    ("texte", "q=" + quote("permis de conduire")),
    ("texte + filtres", "q=" + quote("français") + "&niveau=A1&arrondissement=18"),
    ("texte + filtres", "q=" + quote("logement") + "&statut=refugie&age=30"),
    ("géo (rayon 2 km)", f"{PARIS}&rayon_km=2"),
    ("géo (rayon 2 km)", f"{BELLEVILLE}&rayon_km=2&thematiques=sante"),
    ("géo + texte", f"{BELLEVILLE}&rayon_km=3&q=" + quote("aide alimentaire")),
    ("géo + texte", f"{PARIS}&rayon_km=5&q=" + quote("numérique")),
    ("page 50", "page=50"),
    ("page 50", "page=50&thematiques=trouver-un-emploi&sort=date_maj"),
    ("tri pertinence", "q=" + quote("accompagnement emploi") + "&sort=pertinence"),
    ("tri pertinence", "q=" + quote("santé") + "&sort=pertinence&arrondissement=13"),
    ("tri distance", f"{BELLEVILLE}&sort=distance"),
    ("tri distance", f"{PARIS}&sort=distance&arrondissement=11"),
    ("tri nom", "sort=nom"),
    ("tri nom", "sort=nom&frais=gratuit&langues=en"),
    ("tri date_maj", "sort=date_maj"),
    ("tri date_maj", "sort=date_maj&types=information"),
)


def request_paths() -> list[tuple[str, str]]:
    return [(kind, f"{SEARCH_PATH}?{query}") for kind, query in QUERY_MIX]


@dataclass(frozen=True)
class Sample:
    """One request: what it was, how long it took end to end, and the server's timings."""

    kind: str
    ms: float
    ok: bool
    search_ms: float | None = None
    es_ms: float | None = None
    # Every stage the server timed (Server-Timing): search, es, facets, rows.
    stages: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    clients: int
    seconds: float
    samples: list[Sample]

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        ok = len(self.samples) - self.errors
        return ok / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(not sample.ok for sample in self.samples)


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile, interpolated between the closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def server_timing(header: str | None) -> dict[str, float]:
    """``search;dur=12.3, es;dur=4`` -> {"search": 12.3, "es": 4.0}."""
    timings = {}
    for metric in (header or "").split(","):
        name, _, params = metric.strip().partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and value:
                timings[name] = float(value)
    return timings


def _get(connection: http.client.HTTPConnection, kind: str, path: str) -> Sample:
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return Sample(kind, (time.perf_counter() - started) * 1000, ok=False)
    elapsed = (time.perf_counter() - started) * 1000
    timings = server_timing(response.getheader("Server-Timing"))
    ok = response.status == 200
    return Sample(kind, elapsed, ok, timings.get("search"), timings.get("es"), timings)


def _client(
    port: int, mix: list[tuple[str, str]], offset: int, count: int, deadline: float, out: list
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for n in range(count):
            if time.monotonic() > deadline:
                break
            kind, path = mix[(offset + n) % len(mix)]
            out.append(_get(connection, kind, path))
    finally:
        connection.close()


def run_clients(
    port: int, mix: list[tuple[str, str]], clients: int, requests: int, time_cap: float
) -> Run:
    """``requests`` in all, shared by ``clients`` threads, each starting at its own offset."""
    per_client = math.ceil(requests / clients)
    results: list[list[Sample]] = [[] for _ in range(clients)]
    deadline = time.monotonic() + time_cap
    threads = [
        threading.Thread(
            target=_client,
            args=(port, mix, n * len(mix) // clients, per_client, deadline, results[n]),
        )
        for n in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Run(clients, seconds, [sample for samples in results for sample in samples])


@dataclass(frozen=True)
class Stats:
    """Latency percentiles (ms) end to end, and of the floor: the backend's own time."""

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    floor_p50: float | None
    floor_p95: float | None
    took_p50: float | None


def stats(samples: list[Sample]) -> Stats:
    latencies = [sample.ms for sample in samples if sample.ok]
    floors = [sample.search_ms for sample in samples if sample.search_ms is not None]
    tooks = [sample.es_ms for sample in samples if sample.es_ms is not None]
    return Stats(
        count=len(samples),
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        floor_p50=percentile(floors, 50),
        floor_p95=percentile(floors, 95),
        took_p50=percentile(tooks, 50),
    )


def stats_by_kind(samples: list[Sample]) -> dict[str, Stats]:
    """Stats per kind of query, in the order of the mix."""
    kinds = dict.fromkeys(kind for kind, _ in QUERY_MIX)
    return {kind: stats([s for s in samples if s.kind == kind]) for kind in kinds}


# The stages of the application a search goes through, as the API times them.
APP_STAGES = ("facets", "rows")


def stage_p50s(samples: list[Sample]) -> dict[str, float | None]:
    """Median of each stage, and of what no stage covers (HTTP, WSGI, Flask, JSON)."""
    timed = [s for s in samples if s.ok and "search" in s.stages]
    medians = {
        stage: percentile([s.stages[stage] for s in timed if stage in s.stages], 50)
        for stage in ("search", "es", *APP_STAGES)
    }
    rest = [s.ms - sum(s.stages.get(x, 0.0) for x in ("search", *APP_STAGES)) for s in timed]
    return medians | {"rest": percentile(rest, 50)}


def overhead_p50(samples: list[Sample]) -> float | None:
    """The median of (end to end − Elasticsearch's took): what the application adds."""
    return percentile([s.ms - s.es_ms for s in samples if s.ok and s.es_ms is not None], 50)
