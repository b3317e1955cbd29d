"""The interview assistant's page: one GET form, the profile in the URL only (§7)."""

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from .. import referentials as ref
from ..schemas.messages import flatten_errors
from ..schemas.orientation import parse_orientation_page
from ..services import usage
from ..services.fiche import sheet_language_names
from ..services.orientation import Orientation, orient
from . import blueprint
from .links import SearchLinks, filled_args
from .map import map_origin, map_points

PROFILE_TITLES = {
    "age": _l("Âge"),
    "statut": _l("Statut de séjour"),
    "premier_titre": _l("Année du premier titre de séjour"),
    "niveau": _l("Niveau de français"),
    "rqth": _l("RQTH"),
    "accompagnement": _l("Accompagnement vers l'emploi"),
    "langues": _l("Langues parlées"),
    "adresse": _l("Adresse"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "arrondissement": _l("Arrondissement"),
    "rayon_km": _l("Distance maximale"),
    "freins": _l("Freins à lever"),
    "services": _l("Services cochés"),
    "langue_fiche": _l("Langue de la fiche"),
    "_schema": _l("Profil"),
}
RADIUS_CHOICES = (1, 2, 5, 10, 20)


@dataclass(frozen=True)
class ThemeChoice:
    """A catégorie of barriers and its sub-thématiques, for the form."""

    slug: str
    label: str
    subs: list[tuple[str, str]]


def theme_choices() -> list[ThemeChoice]:
    return [
        ThemeChoice(
            slug,
            str(label),
            [(s, str(ref.THEMATIQUES[s])) for s in ref.thematiques_of_categorie(slug)],
        )
        for slug, label in ref.CATEGORIES.items()
    ]


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Messages by form field ("freins.0" belongs to "freins")."""
    errors: dict[str, list[str]] = {}
    for key, messages in flatten_errors(error.messages).items():
        errors.setdefault(key.partition(".")[0], []).extend(map(str, messages))
    return errors


def ticked_services(found: Orientation, chosen: list[str]) -> set[str]:
    """The services ticked for the sheet: the auditor's choice, else the best match of each
    barrier (the next one when a service already ticked lifts two barriers)."""
    if chosen:
        return set(chosen)
    ticked: set[str] = set()
    for result in found.barriers:
        fresh = [m.service.id for m in result.items if m.service.id not in ticked]
        ticked.update(fresh[:1])
    return ticked


def _page(args, **context):
    return render_template(
        "orientation.html",
        args=args,
        themes=theme_choices(),
        radius_choices=RADIUS_CHOICES,
        titles=PROFILE_TITLES,
        STATUTS_SEJOUR=ref.STATUTS_SEJOUR,
        NIVEAUX_FRANCAIS=ref.NIVEAUX_FRANCAIS,
        ARRONDISSEMENTS=ref.arrondissements(),
        LANGUES=ref.langues(),
        SHEET_LANGUAGES=sheet_language_names(),
        search_link=lambda query: SearchLinks(query).page(1),
        **context,
    )


@blueprint.get("/orientation")
def orientation():
    args = filled_args(request.args)
    if not args:
        return _page(args, errors={}, found=None)
    try:
        profile, chosen, lang = parse_orientation_page(args)
        found = orient(profile)
    except ValidationError as error:
        return _page(args, errors=field_errors(error), found=None), 400
    page = _page(
        args,
        errors={},
        found=found,
        ticked=ticked_services(found, chosen),
        lang=lang,
        map_points=map_points(_unique_items(found)),
        map_origin=_origin(found),
    )
    usage.record_orientation(profile.freins)  # once rendered, as a search is
    return page


def _unique_items(found: Orientation) -> list:
    """Every best match once, whatever the number of barriers it lifts."""
    unique = {}
    for result in found.barriers:
        for match in result.items:
            unique.setdefault(match.service.id, match)
    return list(unique.values())


def _origin(found: Orientation) -> dict | None:
    point = found.profile.point
    return map_origin(*point, _("Adresse de la personne")) if point else None
