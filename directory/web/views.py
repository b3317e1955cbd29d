"""The public pages: search, service sheet, structure, signatories."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..auth import current_user
from ..models import Structure
from ..schemas.messages import flatten_errors
from ..schemas.search import parse_search_args
from ..search.filters import SORTS
from ..search.query import SearchQuery
from ..services import listings, referrals, usage
from ..services.search import search_services
from . import blueprint
from .address import locate, radius_options
from .facets import TITLES, active_filters, facet_blocks
from .links import SearchLinks, filled_args
from .map import map_origin, map_points

SORT_LABELS = {sort.name: sort.label for sort in SORTS}
PARAMETER_TITLES = {
    **TITLES,
    "q": _l("Recherche"),
    "sort": _l("Tri"),
    "page": _l("Page"),
    "size": _l("Résultats par page"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "rayon_km": _l("Rayon (km)"),
    "adresse": _l("Adresse de la personne"),
    "_schema": _l("Recherche"),
}


def sort_options(query: SearchQuery) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the sort menu; an implicit sort stays implicit."""
    effective = query.effective_sort
    options = []
    if query.sort is None:
        label = _("%(sort)s (par défaut)", sort=SORT_LABELS[effective])
        options.append(("", label, True))
    available = {None: True, "q": bool(query.q), "point": bool(query.geo)}
    for sort in SORTS:
        if not available[sort.needs] or (query.sort is None and sort.name == effective):
            continue
        chosen = query.sort is not None and sort.name == effective
        options.append((sort.name, str(sort.label), chosen))
    return options


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page numbers to link to, None where some are skipped: 1 … 4 5 6 7 8 … 20."""
    shown = {1, last, *range(current - around, current + around + 1)}
    numbers: list[int | None] = []
    for number in sorted(n for n in shown if 1 <= n <= last):
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _described_errors(args, error: ValidationError) -> list[tuple[str, str, str | None, list]]:
    """(title, parameter, offending value of a list, messages) for each refused parameter."""
    described = []
    for key, messages in flatten_errors(error.messages).items():
        name, _dot, index = key.partition(".")
        values = args.getlist(name)
        value = values[int(index)] if index.isdigit() and int(index) < len(values) else None
        described.append((str(PARAMETER_TITLES.get(name, name)), name, value, messages))
    return described


def invalid_search(args, error: ValidationError):
    page = render_template(
        "search.html",
        args=args,
        errors=_described_errors(args, error),
        result=None,
        radius_options=radius_options(args.get("rayon_km")),
    )
    return page, 400


@blueprint.get("/")
def search():
    args = filled_args(request.args)
    try:
        search_args, address = locate(args)
        query = parse_search_args(search_args)
    except ValidationError as error:
        return invalid_search(args, error)
    result = search_services(query)
    links = SearchLinks(query, address.text if address else None)
    blocks = facet_blocks(result, links)
    geo = query.geo
    page = render_template(
        "search.html",
        args=args,
        errors=None,
        result=result,
        links=links,
        blocks=blocks,
        active=active_filters(blocks, links),
        sort_options=sort_options(query),
        pages=page_numbers(query.page, result.pages),
        address=address,
        radius_options=radius_options(links.value("rayon_km")),
        map_points=map_points(result.items),
        map_origin=map_origin(geo.lat, geo.lon, _map_origin_label(address)) if geo else None,
    )
    # Once the page is rendered: the commit would expire the services it shows.
    usage.record_search(query, result.total)
    return page


def _map_origin_label(address) -> str:
    return _("Adresse de la personne") if address else _("Point de la recherche")


@blueprint.app_template_global()
def may_send_referrals() -> bool:
    """Whether the signed-in account may orient a person (the « Orienter » buttons)."""
    return bool(referrals.sending_structures(current_user()))


@blueprint.get("/services/<service_id>")
def service(service_id: str):
    found = listings.visible_service(service_id) or abort(404)
    return render_template("service.html", service=found)


def _published_services(structure: Structure) -> list:
    return [service for service in structure.services if service.is_visible]


@blueprint.get("/structures/<structure_id>")
def structure(structure_id: str):
    found = listings.published_structure(structure_id) or abort(404)
    return render_template("structure.html", structure=found, services=_published_services(found))


@blueprint.get("/signataires")
def signatories():
    rows = [(found, len(_published_services(found))) for found in listings.signatories()]
    return render_template("signatories.html", signatories=rows)


@blueprint.get("/signataires/<structure_id>")
def signatory(structure_id: str):
    found = listings.published_structure(structure_id)
    if found is None or not found.signataire:
        abort(404)
    return render_template("signatory.html", structure=found, services=_published_services(found))
