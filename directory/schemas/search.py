"""The search parameters of DESIGN.md §3: validated from a query string into a SearchQuery."""

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

from .. import referentials as ref
from ..search.query import MAX_SIZE, SORTS, TERM_FILTERS, GeoFilter, SearchQuery
from .listings import ID_PATTERN
from .messages import between, one_of, pattern, text_length
from .query_string import check_languages, load_query_string


def _many(choices=None, **kwargs) -> fields.List:
    inner = (
        fields.String(validate=one_of(choices)) if choices is not None else fields.String(**kwargs)
    )
    return fields.List(inner, load_default=list)


class SearchParamsSchema(Schema):
    class Meta:
        unknown = RAISE

    thematiques = _many({**ref.THEMATIQUES, **ref.CATEGORIES})
    arrondissement = fields.List(fields.Integer(validate=between(1, 20)), load_default=list)
    niveau = _many(ref.NIVEAUX_FRANCAIS)
    statut = _many(ref.STATUTS_SEJOUR)
    publics = _many(ref.PUBLICS)
    frais = _many(ref.FRAIS)
    modes_accueil = _many(ref.MODES_ACCUEIL)
    types = _many(ref.TYPES)
    langues = fields.List(fields.String(), load_default=list, validate=check_languages)
    structure = _many(validate=pattern(ID_PATTERN, _l("Identifiant de structure invalide.")))
    signataire = fields.Boolean(load_default=None, allow_none=True)
    rqth = fields.Boolean(load_default=None, allow_none=True)
    publics_dedies = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true : seulement les services dédiés à ce qui est demandé — dont "
            "`publics` nomme l'une des valeurs choisies (ni `tous-publics` ni publics vides) "
            "et, avec `rqth=true`, qui exigent une RQTH (`rqth_requise`)"
        },
    )
    age = fields.Integer(load_default=None, validate=between(0, 120))
    lat = fields.Float(load_default=None, validate=between(-90, 90))
    lon = fields.Float(load_default=None, validate=between(-180, 180))
    rayon_km = fields.Float(load_default=None, validate=between(0.1, 1000))
    q = fields.String(load_default=None, validate=text_length(0, 200))
    sort = fields.String(load_default=None, validate=one_of(SORTS))
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
            if name not in ("signataire", "rqth") and data[name]
        }
        for flag in ("signataire", "rqth"):
            if data[flag] is not None:
                terms[flag] = ("true" if data[flag] else "false",)
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


def parse_search_args(args: MultiDict) -> SearchQuery:
    """Validate query-string arguments; raises ValidationError naming each bad parameter."""
    return load_query_string(SearchParamsSchema(), args)
