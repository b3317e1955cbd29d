"""The filters of the search page: facet values with their counts and toggle links."""

from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import gettext as _

from .. import referentials as ref
from ..search.filters import BY_NAME, FILTERS, IDENTIFIER, NUMBER, OPTION, SINGLE_VALUED
from ..services.search import FacetValue, SearchResult
from .links import SearchLinks

# Titles of the page's filters, in page order (the registry's).
TITLES = {f.name: f.title for f in FILTERS}


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str
    input_id: str


@dataclass(frozen=True)
class ThemeGroup:
    """A catégorie (None when it has no count of its own) and its sub-thématiques."""

    label: str
    categorie: FacetOption | None
    subs: list[FacetOption]

    @property
    def unfolded(self) -> bool:
        return any(option.selected for option in [self.categorie, *self.subs] if option)


@dataclass(frozen=True)
class FacetBlock:
    field: str
    title: str
    kind: str  # "checkbox", "radio", "themes", "age" or "flag" (one box)
    options: list[FacetOption] = field(default_factory=list)
    groups: list[ThemeGroup] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        options = [*self.options]
        for group in self.groups:
            options += [option for option in [group.categorie, *group.subs] if option]
        return [option for option in options if option.selected]

    @property
    def unfolded(self) -> bool:
        return BY_NAME[self.field].unfolded or bool(self.selected)

    @property
    def partner_named(self) -> bool:
        """Its values are partners' records, labelled with the names partners gave them."""
        return BY_NAME[self.field].check == IDENTIFIER


def _options(name: str, values: list[FacetValue], links: SearchLinks) -> list[FacetOption]:
    return [
        FacetOption(
            value.value,
            value.label,
            value.count,
            value.selected,
            links.toggle(name, value.value),
            f"filtre-{name}-{value.value}",
        )
        for value in values
    ]


def _theme_groups(options: list[FacetOption]) -> list[ThemeGroup]:
    categories = {option.value: option for option in options if "--" not in option.value}
    subs: dict[str, list[FacetOption]] = {}
    for option in options:
        if "--" in option.value:
            subs.setdefault(ref.categorie_of(option.value), []).append(option)
    return [
        ThemeGroup(str(label), categories.get(slug), subs.get(slug, []))
        for slug, label in ref.CATEGORIES.items()
        if slug in categories or slug in subs
    ]


def _dedicated_block(links: SearchLinks) -> FacetBlock:
    """The publics_dedies box: it narrows the Publics and RQTH filters, has nothing to count."""
    option = FacetOption(
        "true",
        _("Seulement les services dédiés"),
        0,
        links.query.dedicated,
        links.toggle("publics_dedies", "true"),
        "filtre-publics_dedies-true",
    )
    return FacetBlock("publics_dedies", str(TITLES["publics_dedies"]), "flag", options=[option])


def facet_blocks(result: SearchResult, links: SearchLinks) -> list[FacetBlock]:
    """Every filter of the page, in order, hiding the ones with nothing to offer."""
    blocks = []
    for registered in FILTERS:
        name, title = registered.name, str(registered.title)
        if registered.kind == NUMBER:
            blocks.append(FacetBlock(name, title, "age"))
            continue
        if registered.kind == OPTION:
            blocks.append(_dedicated_block(links))
            continue
        options = _options(name, result.facets.get(name, []), links)
        if not options:
            continue
        if name == "thematiques":
            blocks.append(FacetBlock(name, title, "themes", groups=_theme_groups(options)))
        else:
            kind = "radio" if name in SINGLE_VALUED else "checkbox"
            blocks.append(FacetBlock(name, title, kind, options=options))
    return blocks


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


def active_filters(blocks: list[FacetBlock], links: SearchLinks) -> list[ActiveFilter]:
    """What narrows the results now, each with the link that removes it."""
    query = links.query
    active = []
    if query.q:
        active.append(ActiveFilter(_("« %(text)s »", text=query.q), links.without("q")))
    active += _place_filters(links)
    for block in blocks:
        if block.kind == "age" and query.age is not None:
            active.append(ActiveFilter(_("%(age)s ans", age=query.age), links.without("age")))
        active += [
            ActiveFilter(option.label, links.toggle(block.field, option.value))
            for option in block.selected
        ]
    return active


def _place_filters(links: SearchLinks) -> list[ActiveFilter]:
    """The typed address (removing it removes the radius too) and the radius."""
    active = []
    if links.adresse:
        label = _("Autour de « %(adresse)s »", adresse=links.adresse)
        active.append(ActiveFilter(label, links.without("adresse", "rayon_km")))
    geo = links.query.geo
    if geo and geo.rayon_km:
        label = _("À %(km)s km au plus", km=format_decimal(geo.rayon_km))
        active.append(ActiveFilter(label, links.without("rayon_km")))
    return active
