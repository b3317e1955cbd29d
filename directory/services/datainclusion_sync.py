"""Sync from the data·inclusion API: its structures then its services of one département,
page by page (GET /structures and /services, ``{"items", "total", "page", "size", "pages"}``).

Each page goes through the import (transfer.py: its lenient validation, its audited upsert) in
its own transaction: a failure leaves the earlier pages written and nothing of its own page, and
the next run, which reads every page again, completes. A record equal to its row changes nothing
(no revision, no audit entry), so a second run changes nothing. What data·inclusion does not
publish (the Paris extension, the publication status, the verification date…) keeps its value
here. The listings partners keep in this directory (OWN_SOURCE) are never touched. After a
complete run only, the listings that the same query would return and that upstream no longer has
are archived.
"""

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from data_inclusion.schema import v1
from flask_babel import gettext as _
from sqlalchemy import select

from .. import referentials as ref
from ..extensions import db
from .audit import apply_changes
from .transfer import (
    KINDS,
    OUTCOMES,
    ImportPlan,
    RawRecord,
    RecordError,
    in_batches,
    record_id_of,
    validate,
    write,
)

TOKEN_VARIABLE = "DIRECTORY_DATAINCLUSION_TOKEN"
PATHS = {"structure": "/structures", "service": "/services"}
PAGE_SIZE = 1000
ATTEMPTS = 4
# Waits before the retries of a 5xx or unreachable API: BACKOFF_SECONDS, then twice that…
BACKOFF_SECONDS = 0.5
# The longest Retry-After honoured.
MAX_WAIT_SECONDS = 300
TIMEOUT_SECONDS = 60

# The fields our schemas know, and those of them data·inclusion does not publish: ours alone.
KNOWN_FIELDS = {kind: frozenset(schema().fields) for kind, (_model, schema) in KINDS.items()}
OFFICIAL = {"structure": v1.Structure, "service": v1.Service}
LOCAL_FIELDS = {kind: KNOWN_FIELDS[kind] - set(OFFICIAL[kind].model_fields) for kind in KINDS}


class SyncError(Exception):
    """data·inclusion could not be read; the message says why, in French."""


# -- the API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    number: int
    pages: int | None
    # How many records the query holds, as this page announces it.
    total: int | None
    items: list


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


class DataInclusionApi:
    """A client of data·inclusion's API v1 (Bearer token; 429 and 5xx retried)."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url.rstrip("/")
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, params: dict) -> object:
        url = f"{self.base_url}{path}?{urlencode(params, doseq=True)}"
        request = urllib.request.Request(url, headers=self.headers)
        for attempt in range(1, ATTEMPTS + 1):
            wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    return json.load(response)
            except urllib.error.HTTPError as error:
                _raise_unless_transient(error, url)
                asked = _retry_after(error.headers.get("Retry-After"))
                wait = wait if asked is None else asked
                problem = f"HTTP {error.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                problem = str(getattr(error, "reason", error))
            except ValueError as error:
                message = _("Réponse illisible de %(url)s : %(error)s.", url=url, error=error)
                raise SyncError(message) from error
            if attempt < ATTEMPTS:
                time.sleep(wait)
        raise SyncError(
            _(
                "data·inclusion ne répond pas (%(url)s : %(error)s), %(attempts)s essais.",
                url=url,
                error=problem,
                attempts=ATTEMPTS,
            )
        )

    def pages(self, kind: str, params: dict, size: int) -> Iterator[Page]:
        """The pages of /structures or /services, until the last one or an empty one."""
        number = 1
        while True:
            body = self.get(PATHS[kind], {**params, "page": number, "size": size})
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise SyncError(_("Page inattendue de data·inclusion : « items » manque."))
            pages, total = (
                body.get(key) if isinstance(body.get(key), int) else None
                for key in ("pages", "total")
            )
            if not body["items"]:
                return
            yield Page(number, pages, total, body["items"])
            if pages is not None and number >= pages:
                return
            number += 1

    def sources(self) -> list[str]:
        """The slugs of the sources data·inclusion publishes (GET /sources)."""
        listed = self.get("/sources", {})
        if not isinstance(listed, list):
            raise SyncError(_("Liste des sources inattendue de data·inclusion."))
        return [source.get("slug") for source in listed if isinstance(source, dict)]


def _raise_unless_transient(error: urllib.error.HTTPError, url: str) -> None:
    """A refused token or a refused request is final; 429 and 5xx are worth another try."""
    if error.code in (401, 403):
        raise SyncError(
            _(
                "data·inclusion refuse l'accès (HTTP %(status)s) : vérifiez le jeton de "
                "la variable %(variable)s.",
                status=error.code,
                variable=TOKEN_VARIABLE,
            )
        )
    if error.code != 429 and error.code < 500:
        raise SyncError(
            _("data·inclusion refuse %(url)s (HTTP %(status)s).", url=url, status=error.code)
        )


# -- the sync ----------------------------------------------------------------------------


def _no_progress(_kind: str, _page: Page) -> None:
    """A progress callback that shows nothing."""


@dataclass
class SyncReport:
    outcome: dict[str, dict[str, int]] = field(
        default_factory=lambda: {state: dict.fromkeys(KINDS, 0) for state in OUTCOMES}
    )
    # Records left as they are: refused by the validation, or naming a partner's listing.
    refused: list[RecordError] = field(default_factory=list)
    archived: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    # Kinds whose pages were empty or changed while they were read: nothing archived.
    unsure: list[str] = field(default_factory=list)
    # Fields not in our schemas, and values only our stricter checks refuse: left out.
    ignored: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)


def _rows_of(kind: str, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(source, statut_publication) of the rows of these ids already in the database."""
    model = KINDS[kind][0]
    columns = select(model.id, model.source, model.statut_publication)
    return {
        row.id: (row.source, row.statut_publication)
        for batch in in_batches(ids)
        for row in db.session.execute(columns.where(model.id.in_(batch)))
    }


def _partners_records(kind: str, items: list, label: str) -> tuple[list, list[RecordError]]:
    """The items that are not partners' listings, and an error for each one that is."""
    rows = _rows_of(kind, [record_id_of(item) for item in items])
    message = _("Fiche tenue par les partenaires de l'annuaire : laissée telle quelle.")
    kept, refused = [], []
    for item in items:
        record_id = record_id_of(item)
        owner = rows.get(record_id, (None,))[0]
        if ref.OWN_SOURCE in (owner, isinstance(item, dict) and item.get("source")):
            refused.append(RecordError(label, kind, record_id, "source", message))
        else:
            kept.append(item)
    return kept, refused


def _keeping_local_fields(kind: str, plan: ImportPlan) -> ImportPlan:
    """The plan with, for the rows already here, only the fields data·inclusion publishes:
    the others keep their value; a row archived earlier is published again."""
    rows = _rows_of(kind, [record["id"] for record in plan.records(kind)])
    kept = ImportPlan()
    for record in plan.records(kind):
        if record["id"] in rows:
            record = {key: value for key, value in record.items() if key not in LOCAL_FIELDS[kind]}
            if rows[record["id"]][1] == ref.ARCHIVE:
                record["statut_publication"] = ref.PUBLIE
        kept.stage(kind, record)
    return kept


def _sync_page(kind: str, page: Page, report: SyncReport) -> None:
    """Validate and upsert one page, in one transaction."""
    label = f"{PATHS[kind]} page {page.number}"
    items, refused = _partners_records(kind, page.items, label)
    report.refused += refused
    # Read as `directory import --skip-invalid` reads data·inclusion's records: the fields
    # our schema does not know are ignored, the refused records left out.
    plan = validate([RawRecord(label, kind, item) for item in items], lenient=True)
    report.refused += plan.errors
    report.ignored.update(plan.ignored)
    report.dropped.update(plan.dropped)
    outcome = write(_keeping_local_fields(kind, plan))
    for state in OUTCOMES:
        report.outcome[state][kind] += outcome[state][kind]


def _read_whole(pages: list[tuple[int | None, int]]) -> bool:
    """Whether pages, as (announced total, records), hold some records and all that the
    query announced: a list that changed between two pages may have shifted a record out of
    them (offset pagination), an empty one is more likely a failure than the end of all."""
    read = sum(count for _total, count in pages)
    return read > 0 and {total for total, _count in pages} <= {read, None}


def _archive_missing(departement: str, sources: list[str], seen: dict[str, set[str]]) -> dict:
    """Archive the listings of these sources in the département (what the query returns)
    that upstream no longer has (seen: the ids it has, for the kinds to archive); one
    transaction."""
    archived = dict.fromkeys(KINDS, 0)
    sources = [source for source in sources if source != ref.OWN_SOURCE]
    try:
        for kind in seen:
            model = KINDS[kind][0]
            query = select(model).where(
                model.source.in_(sources),
                model.code_insee.startswith(departement, autoescape=True),
                model.statut_publication != ref.ARCHIVE,
            )
            gone = [row for row in db.session.scalars(query) if row.id not in seen[kind]]
            for row in gone:
                apply_changes(row, {"statut_publication": ref.ARCHIVE}, None)
            archived[kind] = len(gone)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return archived


def sync(
    api: DataInclusionApi,
    departement: str,
    sources: list[str] | None = None,
    size: int = PAGE_SIZE,
    progress: Callable[[str, Page], None] = _no_progress,
) -> SyncReport:
    """Bring the listings of data·inclusion's ``sources`` (all when None) in ``departement``
    up to date; raises SyncError when the API fails (the pages before stay written)."""
    params = {"code_departement": departement}
    if sources:
        params["sources"] = list(sources)
    report = SyncReport()
    seen: dict[str, set[str]] = {kind: set() for kind in KINDS}
    pages: dict[str, list[tuple[int | None, int]]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for page in api.pages(kind, params, size):
            seen[kind].update(record_id_of(item) for item in page.items)
            pages[kind].append((page.total, len(page.items)))
            _sync_page(kind, page, report)
            progress(kind, page)
    report.unsure = [kind for kind in KINDS if not _read_whole(pages[kind])]
    whole = {kind: ids for kind, ids in seen.items() if kind not in report.unsure}
    report.archived = _archive_missing(departement, list(sources or api.sources()), whole)
    return report
