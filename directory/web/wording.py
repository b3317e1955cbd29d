"""The fields of a listing put into words for the public pages (template globals)."""

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import hours
from .. import referentials as ref
from ..models import Service, Structure
from ..search.highlight import query_terms, spans
from . import blueprint

# Bounds at the ends of the scale say nothing: "from alpha" is "every level from the bottom".
LOWEST_NIVEAU, HIGHEST_NIVEAU = next(iter(ref.NIVEAUX_FRANCAIS)), list(ref.NIVEAUX_FRANCAIS)[-1]


def _label(mapping, value: str) -> str:
    return str(mapping.get(value, value))


def _labels(mapping, values) -> list[str]:
    return [_label(mapping, value) for value in values or ()]


def _niveau_name(code: str) -> str:
    return _("alphabétisation") if code == LOWEST_NIVEAU else code


@blueprint.app_template_global()
def niveau_range(service: Service) -> str:
    """ "De A1 à B1", "À partir de B1", "Jusqu'à A2" or "Tous niveaux"."""
    low = None if service.niveau_francais_min == LOWEST_NIVEAU else service.niveau_francais_min
    high = None if service.niveau_francais_max == HIGHEST_NIVEAU else service.niveau_francais_max
    if low and high:
        if low == high:
            return _("Niveau %(niveau)s", niveau=_niveau_name(low))
        return _("De %(min)s à %(max)s", min=_niveau_name(low), max=_niveau_name(high))
    if low:
        return _("À partir de %(min)s", min=_niveau_name(low))
    if high:
        return _("Jusqu'à %(max)s", max=_niveau_name(high))
    return _("Tous niveaux")


@blueprint.app_template_global()
def age_range(service: Service) -> str:
    low, high = service.age_min, service.age_max
    if low is not None and high is not None:
        return _("De %(min)s à %(max)s ans", min=low, max=high)
    if low is not None:
        return _("À partir de %(min)s ans", min=low)
    if high is not None:
        return _("Jusqu'à %(max)s ans", max=high)
    return _("Tous âges")


@blueprint.app_template_global()
def statuts_text(service: Service) -> str:
    if not service.statuts_sejour:
        return _("Tous statuts de séjour")
    return ", ".join(_labels(ref.STATUTS_SEJOUR, service.statuts_sejour))


@blueprint.app_template_global()
def publics_text(service: Service) -> str:
    if not service.publics or ref.TOUS_PUBLICS in service.publics:
        return _("Tous publics")
    return ", ".join(_labels(ref.PUBLICS, service.publics))


@blueprint.app_template_global()
def langues_text(service: Service) -> str:
    """The languages spoken at the desk: French, always, then the others."""
    codes = ["fr", *(code for code in service.langues_parlees or () if code != "fr")]
    return ", ".join(ref.language_label(code) for code in codes)


@blueprint.app_template_global()
def eligibility(service: Service) -> list[tuple[str, str]]:
    """Who can be received: (what, rule) pairs, French level included."""
    rows = [
        (_("Âge"), age_range(service)),
        (_("Statut de séjour"), statuts_text(service)),
        (_("Niveau de français"), niveau_range(service)),
        (_("Publics"), publics_text(service)),
    ]
    if service.rqth_requise:
        rows.append((_("Handicap"), _("RQTH requise (reconnaissance de handicap)")))
    return rows


@blueprint.app_template_global()
def arrondissement_of(listing: Service | Structure) -> str | None:
    number = ref.INSEE_ARRONDISSEMENT.get(listing.code_insee or "")
    return ref.arrondissement_label(number) if number else None


@blueprint.app_template_global()
def place_line(service: Service, distance_km: float | None = None) -> str:
    """Where, in a few words: its arrondissement (or town) and how far it is."""
    listing = service if _has_address(service) else service.structure
    where = arrondissement_of(listing) or listing.commune
    distance = distance_text(distance_km) if distance_km is not None else None
    return " — ".join(part for part in (where, distance) if part)


def _has_address(listing: Service | Structure) -> bool:
    return bool(listing.adresse or listing.code_postal or listing.commune)


@blueprint.app_template_global()
def address_lines(listing: Service | Structure) -> list[str]:
    """Street, complement and "75011 Paris (11e arrondissement)"; a service without an
    address of its own is received at its structure's."""
    if isinstance(listing, Service) and not _has_address(listing):
        listing = listing.structure
    town = " ".join(part for part in (listing.code_postal, listing.commune) if part)
    arrondissement = arrondissement_of(listing)
    if arrondissement:
        town = f"{town} ({arrondissement})" if town else arrondissement
    return [line for line in (listing.adresse, listing.complement_adresse, town) if line]


@blueprint.app_template_filter("phone")
def phone(number: str) -> str:
    """A French number as people write it ("01 42 00 00 01"); others as stored."""
    if len(number) == 12 and number.startswith("+33"):
        national = "0" + number[3:]
        return " ".join(national[n : n + 2] for n in range(0, 10, 2))
    return number


@blueprint.app_template_global()
def distance_text(distance_km: float | None) -> str | None:
    if distance_km is None:
        return None
    return _("à %(distance)s km", distance=format_decimal(distance_km, format="#,##0.0"))


@blueprint.app_template_global()
def hours_lines(listing: Service | Structure) -> list[str]:
    return hours.describe(listing.horaires_accueil)


@blueprint.app_template_global()
def zone_text(service: Service) -> str:
    """Where a service's public may live. Without a zone: the commune of its own address
    (DESIGN.md §2, as search.filters.covered_arrondissements reads it); with neither, all."""
    if not service.zone_eligibilite:
        return _own_commune_text(service)
    return ", ".join(dict.fromkeys(map(ref.zone_label, service.zone_eligibilite)))


def _own_commune_text(service: Service) -> str:
    if not service.code_insee:
        return _("Sans restriction géographique")
    commune = _("Paris") if ref.is_paris(service.code_insee) else service.commune
    return _("%(commune)s (la commune de son adresse)", commune=commune or service.code_insee)


@blueprint.app_template_global()
def thematiques_by_categorie(service: Service) -> list[tuple[str, list[str]]]:
    """[(catégorie label, [sub-thématique labels])], in the referential's order."""
    grouped: dict[str, list[str]] = {}
    for slug in service.thematiques or ():
        grouped.setdefault(ref.categorie_of(slug), []).append(_label(ref.THEMATIQUES, slug))
    rank = {categorie: n for n, categorie in enumerate(ref.CATEGORIES)}
    ordered = sorted(grouped, key=lambda categorie: rank.get(categorie, len(rank)))
    return [(_label(ref.CATEGORIES, categorie), grouped[categorie]) for categorie in ordered]


@blueprint.app_template_global()
def is_remote(service: Service) -> bool:
    return ref.A_DISTANCE in (service.modes_accueil or ())


@blueprint.app_template_global()
def thematique_labels(service: Service) -> list[str]:
    return _labels(ref.THEMATIQUES, service.thematiques)


@blueprint.app_template_global()
def labels_of(referential: str, values) -> list[str]:
    """Labels of values of a referential, by its name in directory.referentials."""
    return _labels(REFERENTIALS[referential], values)


REFERENTIALS = {
    "frais": ref.FRAIS,
    "types": ref.TYPES,
    "modes_accueil": ref.MODES_ACCUEIL,
    "modes_mobilisation": ref.MODES_MOBILISATION,
    "mobilisable_par": ref.MOBILISABLE_PAR,
    "reseaux_porteurs": ref.RESEAUX_PORTEURS,
}


@blueprint.app_template_filter("highlight")
def highlight(text: str, q: str | None) -> Markup:
    """The text, escaped, with the words matched by the query ``q`` in <mark>."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if matched else escape(piece)
        for piece, matched in spans(text, query_terms(q))
    )


@blueprint.app_template_filter("long_date")
def long_date(value: date | None) -> str:
    return format_date(value, "long") if value else ""


@blueprint.app_template_filter("number")
def number(value: float | int) -> str:
    return format_decimal(value)
