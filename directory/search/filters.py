"""The one description of every search filter and sort (DESIGN.md §3).

Each filter says here its name (the query parameter and the facet), its title, its kind,
how its values are checked and labelled, and how a service becomes its index terms (range
and "empty means everything" rules expanded once, so that every backend answers by term
membership). The query object, the parameters schema, the index documents, both backends,
the facet labels and the search page derive from this list: a new filter is one entry here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from .. import referentials as ref

if TYPE_CHECKING:
    from ..models import Service

EVERY_ARRONDISSEMENT = tuple(str(n) for n in ref.ARRONDISSEMENTS_INSEE)

# Kinds of filter: a multi-select facet, a yes/no facet, a number (no facet), an option that
# changes how other filters read the index (no facet).
TERMS, FLAG, NUMBER, OPTION = "terms", "flag", "number", "option"
# How the values of a facet are checked: one of its labels' keys, an arrondissement number,
# a structure id, an ISO 639 code.
CHOICE, ARRONDISSEMENT, IDENTIFIER, LANGUAGE = "choice", "arrondissement", "identifier", "language"


def covered_arrondissements(
    zone: list[str] | None, code_insee: str | None = None
) -> tuple[str, ...]:
    """The arrondissements a service's eligibility zone covers. Without a zone, the commune of
    its own address (``code_insee``): Paris (any 751xx) is every arrondissement, another
    commune none; with neither a zone nor an address, everywhere."""
    if not zone:
        return EVERY_ARRONDISSEMENT if not code_insee or ref.is_paris(code_insee) else ()
    if ref.PARIS_WIDE_ZONES.intersection(zone):
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


def flag(value: bool) -> str:
    return "true" if value else "false"


def _thematiques(service: "Service") -> tuple[str, ...]:
    subs = service.thematiques or []
    return tuple(dict.fromkeys([*subs, *(ref.categorie_of(slug) for slug in subs)]))


def _single(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


@dataclass(frozen=True)
class Filter:
    name: str
    title: object  # a lazy string
    kind: str = TERMS
    # How a service becomes this filter's index terms (TERMS and FLAG filters).
    terms: Callable[["Service"], tuple[str, ...]] | None = None
    # Its values and their (lazy) labels, in the order the facet lists them (CHOICE filters).
    choices: Mapping[str, object] | None = None
    check: str = CHOICE
    # Shown unfolded on the page even when nothing is chosen: what an auditor sets first.
    unfolded: bool = False
    # Under publics_dedies, the index field read instead, and how a service fills it.
    dedicated_field: str | None = None
    dedicated_terms: Callable[["Service"], tuple[str, ...]] | None = None
    # Open-ended facets list their largest values only (plus the chosen ones).
    max_values: int | None = None

    @property
    def is_facet(self) -> bool:
        return self.kind in (TERMS, FLAG)


FACET_MAX_VALUES = 50

# In the order of the search page.
FILTERS = (
    Filter(
        "thematiques",
        _l("Thématiques"),
        terms=_thematiques,
        choices={**ref.CATEGORIES, **ref.THEMATIQUES},
        unfolded=True,
    ),
    Filter(
        "arrondissement",
        _l("Arrondissement"),
        terms=lambda s: covered_arrondissements(s.zone_eligibilite, s.code_insee),
        check=ARRONDISSEMENT,
        unfolded=True,
    ),
    Filter(
        "niveau",
        _l("Niveau de français de la personne"),
        terms=lambda s: accepted_levels(s.niveau_francais_min, s.niveau_francais_max),
        choices=ref.NIVEAUX_FRANCAIS,
        unfolded=True,
    ),
    Filter(
        "statut",
        _l("Statut de séjour de la personne"),
        terms=lambda s: tuple(s.statuts_sejour or ref.STATUTS_SEJOUR),
        choices=ref.STATUTS_SEJOUR,
        unfolded=True,
    ),
    Filter("age", _l("Âge de la personne"), NUMBER, unfolded=True),
    Filter(
        "rqth",
        _l("Reconnaissance de handicap (RQTH)"),
        FLAG,
        terms=lambda s: ("true",) if s.rqth_requise else ("true", "false"),
        choices={"false": _l("Sans RQTH"), "true": _l("Avec RQTH (reconnaissance de handicap)")},
        dedicated_field="rqth_requise",
        dedicated_terms=lambda s: (flag(s.rqth_requise),),
    ),
    Filter(
        "publics",
        _l("Publics"),
        terms=lambda s: accepted_publics(s.publics),
        choices=ref.PUBLICS,
        dedicated_field="publics_nommes",
        dedicated_terms=lambda s: tuple(s.publics or ()),
    ),
    Filter("publics_dedies", _l("Services dédiés"), OPTION),
    Filter("frais", _l("Frais"), terms=lambda s: _single(s.frais), choices=ref.FRAIS),
    Filter(
        "modes_accueil",
        _l("Modes d'accueil"),
        terms=lambda s: tuple(s.modes_accueil or ()),
        choices=ref.MODES_ACCUEIL,
    ),
    Filter("types", _l("Types de service"), terms=lambda s: _single(s.type), choices=ref.TYPES),
    Filter(
        "langues",
        _l("Langues parlées"),
        terms=lambda s: tuple(dict.fromkeys(["fr", *(s.langues_parlees or [])])),
        check=LANGUAGE,
        max_values=FACET_MAX_VALUES,
    ),
    Filter(
        "structure",
        _l("Structures"),
        terms=lambda s: (s.structure.id,),
        check=IDENTIFIER,
        max_values=FACET_MAX_VALUES,
    ),
    Filter(
        "signataire",
        _l("Signataires du protocole"),
        FLAG,
        terms=lambda s: (flag(s.structure.signataire),),
        choices={"true": _l("Signataires du protocole"), "false": _l("Autres partenaires")},
    ),
)
BY_NAME = {f.name: f for f in FILTERS}

# Filters answered by term membership; each is also a multi-select facet.
TERM_FILTERS = tuple(f.name for f in FILTERS if f.is_facet)
# Yes/no filters: choosing one value replaces the other.
SINGLE_VALUED = frozenset(f.name for f in FILTERS if f.kind == FLAG)
# Under publics_dedies, these filters read what a service names explicitly.
DEDICATED_FIELDS = {f.name: f.dedicated_field for f in FILTERS if f.dedicated_field}
# Every term field of an index document.
INDEX_FIELDS = (*TERM_FILTERS, *DEDICATED_FIELDS.values())


def index_terms(service: "Service") -> dict[str, tuple[str, ...]]:
    """Every index field of a service, its rules expanded into terms."""
    terms = {f.name: f.terms(service) for f in FILTERS if f.is_facet}
    terms |= {f.dedicated_field: f.dedicated_terms(service) for f in FILTERS if f.dedicated_field}
    return terms


@dataclass(frozen=True)
class Sort:
    name: str
    label: object  # a lazy string
    # What the sort needs to be offered: the text of a query, or a point.
    needs: str | None = None


SORTS = (
    Sort("pertinence", _l("Pertinence"), needs="q"),
    Sort("distance", _l("Distance"), needs="point"),
    Sort("nom", _l("Nom")),
    Sort("date_maj", _l("Mise à jour la plus récente")),
)
SORT_NAMES = tuple(sort.name for sort in SORTS)
