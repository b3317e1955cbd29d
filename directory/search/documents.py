"""What a service looks like to a search index: filter terms, numbers, a point, text.

Range and "empty means everything" rules of DESIGN.md §3 are expanded here into plain
terms (the French levels a service accepts, the arrondissements it covers…), so that every
backend answers each filter and facet by term membership, identically.
"""

from dataclasses import dataclass

from .. import referentials as ref
from ..models import Service
from .text import analysed_text, fold

EVERY_ARRONDISSEMENT = tuple(str(n) for n in ref.ARRONDISSEMENTS_INSEE)


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


def covered_arrondissements(zone: list[str] | None) -> tuple[str, ...]:
    if not zone or ref.PARIS_WIDE_ZONES.intersection(zone):
        return EVERY_ARRONDISSEMENT
    return tuple(
        str(ref.INSEE_ARRONDISSEMENT[code]) for code in zone if code in ref.INSEE_ARRONDISSEMENT
    )


def accepted_levels(niveau_min: str | None, niveau_max: str | None) -> tuple[str, ...]:
    low = ref.NIVEAU_RANK[niveau_min] if niveau_min else 0
    high = ref.NIVEAU_RANK[niveau_max] if niveau_max else len(ref.NIVEAU_RANK) - 1
    return tuple(level for level, rank in ref.NIVEAU_RANK.items() if low <= rank <= high)


def accepted_publics(publics: list[str] | None) -> tuple[str, ...]:
    if not publics or ref.TOUS_PUBLICS in publics:
        return tuple(ref.PUBLICS)
    return tuple(publics)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _thematiques_terms(thematiques: list[str] | None) -> tuple[str, ...]:
    subs = thematiques or []
    return tuple(dict.fromkeys([*subs, *(ref.categorie_of(slug) for slug in subs)]))


def filter_terms(service: Service) -> dict[str, tuple[str, ...]]:
    structure = service.structure
    return {
        "thematiques": _thematiques_terms(service.thematiques),
        "arrondissement": covered_arrondissements(service.zone_eligibilite),
        "niveau": accepted_levels(service.niveau_francais_min, service.niveau_francais_max),
        "statut": tuple(service.statuts_sejour or ref.STATUTS_SEJOUR),
        "publics": accepted_publics(service.publics),
        "frais": (service.frais,) if service.frais else (),
        "modes_accueil": tuple(service.modes_accueil or ()),
        "types": (service.type,) if service.type else (),
        "langues": tuple(dict.fromkeys(["fr", *(service.langues_parlees or [])])),
        "structure": (structure.id,),
        "signataire": (_flag(structure.signataire),),
        "rqth": ("true",) if service.rqth_requise else ("true", "false"),
        # Read instead of the two above under publics_dedies (query.DEDICATED_FIELDS).
        "publics_nommes": tuple(service.publics or ()),
        "rqth_requise": (_flag(service.rqth_requise),),
    }


def _thematique_labels(thematiques: list[str] | None) -> str:
    labels = []
    for slug in thematiques or []:
        labels += [ref.CATEGORIES.get(ref.categorie_of(slug), ""), ref.THEMATIQUES.get(slug, "")]
    return " ".join(dict.fromkeys(labels))


def build_document(service: Service, with_text: bool = True) -> SearchDocument:
    """The index document of a service; without its analysed text when only filters matter."""
    modes = service.modes_accueil or []
    on_site = not modes or ref.EN_PRESENTIEL in modes
    located = on_site and service.latitude is not None and service.longitude is not None
    return SearchDocument(
        service_id=service.id,
        # Grows with every change of the service or of its structure: an index keeps the
        # newest write even when an older one arrives late.
        version=service.revision + service.structure.revision,
        terms=filter_terms(service),
        age_min=service.age_min,
        age_max=service.age_max,
        latitude=service.latitude if located else None,
        longitude=service.longitude if located else None,
        remote=ref.A_DISTANCE in modes,
        nom_key=fold(service.nom),
        date_maj=service.date_maj.isoformat(),
        text=_analysed_texts(service) if with_text else {},
    )


def _analysed_texts(service: Service) -> dict[str, str]:
    return {
        "nom": analysed_text(service.nom),
        "structure_nom": analysed_text(service.structure.nom),
        "description": analysed_text(service.description),
        "thematiques": analysed_text(_thematique_labels(service.thematiques)),
        "conditions": analysed_text(service.conditions_acces, service.publics_precisions),
    }
