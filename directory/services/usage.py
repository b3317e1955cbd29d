"""What the public pages record of their use, for the committees' figures (issue 11): one
row per search (its first page) and per orientation page opened, with the day only.

Never the free text, an address, a point, nor what would make a person's profile (age,
residence status, RQTH): only the filters of KEPT_FILTERS, whether there was a text, the
total; for an orientation page, its barriers only. Never who, from where, nor the time.
"""

import logging

from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import UsageEvent
from ..search.query import SearchQuery
from .fiche import today

log = logging.getLogger(__name__)

SEARCH, ORIENTATION = "recherche", "orientation"
# The search filters a usage event keeps: what was looked for, not who looked.
KEPT_FILTERS = (
    "thematiques",
    "arrondissement",
    "niveau",
    "langues",
    "publics",
    "frais",
    "modes_accueil",
    "types",
    "structure",
    "signataire",
)
# Whether the search had a free text, never the text itself.
TEXT, YES = "texte", "oui"
BARRIERS = "freins"


def search_filters(query: SearchQuery) -> dict[str, list[str]]:
    """The kept filters of a search, and whether it had a text."""
    kept = {name: list(query.terms[name]) for name in KEPT_FILTERS if query.terms.get(name)}
    return kept | ({TEXT: [YES]} if query.q else {})


def is_empty(query: SearchQuery) -> bool:
    """The search form sent without a filter nor a text."""
    return not (query.terms or query.q or query.geo or query.age is not None)


def record_search(query: SearchQuery, total: int) -> None:
    """One event for a search made (its first page, not an empty form)."""
    if query.page == 1 and not is_empty(query):
        _record(UsageEvent(kind=SEARCH, filters=search_filters(query), results=total))


def record_orientation(freins: tuple[str, ...]) -> None:
    """One event for an orientation page opened: its barriers, nothing else of the profile."""
    _record(UsageEvent(kind=ORIENTATION, filters={BARRIERS: list(freins)}))


def _record(event: UsageEvent) -> None:
    """Write the event; a failure is logged and the page served all the same."""
    event.day = today()
    try:
        db.session.add(event)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("usage event not recorded")
