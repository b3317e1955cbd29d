"""data·inclusion's API v1 answered from this directory (api/di_compat.py), over the search
backend and the listings that /api/v1/ reads too: its filters, its rule for duplicates, its
order and its pagination, checked against data·inclusion's own code (gip-inclusion/
data-inclusion, api/…/inclusion_data/v1/services.py and utils/pagination.py).

Duplicates, as data·inclusion defines them: structures are grouped by the duplicates they
name (``doublons``); within a group, the structure with the best quality score (the mean of
its services' ``score_qualite``, 0 without any), then the latest ``date_maj``, is kept, among
the structures that have a service in the results; the services of the others are dropped.
"""

from collections.abc import Iterable
from datetime import date
from math import ceil

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure
from ..search.filters import EVERY_ARRONDISSEMENT
from ..search.query import GeoFilter, SearchQuery
from ..search.text import fold
from . import listings
from .search import every_hit

# The Hôtel de Ville: the centre of Paris, from which distances to 75056 are measured.
PARIS_CENTRE = (48.8566, 2.3522)
# data·inclusion: on-site services within 50 km of the search point.
SEARCH_RADIUS_KM = 50
# The data·inclusion parameters that are filters of our search, by the same name.
TERM_PARAMETERS = ("thematiques", "frais", "publics", "modes_accueil", "types")


class OutsideParis(Exception):
    """A search around a commune that is not Paris: this directory covers Paris only."""


def paginate(rows: list, page: int, size: int) -> dict:
    """A page as data·inclusion answers it: ``size`` is the number of items on this page."""
    items = rows[(page - 1) * size : page * size]
    return {
        "items": items,
        "total": len(rows),
        "page": page,
        "size": len(items),
        "pages": ceil(len(rows) / size),
    }


def _commune_codes(code: str) -> set[str]:
    """The INSEE codes an address may carry in a commune: Paris is its 20 arrondissements."""
    if code == ref.PARIS_INSEE:
        return {code, *ref.ARRONDISSEMENTS_INSEE.values()}
    return {code}


def _arrondissements(code: str) -> tuple[str, ...]:
    """The arrondissement filter values of a Paris commune code."""
    if code == ref.PARIS_INSEE:
        return EVERY_ARRONDISSEMENT
    if code in ref.INSEE_ARRONDISSEMENT:
        return (str(ref.INSEE_ARRONDISSEMENT[code]),)
    raise OutsideParis(code)


def _centre(code: str) -> tuple[float, float]:
    number = ref.INSEE_ARRONDISSEMENT.get(code)
    return ref.ARRONDISSEMENT_CENTRES[number] if number else PARIS_CENTRE


def _words(text: str) -> set[str]:
    return set(fold(text).replace("-", " ").split())


def _serves_public(service: Service, search: str) -> bool:
    """recherche_public: one of the words names one of the service's publics, or every word
    is in its publics' details."""
    words = _words(search)
    publics = " ".join(f"{slug} {ref.PUBLICS[slug]}" for slug in service.publics or ())
    details = _words(service.publics_precisions or "")
    return bool(words & _words(publics)) or (bool(words) and words <= details)


def _in_place(listing: Service | Structure, params: dict) -> bool:
    """The address filters of the lists: code_departement and code_commune."""
    code_insee = listing.code_insee or ""
    department, commune = params.get("code_departement"), params.get("code_commune")
    return (not department or code_insee.startswith(department)) and (
        not commune or code_insee in _commune_codes(commune)
    )


def _service_passes(service: Service, params: dict) -> bool:
    """The filters our search has no index field for. A service without a score (a
    partner's own listing) passes score_qualite_minimum: only data·inclusion scores."""
    minimum, public = params["score_qualite_minimum"], params["recherche_public"]
    return (
        (not params["sources"] or service.source in params["sources"])
        and (minimum is None or service.score_qualite is None or service.score_qualite >= minimum)
        and (not public or _serves_public(service, public))
    )


def _matching(query: SearchQuery, params: dict) -> list[tuple[Service, int | None]]:
    """The visible services the search backend finds, passing the other filters, each with
    its distance in whole km (None when remote or without a point)."""
    hits = every_hit(query)
    services = listings.visible_services([hit.service_id for hit in hits])
    rows = []
    for hit in hits:
        service = services.get(hit.service_id)
        if service is not None and _service_passes(service, params):
            distance = None if hit.distance_km is None else round(hit.distance_km)
            rows.append((service, distance))
    return rows


def _terms(params: dict) -> dict[str, tuple[str, ...]]:
    return {name: tuple(params[name]) for name in TERM_PARAMETERS if params[name]}


def search_services(params: dict) -> dict:
    """/search/services: nearest first (remote services and those without a point last),
    then by id. Raises OutsideParis for a code_commune outside Paris."""
    terms, geo = _terms(params), None
    code = params["code_commune"] or params["code_insee"]
    if code:
        terms["arrondissement"] = _arrondissements(code)
        if params["lat"] is not None:
            geo = GeoFilter(params["lat"], params["lon"], SEARCH_RADIUS_KM)
        else:
            geo = GeoFilter(*_centre(code))
    rows = _matching(SearchQuery(terms=terms, geo=geo, facets=False), params)
    if params["exclure_doublons"]:
        rows = _without_duplicates(rows)
    rows.sort(key=lambda row: (row[1] is None, row[1] or 0, row[0].id))
    return paginate(rows, params["page"], params["size"])


def list_services(params: dict) -> dict:
    """/services: every service passing the filters, by id."""
    rows = [
        service
        for service, _distance in _matching(SearchQuery(terms=_terms(params), facets=False), params)
        if _in_place(service, params)
    ]
    rows.sort(key=lambda service: service.id)
    return paginate(rows, params["page"], params["size"])


def list_structures(params: dict) -> dict:
    """/structures: the published structures passing the filters, by id."""
    networks = set(params["reseaux_porteurs"] or ())
    rows = [
        structure
        for structure in listings.every_published_structure()
        if (not params["sources"] or structure.source in params["sources"])
        and (not networks or networks & set(structure.reseaux_porteurs or ()))
        and _in_place(structure, params)
    ]
    if params["exclure_doublons"]:
        rows = _one_per_group(rows)
    return paginate(rows, params["page"], params["size"])


def service_of(source: str, service_id: str) -> Service | None:
    service = listings.visible_service(service_id)
    return service if service is not None and service.source == source else None


def structure_of(source: str, structure_id: str) -> Structure | None:
    structure = listings.published_structure(structure_id)
    return structure if structure is not None and structure.source == source else None


def sources() -> list[dict]:
    """The sources of the published listings, as /sources lists them."""
    published = select(Structure.source).where(Structure.is_published)
    services = (
        select(Service.source)
        .join(Structure)
        .where(Structure.is_published, Service.statut_publication == ref.PUBLIE)
    )
    slugs = set(db.session.scalars(published.union(services)))
    names = {ref.OWN_SOURCE: _("Annuaire des partenaires de Paris")}
    return [
        {"slug": slug, "nom": names.get(slug, slug), "description": None} for slug in sorted(slugs)
    ]


def structure_scores() -> dict[str, float]:
    """Each structure's quality score: the mean of its services' scores (data·inclusion);
    a structure missing here has none, which counts as 0."""
    rows = db.session.execute(
        select(Service.structure_id, func.avg(Service.score_qualite))
        .where(Service.score_qualite.is_not(None))
        .group_by(Service.structure_id)
    )
    return {structure_id: float(score) for structure_id, score in rows}


def duplicate_groups() -> dict[str, str]:
    """Each structure's group of duplicates (a key: the smallest id of the group), made of the
    structures its ``doublons`` name and theirs, transitively."""
    rows = db.session.execute(select(Structure.id, Structure.source, Structure.doublons)).all()
    by_source_id = {(row.source, row.id): row.id for row in rows}
    parent = {row.id: row.id for row in rows}

    def root(structure_id: str) -> str:
        while parent[structure_id] != structure_id:
            structure_id = parent[structure_id]
        return structure_id

    for row in rows:
        for named in row.doublons or ():
            other = by_source_id.get((named.get("source"), named.get("id")))
            if other is not None:
                first, second = sorted((root(row.id), root(other)))
                parent[second] = first
    return {structure_id: root(structure_id) for structure_id in parent}


def _rank(structure: Structure, scores: dict[str, float]) -> tuple[float, date]:
    """The better of two duplicates: the higher score, then the latest update."""
    return scores.get(structure.id, 0.0), structure.date_maj


def _without_duplicates(rows: list[tuple[Service, int | None]]) -> list:
    """The services of the best structure of each group among those in ``rows`` (ties kept,
    as data·inclusion's dense rank keeps them)."""
    groups, scores = duplicate_groups(), structure_scores()

    def group_and_rank(service: Service) -> tuple[str, tuple]:
        group = groups.get(service.structure_id, service.structure_id)
        return group, _rank(service.structure, scores)

    best: dict[str, tuple] = {}
    for service, _distance in rows:
        group, rank = group_and_rank(service)
        best[group] = max(best.get(group, rank), rank)
    kept = []
    for service, distance in rows:
        group, rank = group_and_rank(service)
        if rank == best[group]:
            kept.append((service, distance))
    return kept


def _one_per_group(structures: Iterable[Structure]) -> list[Structure]:
    """The best structure of each group of duplicates (then the smallest id), by id."""
    groups, scores = duplicate_groups(), structure_scores()
    kept: dict[str, Structure] = {}
    for structure in sorted(structures, key=lambda s: s.id):
        group = groups.get(structure.id, structure.id)
        if group not in kept or _rank(structure, scores) > _rank(kept[group], scores):
            kept[group] = structure
    return sorted(kept.values(), key=lambda structure: structure.id)


def structure_duplicates(structure: Structure) -> list[Structure]:
    """The published structures of its group of duplicates, itself apart."""
    groups = duplicate_groups()
    group = groups.get(structure.id)
    return [
        other
        for other in listings.every_published_structure()
        if other.id != structure.id and groups.get(other.id) == group
    ]
