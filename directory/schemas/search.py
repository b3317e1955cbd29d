"""The search parameters of DESIGN.md §3: validated from a query string into a SearchQuery."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validates_schema,
)
from werkzeug.datastructures import MultiDict

from ..search.filters import (
    ARRONDISSEMENT,
    FILTERS,
    FLAG,
    IDENTIFIER,
    LANGUAGE,
    NUMBER,
    OPTION,
    SINGLE_VALUED,
    SORT_NAMES,
    TERM_FILTERS,
    Filter,
    flag,
)
from ..search.query import MAX_SIZE, GeoFilter, SearchQuery
from .listings import ID_PATTERN
from .messages import between, one_of, pattern, text_length
from .query_string import check_languages, load_query_string

PUBLICS_DEDIES_HELP = (
    "true : seulement les services dédiés à ce qui est demandé — dont `publics` nomme l'une "
    "des valeurs choisies (ni `tous-publics` ni publics vides) et, avec `rqth=true`, qui "
    "exigent une RQTH (`rqth_requise`)"
)


def _value_field(registered: Filter) -> fields.Field:
    """One value of a facet filter, checked as the registry says."""
    if registered.check == ARRONDISSEMENT:
        return fields.Integer(validate=between(1, 20))
    if registered.check == IDENTIFIER:
        return fields.String(validate=pattern(ID_PATTERN, _l("Identifiant de structure invalide.")))
    return fields.String(validate=one_of(registered.choices))


def _parameter(registered: Filter) -> fields.Field:
    """The query-string parameter of a registered filter."""
    if registered.kind == FLAG:
        return fields.Boolean(load_default=None, allow_none=True)
    if registered.kind == NUMBER:
        return fields.Integer(load_default=None, validate=between(0, 120))
    if registered.kind == OPTION:
        return fields.Boolean(load_default=False, metadata={"description": PUBLICS_DEDIES_HELP})
    if registered.check == LANGUAGE:
        return fields.List(fields.String(), load_default=list, validate=check_languages)
    return fields.List(_value_field(registered), load_default=list)


class _SearchParams(Schema):
    """The parameters that are not filters of the registry, and the query they make."""

    class Meta:
        unknown = RAISE

    lat = fields.Float(load_default=None, validate=between(-90, 90))
    lon = fields.Float(load_default=None, validate=between(-180, 180))
    rayon_km = fields.Float(load_default=None, validate=between(0.1, 1000))
    q = fields.String(load_default=None, validate=text_length(0, 200))
    sort = fields.String(load_default=None, validate=one_of(SORT_NAMES))
    page = fields.Integer(load_default=1, validate=between(1, 10_000))
    size = fields.Integer(load_default=20, validate=between(1, MAX_SIZE))

    @validates_schema
    def point_is_complete(self, data, **kwargs) -> None:
        has_lat, has_lon = data.get("lat") is not None, data.get("lon") is not None
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise ValidationError(_l("lat et lon vont ensemble : ce paramètre manque."), missing)
        if data.get("rayon_km") is not None and not has_lat:
            raise ValidationError(_l("rayon_km demande un point (lat et lon)."), "rayon_km")
        if data.get("sort") == "distance" and not has_lat:
            raise ValidationError(_l("Le tri par distance demande un point (lat et lon)."), "sort")

    @post_load
    def to_query(self, data, **kwargs) -> SearchQuery:
        terms = {
            name: tuple(map(str, data[name]))
            for name in TERM_FILTERS
            if name not in SINGLE_VALUED and data[name]
        }
        terms |= {name: (flag(data[name]),) for name in SINGLE_VALUED if data[name] is not None}
        geo = (
            GeoFilter(data["lat"], data["lon"], data["rayon_km"])
            if data["lat"] is not None
            else None
        )
        return SearchQuery(
            terms=terms,
            age=data["age"],
            geo=geo,
            q=(data["q"] or "").strip() or None,
            sort=data["sort"],
            page=data["page"],
            size=data["size"],
            dedicated=data["publics_dedies"],
        )


# The schema: the registry's filters, then the other parameters.
SearchParamsSchema = type(
    "SearchParamsSchema",
    (_SearchParams,),
    {f.name: _parameter(f) for f in FILTERS},
)


# One instance, built once: marshmallow copies every field at instantiation.
SEARCH_PARAMS = SearchParamsSchema()

# The filters that take several values: the registry's multi-select facets.
MULTI_VALUED = tuple(name for name in TERM_FILTERS if name not in SINGLE_VALUED)


def check_filter_value_count(args: MultiDict) -> None:
    """At most SEARCH_MAX_FILTER_VALUES filter values in one search (the page's links grow
    with their square); past it, a ValidationError names each filter given."""
    cap = current_app.config["SEARCH_MAX_FILTER_VALUES"]
    counts = {name: len(args.getlist(name)) for name in MULTI_VALUED if name in args}
    if sum(counts.values()) > cap:
        raise ValidationError(
            {
                name: [
                    _(
                        "%(count)s valeurs ; une recherche en prend %(max)s au plus, "
                        "tous filtres confondus.",
                        count=count,
                        max=cap,
                    )
                ]
                for name, count in counts.items()
            }
        )


def parse_search_args(args: MultiDict) -> SearchQuery:
    """Validate query-string arguments; raises ValidationError naming each bad parameter."""
    check_filter_value_count(args)
    return load_query_string(SEARCH_PARAMS, args)
