"""The interview assistant (DESIGN.md §7): from one person's profile to the services that
fit each of her barriers, the near misses, and her SPE orientation.

Nothing of the profile is stored or logged: it comes from the query string and goes back
into pages and links only.
"""

from dataclasses import dataclass, field, replace

from flask_babel import gettext as _
from marshmallow import ValidationError

from .. import referentials as ref
from ..models import Service, Structure
from ..search.documents import build_document
from ..search.matching import failed_filters
from ..search.query import GeoFilter, SearchQuery
from . import geocoding
from .orientation_reasons import Criterion, fit_reasons, missing
from .search import ResultItem, search_services
from .spe import PublicCheck, SpeRule, agreement_public, spe_office, spe_rule, spe_structure

SHOWN = 5  # best matches and near misses shown per barrier
NEAR_MISS_CANDIDATES = 100  # nearest services of a barrier examined for near misses
MAX_MISSED = 2  # a near miss fails one or two criteria
DEFAULT_RADIUS_KM = 5.0
# Criteria of the profile that can be dropped to widen an empty barrier, in that order.
DROPPABLE = ("niveau", "statut", "age", "arrondissement")


@dataclass(frozen=True)
class Profile:
    """One person's situation, as the auditor typed it."""

    freins: tuple[str, ...] = ()
    age: int | None = None
    statut: str | None = None
    premier_titre: int | None = None
    niveau: str | None = None
    rqth: bool = False
    accompagnement: bool = True
    langues: tuple[str, ...] = ()
    adresse: str | None = None
    lat: float | None = None
    lon: float | None = None
    arrondissement: int | None = None
    rayon_km: float = DEFAULT_RADIUS_KM

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None else None

    @property
    def own_languages(self) -> tuple[str, ...]:
        """Her languages other than French (every service speaks French)."""
        return tuple(code for code in self.langues if code != "fr")

    @property
    def reference_point(self) -> tuple[float, float] | None:
        """Her point, else her arrondissement's town hall: what "nearest" is measured from."""
        if self.point:
            return self.point
        return ref.ARRONDISSEMENT_CENTRES.get(self.arrondissement)


def locate(profile: Profile) -> tuple[Profile, list[str]]:
    """The profile with the point (and arrondissement) of its address, and notices.

    An address the BAN does not know is a validation error of ``adresse``; a BAN that cannot
    be reached leaves the profile on its arrondissement, with a notice.
    """
    if not profile.adresse or profile.point:
        return profile, []
    try:
        place = geocoding.geocode(profile.adresse)
    except geocoding.GeocodingUnavailable:
        return profile, [
            _(
                "Le service de géolocalisation ne répond pas : l'adresse n'est pas prise en "
                "compte. Les résultats suivent l'arrondissement indiqué."
            )
        ]
    if place is None:
        raise ValidationError(
            {"adresse": [_("Adresse introuvable : précisez le numéro, la rue et le code postal.")]}
        )
    arrondissement = profile.arrondissement or place.arrondissement
    return replace(
        profile, lat=place.latitude, lon=place.longitude, arrondissement=arrondissement
    ), []


# -- the searches of a barrier ---------------------------------------------------------------


def profile_terms(profile: Profile, dropped: str | None = None) -> dict[str, tuple[str, ...]]:
    """The §3 term filters her profile sets (one may be dropped, to widen)."""
    terms = {"rqth": ("true" if profile.rqth else "false",)}
    if profile.niveau:
        terms["niveau"] = (profile.niveau,)
    if profile.statut:
        terms["statut"] = (profile.statut,)
    if profile.arrondissement:
        terms["arrondissement"] = (str(profile.arrondissement),)
    terms.pop(dropped, None)
    return terms


def _geo(profile: Profile, radius: float | None) -> GeoFilter | None:
    """Her point with a radius; else her arrondissement's centre, to order by, no radius."""
    if profile.point:
        return GeoFilter(profile.lat, profile.lon, radius)
    centre = profile.reference_point
    return GeoFilter(*centre) if centre else None


def fit_query(
    profile: Profile,
    frein: str,
    *,
    dropped: str | None = None,
    radius: float | None = None,
    languages: tuple[str, ...] = (),
    size: int = SHOWN,
) -> SearchQuery:
    """The services that fit her for one barrier, nearest first (§7)."""
    terms = {"thematiques": (frein,), **profile_terms(profile, dropped)}
    if languages:
        terms["langues"] = languages
    geo = _geo(profile, radius or profile.rayon_km)
    return SearchQuery(
        terms=terms,
        age=None if dropped == "age" else profile.age,
        geo=geo,
        sort="distance" if geo else "nom",
        size=size,
        facets=False,
    )


def see_all_query(profile: Profile, frein: str) -> SearchQuery:
    """Every service that fits, for the search page: from her own point only (a town hall
    would show misleading distances)."""
    query = replace(fit_query(profile, frein), size=20, facets=True)
    if profile.point:
        return query
    return replace(query, geo=None, sort=None)


def candidates_query(profile: Profile, frein: str) -> SearchQuery:
    """The nearest services of a barrier, whatever her profile: where near misses are."""
    geo = _geo(profile, None)
    geo = GeoFilter(geo.lat, geo.lon) if geo else None
    return SearchQuery(
        terms={"thematiques": (frein,)},
        geo=geo,
        sort="distance" if geo else "nom",
        size=NEAR_MISS_CANDIDATES,
        facets=False,
    )


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A service for a barrier, its distance from her point, and its criteria in words:
    why it fits (best matches) or what it lacks (near misses)."""

    service: Service
    distance_km: float | None
    criteria: list[Criterion]


@dataclass(frozen=True)
class Widening:
    """A relaxed search that would find services for an empty barrier."""

    critere: str
    texte: str
    total: int
    query: SearchQuery


@dataclass(frozen=True)
class BarrierResult:
    frein: str
    label: str
    items: list[Match]
    near_misses: list[Match]
    total: int
    query: SearchQuery  # the full search behind "see all"
    widenings: list[Widening] = field(default_factory=list)


@dataclass(frozen=True)
class SpeOrientation:
    rule: SpeRule
    public: PublicCheck
    structure: Structure | None
    alternative: Structure | None
    office: Service | None


@dataclass(frozen=True)
class Orientation:
    profile: Profile
    spe: SpeOrientation
    barriers: list[BarrierResult]
    notices: list[str]
    degraded: bool = False


def _own_distance(profile: Profile, item: ResultItem) -> float | None:
    """A distance means something only from her own point, not from a town hall."""
    return item.distance_km if profile.point else None


def _best_matches(profile: Profile, frein: str) -> tuple[list[ResultItem], int, bool]:
    """Staff speaking one of her languages first, then the nearest (remote ones last)."""
    first = []
    degraded = False
    if profile.own_languages:
        speaking = search_services(fit_query(profile, frein, languages=profile.own_languages))
        first, degraded = speaking.items, speaking.degraded
    everyone = search_services(fit_query(profile, frein, size=SHOWN + len(first)))
    chosen = {item.service.id for item in first}
    rest = [item for item in everyone.items if item.service.id not in chosen]
    return (first + rest)[:SHOWN], everyone.total, degraded or everyone.degraded


def _near_misses(profile: Profile, frein: str, fitting: set[str]) -> list[Match]:
    query = fit_query(profile, frein)
    near = []
    for item in search_services(candidates_query(profile, frein)).items:
        if item.service.id in fitting:
            continue
        document = build_document(item.service, with_text=False)
        failed = failed_filters(document, query)
        if 0 < len(failed) <= MAX_MISSED:
            lacks = [missing(name, item.service, document, profile) for name in failed]
            near.append(Match(item.service, _own_distance(profile, item), lacks))
    near.sort(key=lambda match: len(match.criteria))  # stable: nearest first at equal misses
    return near[:SHOWN]


def _count(query: SearchQuery) -> int:
    return search_services(replace(query, size=1)).total


def _widenings(profile: Profile, frein: str) -> list[Widening]:
    """The nearest wider radius that finds something, and each criterion that, dropped, does."""
    widenings = []
    if profile.point:
        for radius in (profile.rayon_km * 2, profile.rayon_km * 4, 20.0):
            query = fit_query(profile, frein, radius=radius)
            total = _count(query)
            if total:
                text = _("dans un rayon de %(rayon)s km", rayon=f"{radius:g}")
                widenings.append(Widening("rayon_km", text, total, query))
                break
    for name in DROPPABLE:
        if name not in profile_terms(profile) and not (name == "age" and profile.age is not None):
            continue
        query = fit_query(profile, frein, dropped=name)
        total = _count(query)
        if total:
            widenings.append(Widening(name, _dropped_text(name), total, query))
    return widenings


def _dropped_text(name: str) -> str:
    return {
        "niveau": _("sans condition de niveau de français"),
        "statut": _("sans condition de statut de séjour"),
        "age": _("sans condition d'âge"),
        "arrondissement": _("dans les autres arrondissements"),
    }[name]


def barrier_label(frein: str) -> str:
    return str(ref.THEMATIQUES.get(frein) or ref.CATEGORIES[frein])


def orient_barrier(profile: Profile, frein: str) -> tuple[BarrierResult, bool]:
    best, total, degraded = _best_matches(profile, frein)
    items = [
        Match(
            item.service,
            _own_distance(profile, item),
            fit_reasons(
                item.service,
                build_document(item.service, with_text=False),
                profile,
                _own_distance(profile, item),
            ),
        )
        for item in best
    ]
    near = _near_misses(profile, frein, {item.service.id for item in best})
    widenings = [] if total else _widenings(profile, frein)
    query = see_all_query(profile, frein)
    result = BarrierResult(frein, barrier_label(frein), items, near, total, query, widenings)
    return result, degraded


def spe_orientation(profile: Profile) -> SpeOrientation:
    rule = spe_rule(profile.age, profile.rqth, profile.accompagnement)
    structure = spe_structure(rule.signatory)
    office = None
    if structure is not None:
        office = spe_office(structure, profile.arrondissement, profile.reference_point)
    return SpeOrientation(
        rule=rule,
        public=agreement_public(profile.statut, profile.premier_titre),
        structure=structure,
        alternative=spe_structure(rule.alternative),
        office=office,
    )


def orient(profile: Profile) -> Orientation:
    """Her SPE orientation and, per barrier, best matches, near misses and widenings."""
    profile, notices = locate(profile)
    barriers, degraded = [], False
    for frein in profile.freins:
        result, barrier_degraded = orient_barrier(profile, frein)
        barriers.append(result)
        degraded = degraded or barrier_degraded
    return Orientation(profile, spe_orientation(profile), barriers, notices, degraded)
