"""The person's address on the search page, located through the BAN as the search's point.

A page parameter only: the JSON API takes lat/lon. The address is never logged: request
lines show ``adresse=…`` in its place (directory/privacy.py).
"""

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..schemas.messages import text_length
from ..services import geocoding
from ..services.geocoding import Place

MAX_LENGTH = 200
RADIUS_CHOICES_KM = ("1", "2", "5", "10")


@dataclass(frozen=True)
class TypedAddress:
    text: str
    # Where the BAN puts it; None when the BAN could not be reached.
    place: Place | None


def _typed_address(args: MultiDict) -> str | None:
    values = args.getlist("adresse")
    if len(values) > 1:
        raise ValidationError({"adresse": [_("Ce paramètre ne peut être donné qu'une fois.")]})
    text = values[0].strip() if values else ""
    try:
        text_length(0, MAX_LENGTH)(text)
    except ValidationError as error:
        raise ValidationError({"adresse": error.messages}) from error
    return text or None


def _without(args: MultiDict, *names: str) -> MultiDict:
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k not in names])


def _without_distance(args: MultiDict) -> MultiDict:
    """The parameters that need a point (radius, distance sort) left out."""
    kept = _without(args, "rayon_km")
    if kept.get("sort") == "distance":
        kept.pop("sort")
    return kept


def locate(args: MultiDict) -> tuple[MultiDict, TypedAddress | None]:
    """The search parameters with the typed address replaced by its point (lat, lon).

    An address the BAN does not know is an error of ``adresse``; when the BAN cannot be
    reached, the search runs without a point, hence without radius nor distance sort.
    """
    text = _typed_address(args)
    if text is None:
        if "rayon_km" in args and "lat" not in args:
            message = _(
                "Le rayon se compte autour d'une adresse : indiquez l'adresse de la personne."
            )
            raise ValidationError({"rayon_km": [message]})
        return args, None
    search_args = _without(args, "adresse", "lat", "lon")
    try:
        place = geocoding.geocode(text)
    except geocoding.GeocodingUnavailable:
        return _without_distance(search_args), TypedAddress(text, None)
    if place is None:
        message = _("Adresse introuvable : précisez le numéro, la rue et le code postal.")
        raise ValidationError({"adresse": [message]})
    search_args.setlist("lat", [str(place.latitude)])
    search_args.setlist("lon", [str(place.longitude)])
    return search_args, TypedAddress(text, place)


def _kilometres(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 else None


def radius_options(selected: str | None) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the radius menu; a valid radius from a link is kept."""
    values = list(RADIUS_CHOICES_KM)
    if selected and selected not in values and _kilometres(selected):
        values.append(selected)
    options = [("", _("Sans limite"), selected not in values)]
    for value in values:
        label = _("%(km)s km", km=format_decimal(_kilometres(value)))
        options.append((value, label, value == selected))
    return options
