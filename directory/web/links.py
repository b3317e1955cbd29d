"""URLs of the search page derived from the current query: toggled facets, pages, removals."""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from .. import i18n
from ..search.filters import SINGLE_VALUED, TERM_FILTERS
from ..search.query import DEFAULT_SIZE, SearchQuery


def filled_args(args: MultiDict) -> MultiDict:
    """The query-string arguments without the empty values an HTML form sends (`?q=&age=`),
    nor the interface's language (`?lang=`, every page's)."""
    return MultiDict(
        (name, value)
        for name, value in args.items(multi=True)
        if value.strip() and name != i18n.PARAMETER
    )


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class SearchLinks:
    query: SearchQuery
    # The person's address typed on the page: links carry it rather than its point.
    adresse: str | None = None

    def params(self) -> dict[str, list[str]]:
        """The query as URL parameters, in a stable order, page excluded."""
        query = self.query
        params: dict[str, list[str]] = {"q": [query.q] if query.q else []}
        for field in TERM_FILTERS:
            params[field] = list(query.terms.get(field, ()))
        params["publics_dedies"] = ["true"] if query.dedicated else []
        params["age"] = [str(query.age)] if query.age is not None else []
        params["adresse"] = [self.adresse] if self.adresse else []
        geo = query.geo
        point = geo if geo and not self.adresse else None
        params["lat"] = [_number(point.lat)] if point else []
        params["lon"] = [_number(point.lon)] if point else []
        params["rayon_km"] = [_number(geo.rayon_km)] if geo and geo.rayon_km else []
        params["sort"] = [query.sort] if query.sort else []
        params["size"] = [str(query.size)] if query.size != DEFAULT_SIZE else []
        return params

    def value(self, name: str) -> str | None:
        """The (first) URL value of a parameter, None when the query has none."""
        return next(iter(self.params()[name]), None)

    @staticmethod
    def url(params: dict[str, list[str]], page: int = 1) -> str:
        pairs = [(name, value) for name, values in params.items() for value in values]
        if page > 1:
            pairs.append(("page", str(page)))
        base = url_for("web.search")
        return f"{base}?{urlencode(pairs)}" if pairs else base

    def page(self, number: int) -> str:
        return self.url(self.params(), number)

    def toggle(self, field: str, value: str) -> str:
        """The same search with this facet value switched on or off, from page 1."""
        params = self.params()
        values = params[field]
        if value in values:
            values.remove(value)
        elif field in SINGLE_VALUED:
            params[field] = [value]
        else:
            values.append(value)
        return self.url(params)

    def without(self, *fields: str) -> str:
        params = self.params()
        for field in fields:
            params[field] = []
        return self.url(params)

    def hidden_fields(self) -> list[tuple[str, str]]:
        """Parameters the form has no control for, kept as hidden inputs (point, size)."""
        params = self.params()
        return [(name, value) for name in ("lat", "lon", "size") for value in params[name]]
