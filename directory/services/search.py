"""Run a search: ask the backend, then read the matched services from the database."""

from dataclasses import dataclass
from math import ceil

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure
from ..search.query import TERM_FILTERS, SearchQuery
from .indexing import pending_count, search_backend, sync_outbox


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ResultItem:
    service: Service
    distance_km: float | None


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    items: list[ResultItem]
    total: int
    facets: dict[str, list[FacetValue]]
    # The configured backend was unreachable: the embedded index answered.
    degraded: bool = False

    @property
    def pages(self) -> int:
        return ceil(self.total / self.query.size)


def _flag_labels(field: str) -> dict[str, str]:
    if field == "signataire":
        return {"true": _("Signataires du protocole"), "false": _("Autres partenaires")}
    return {"false": _("Sans RQTH"), "true": _("Avec RQTH (reconnaissance de handicap)")}


def _static_labels(field: str) -> dict[str, str]:
    """Labels of a facet's values, in the order the facet lists them."""
    if field == "thematiques":
        return {**ref.CATEGORIES, **ref.THEMATIQUES}
    if field == "arrondissement":
        return ref.arrondissements()
    if field in ("signataire", "rqth"):
        return _flag_labels(field)
    mapping = {
        "niveau": ref.NIVEAUX_FRANCAIS,
        "statut": ref.STATUTS_SEJOUR,
        "publics": ref.PUBLICS,
        "frais": ref.FRAIS,
        "modes_accueil": ref.MODES_ACCUEIL,
        "types": ref.TYPES,
    }[field]
    return {value: str(label) for value, label in mapping.items()}


def _dynamic_labels(field: str, values: set[str]) -> dict[str, str]:
    """Labels for open-ended facets (structures, languages), most frequent first."""
    if field == "structure":
        rows = db.session.execute(
            select(Structure.id, Structure.nom).where(Structure.id.in_(values))
        )
        return {row.id: row.nom for row in rows}
    return {code: ref.language_label(code) for code in values}


def label_facets(
    counts: dict[str, dict[str, int]], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    facets = {}
    for field in TERM_FILTERS:
        field_counts = counts.get(field, {})
        selected = set(query.terms.get(field, ()))
        shown = {value for value, count in field_counts.items() if count} | selected
        if field in ("structure", "langues"):
            labels = _dynamic_labels(field, shown)
            order = sorted(shown, key=lambda v: (-field_counts.get(v, 0), labels.get(v, v)))
        else:
            labels = _static_labels(field)
            order = [value for value in labels if value in shown]
        facets[field] = [
            FacetValue(
                value, labels.get(value, value), field_counts.get(value, 0), value in selected
            )
            for value in order
        ]
    return facets


def search_services(query: SearchQuery) -> SearchResult:
    page = search_backend().search(query)
    if not page.degraded and pending_count():
        # The index answers again: catch up on the changes queued while it was down.
        sync_outbox()
    ids = [hit.service_id for hit in page.hits]
    services = db.session.scalars(
        select(Service).where(Service.id.in_(ids)).options(selectinload(Service.structure))
    ).all()
    by_id = {service.id: service for service in services}
    items = [
        ResultItem(by_id[hit.service_id], hit.distance_km)
        for hit in page.hits
        if hit.service_id in by_id
    ]
    return SearchResult(query, items, page.total, label_facets(page.facets, query), page.degraded)
