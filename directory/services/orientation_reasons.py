"""Why a service fits a person, and what a near miss lacks, in words (DESIGN.md §7)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import format_decimal
from flask_babel import gettext as _

from .. import referentials as ref
from ..models import Service
from ..search.documents import SearchDocument
from ..search.geo import distance_km
from ..search.matching import AGE, RADIUS

if TYPE_CHECKING:
    from .orientation import Profile


@dataclass(frozen=True)
class Criterion:
    """A criterion of the profile (``critere``) and what the service says of it."""

    critere: str
    texte: str


def distance_words(km: float) -> str:
    """ "à 600 m" under a kilometre, else "à 2,3 km"."""
    if km < 1:
        return _("à %(metres)s m", metres=max(10, round(km * 1000, -1)))
    return _("à %(distance)s km", distance=format_decimal(km, format="#,##0.0"))


def spoken_languages(service: Service, profile: "Profile") -> list[str]:
    """Her languages (French aside) that the staff of the service speak."""
    spoken = set(service.langues_parlees or ())
    return [code for code in profile.own_languages if code in spoken]


def _arrondissement_name(number: int) -> str:
    return ref.arrondissement_label(number)


def fit_reasons(
    service: Service, document: SearchDocument, profile: "Profile", distance: float | None
) -> list[Criterion]:
    """The criteria of her profile the service meets, the telling ones first."""
    reasons = []
    languages = spoken_languages(service, profile)
    if languages:
        names = ", ".join(ref.language_label(code) for code in languages)
        reasons.append(Criterion("langues", _("parle %(langues)s", langues=names)))
    if distance is not None:
        reasons.append(Criterion(RADIUS, distance_words(distance)))
    elif document.remote:
        reasons.append(Criterion(RADIUS, _("à distance")))
    if profile.niveau:
        reasons.append(Criterion("niveau", _("accepte %(niveau)s", niveau=profile.niveau)))
    if profile.statut:
        statut = str(ref.STATUTS_SEJOUR[profile.statut])
        reasons.append(Criterion("statut", _("statut accepté : %(statut)s", statut=statut)))
    if profile.age is not None:
        reasons.append(Criterion(AGE, _("accepte %(age)s ans", age=profile.age)))
    if profile.rqth and service.rqth_requise:
        reasons.append(Criterion("rqth", _("réservé aux personnes avec RQTH")))
    if profile.arrondissement:
        place = _arrondissement_name(profile.arrondissement)
        reasons.append(
            Criterion("arrondissement", _("ouvert aux habitants du %(place)s", place=place))
        )
    return reasons


def _level_missing(service: Service, niveau: str) -> str:
    low, high = service.niveau_francais_min, service.niveau_francais_max
    if low and ref.NIVEAU_RANK[low] > ref.NIVEAU_RANK[niveau]:
        return _("demande %(niveau)s", niveau=low)
    return _("jusqu'à %(niveau)s seulement", niveau=high)


def _age_missing(service: Service) -> str:
    low, high = service.age_min, service.age_max
    if low is not None and high is not None:
        return _("réservé aux %(min)s–%(max)s ans", min=low, max=high)
    if low is not None:
        return _("à partir de %(min)s ans", min=low)
    return _("jusqu'à %(max)s ans", max=high)


def _statut_missing(service: Service) -> str:
    labels = ", ".join(str(ref.STATUTS_SEJOUR.get(s, s)) for s in service.statuts_sejour or ())
    return _("réservé aux statuts : %(statuts)s", statuts=labels)


def _radius_missing(document: SearchDocument, profile: "Profile") -> str:
    if document.latitude is None:
        return _("pas de lieu d'accueil connu")
    km = distance_km(profile.lat, profile.lon, document.latitude, document.longitude)
    return _(
        "%(distance)s, au-delà de %(rayon)s km",
        distance=distance_words(km),
        rayon=format_decimal(profile.rayon_km),
    )


def missing(name: str, service: Service, document: SearchDocument, profile: "Profile") -> Criterion:
    """What a near miss lacks for one failed criterion of her profile."""
    if name == "niveau":
        text = _level_missing(service, profile.niveau)
    elif name == "statut":
        text = _statut_missing(service)
    elif name == AGE:
        text = _age_missing(service)
    elif name == "rqth":
        text = _("RQTH requise")
    elif name == "arrondissement":
        place = _arrondissement_name(profile.arrondissement)
        text = _("pas ouvert aux habitants du %(place)s", place=place)
    else:
        text = _radius_missing(document, profile)
    return Criterion(name, text)
