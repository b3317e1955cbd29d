"""What a service looks like to a search index: filter terms, numbers, a point, text.

The filter terms come from the registry (filters.py), where range and "empty means
everything" rules of DESIGN.md §3 are expanded into plain terms, so that every backend
answers each filter and facet by term membership, identically.
"""

from dataclasses import dataclass

from .. import referentials as ref
from ..models import Service
from .filters import index_terms
from .text import analysed_text, fold

# The analysed text fields of a document and their weight in relevance, for both backends.
TEXT_WEIGHTS = {"nom": 10, "structure_nom": 4, "description": 1, "thematiques": 3, "conditions": 1}


@dataclass(frozen=True)
class SearchDocument:
    service_id: str
    version: int
    terms: dict[str, tuple[str, ...]]
    age_min: int | None
    age_max: int | None
    latitude: float | None
    longitude: float | None
    remote: bool
    nom_key: str
    date_maj: str
    text: dict[str, str]


def _thematique_labels(thematiques: list[str] | None) -> str:
    """In French, whichever language the request that changed the service was in."""
    categories = ref.TRANSLATED_ENUMERATIONS["categories"]
    labels = []
    for slug in thematiques or []:
        labels += [
            categories.get(ref.categorie_of(slug), ""),
            ref.TRANSLATED_ENUMERATIONS["thematiques"].get(slug, ""),
        ]
    return " ".join(dict.fromkeys(labels))


def receives_on_site(service: Service) -> bool:
    """Whether people go there: on site, or no mode said."""
    modes = service.modes_accueil or []
    return not modes or ref.EN_PRESENTIEL in modes


def on_site_point(service: Service) -> tuple[float, float] | None:
    """Where a service receives people: its point, when it is on site and located."""
    if receives_on_site(service) and None not in (service.latitude, service.longitude):
        return service.latitude, service.longitude
    return None


def build_document(service: Service, with_text: bool = True) -> SearchDocument:
    """The index document of a service; without its analysed text when only filters matter."""
    point = on_site_point(service)
    return SearchDocument(
        service_id=service.id,
        # An index keeps the newest write even when an older one arrives late.
        version=service.version,
        terms=index_terms(service),
        age_min=service.age_min,
        age_max=service.age_max,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        remote=ref.A_DISTANCE in (service.modes_accueil or []),
        nom_key=fold(service.nom),
        date_maj=service.date_maj.isoformat(),
        text=_analysed_texts(service) if with_text else {},
    )


def _analysed_texts(service: Service) -> dict[str, str]:
    """The analysed text of each field of TEXT_WEIGHTS."""
    return {
        "nom": analysed_text(service.nom),
        "structure_nom": analysed_text(service.structure.nom),
        "description": analysed_text(service.description),
        "thematiques": analysed_text(_thematique_labels(service.thematiques)),
        "conditions": analysed_text(service.conditions_acces, service.publics_precisions),
    }
