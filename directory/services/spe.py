"""The SPE orientation of DESIGN.md §7: which signatory, why, at which office, and whether
the person belongs to the agreement's public."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from .. import referentials as ref
from ..models import Service, Structure
from ..search.documents import on_site_point, receives_on_site
from ..search.filters import covered_arrondissements
from ..search.geo import distance_km
from . import listings

MISSION_LOCALE, CAP_EMPLOI, FRANCE_TRAVAIL = "mission-locale", "cap-emploi", "france-travail"
# Catégories of an office that registers job seekers, preferred when choosing the office.
EMPLOYMENT_CATEGORIES = ("trouver-un-emploi", "preparer-sa-candidature", "choisir-un-metier")
YOUTH_AGES = (16, 25)


@dataclass(frozen=True)
class SpeRule:
    """The signatory a profile is oriented to (a key of SPE_STRUCTURES), and why."""

    signatory: str | None
    reason: str
    alternative: str | None = None


def spe_rule(age: int | None, rqth: bool, accompagnement: bool = True) -> SpeRule:
    """DESIGN.md §7: Mission Locale 16–25, Cap emploi 26+ with RQTH, else France Travail."""
    young, old = YOUTH_AGES
    if not accompagnement:
        return SpeRule(
            None, _("La personne a demandé à être dispensée d'accompagnement vers l'emploi.")
        )
    if age is None:
        return SpeRule(None, _("Renseignez l'âge de la personne pour connaître son orientation."))
    if age < young:
        return SpeRule(
            None,
            _("Moins de 16 ans : la personne relève de l'instruction obligatoire, pas du SPE."),
        )
    if age <= old:
        if rqth:
            return SpeRule(
                MISSION_LOCALE,
                _(
                    "De 16 à 25 ans : Mission Locale ; avec une RQTH, Cap emploi est aussi "
                    "possible."
                ),
                alternative=CAP_EMPLOI,
            )
        return SpeRule(MISSION_LOCALE, _("De 16 à 25 ans : Mission Locale."))
    if rqth:
        return SpeRule(CAP_EMPLOI, _("26 ans ou plus, avec une RQTH : Cap emploi."))
    return SpeRule(FRANCE_TRAVAIL, _("26 ans ou plus, sans RQTH : France Travail."))


@dataclass(frozen=True)
class PublicCheck:
    """Whether the person belongs to the agreement's public (None: cannot tell yet)."""

    inside: bool | None
    explanation: str


def agreement_public(
    statut: str | None, premier_titre: int | None, today: date | None = None
) -> PublicCheck:
    """Agreement statuses with a first residence permit less than five years old."""
    if statut is None:
        return PublicCheck(None, _("Statut de séjour non renseigné."))
    label = str(ref.STATUTS_SEJOUR[statut])
    if statut not in ref.STATUTS_PROTOCOLE:
        return PublicCheck(
            False,
            _("Le statut « %(statut)s » n'entre pas dans le public du protocole.", statut=label),
        )
    if premier_titre is None:
        return PublicCheck(
            None,
            _(
                "Année du premier titre de séjour non renseignée : le protocole concerne les "
                "personnes dont le premier titre a moins de %(years)s ans.",
                years=ref.ANNEES_PROTOCOLE,
            ),
        )
    years = (today or date.today()).year - premier_titre
    if years >= ref.ANNEES_PROTOCOLE:
        return PublicCheck(
            False,
            _(
                "Premier titre de séjour obtenu en %(year)s, il y a %(years)s ans : le protocole "
                "concerne les titres de moins de %(limit)s ans.",
                year=premier_titre,
                years=years,
                limit=ref.ANNEES_PROTOCOLE,
            ),
        )
    return PublicCheck(
        True,
        _(
            "Statut « %(statut)s » et premier titre de séjour de %(year)s : dans le public du "
            "protocole.",
            statut=label,
            year=premier_titre,
        ),
    )


def spe_structure(signatory: str | None) -> Structure | None:
    """The published structure configured for a signatory key (DIRECTORY_SPE_* settings)."""
    if signatory is None:
        return None
    structure_id = current_app.config["SPE_STRUCTURES"][signatory]
    return listings.published_structure(structure_id)


def _covers_explicitly(service: Service, arrondissement: int | None) -> bool:
    """A zone naming the arrondissement itself (not all of Paris): a sector office."""
    zone = service.zone_eligibilite or []
    return (
        arrondissement is not None
        and bool(zone)
        and not ref.PARIS_WIDE_ZONES.intersection(zone)
        and str(arrondissement) in covered_arrondissements(zone)
    )


def _employment_office(service: Service) -> bool:
    return any(
        ref.categorie_of(slug) in EMPLOYMENT_CATEGORIES for slug in service.thematiques or []
    )


def spe_office(
    structure: Structure, arrondissement: int | None, point: tuple[float, float] | None
) -> Service | None:
    """The signatory's office for her: the one whose zone covers her arrondissement, else
    the nearest on-site one (employment offices first)."""
    offices = [s for s in structure.services if s.is_visible and receives_on_site(s)]
    offices = [s for s in offices if _employment_office(s)] or offices
    sector = [s for s in offices if _covers_explicitly(s, arrondissement)]
    candidates = sector or offices
    if point is None or not candidates:
        return candidates[0] if candidates else None

    def distance(service: Service) -> float:
        office = on_site_point(service)
        return distance_km(*point, *office) if office else float("inf")

    return min(candidates, key=lambda s: (distance(s), s.nom))
