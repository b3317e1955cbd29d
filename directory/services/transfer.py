"""Import and export in the data·inclusion JSON format (plus the Paris extension).

A file is a list of records (data·inclusion's open-data files), an object {structures,
services}, or the body of a data·inclusion API page {items, total, page, size, pages}
(a search page's items {service, distance} are read as their services).

An import is all or nothing: a first pass streams the files and validates every record,
and one invalid record means nothing is written; the valid records wait on disk, as loaded,
and a second pass writes them in one transaction, rolled back on any error. The session is
emptied after each batch: what stays in memory is one batch and the ids the validation
compares, not the records. With ``skip_invalid``, the valid records are written and the
invalid ones only reported (write_report).
"""

import json
import pickle
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

import ijson
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import Service, Structure, User
from ..schemas import leniency
from ..schemas.json_input import CLOSING, OPENING, JsonRefused, checked_events, parse_problem
from ..schemas.listings import ServiceSchema, StructureSchema
from ..schemas.messages import flatten_errors
from .audit import apply_changes
from .indexing import index_queued

# Structures come first: services point to them.
KINDS = {"structure": (Structure, StructureSchema), "service": (Service, ServiceSchema)}
OUTCOMES = ("created", "updated", "unchanged")
CHUNK_SIZE = 500
RECORD_LISTS = ("structures", "services")
# The records of a data·inclusion API page: {"items": […], "total", "page", "size", "pages"}.
PAGE_LIST = "items"
EXPORT_FILES = {"structure": "structures.json", "service": "services.json"}


@dataclass(frozen=True)
class RecordError:
    source: str
    kind: str
    record_id: str
    field: str
    message: str

    # A file that could not be read (to its end), rather than one of its records.
    whole_file: bool = False

    def __str__(self) -> str:
        return f"{self.source} — {self.kind} « {self.record_id} » — {self.field} : {self.message}"


@dataclass(frozen=True)
class RawRecord:
    source: str
    kind: str
    data: object


# What an import reads: a list, or JsonFiles (streamed from disk). A RecordError in it is a
# file that could not be read (further).
RecordSource = Iterable[RawRecord | RecordError]


def _staging_files() -> dict[str, IO[bytes]]:
    return {kind: tempfile.TemporaryFile() for kind in KINDS}


@dataclass
class ImportPlan:
    """What the validation pass found: how many records of each kind, or the errors. The
    valid records wait on disk, as loaded, for the write pass: it writes exactly what was
    validated, without reading or checking the files again."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: list[RecordError] = field(default_factory=list)
    staged: dict[str, IO[bytes]] = field(default_factory=_staging_files)
    # (kind, id) of staged records refused afterwards (their structure is missing).
    refused: set[tuple[str, str]] = field(default_factory=set)
    # Fields outside the schemas, left out of the records: how many records had each.
    ignored: Counter = field(default_factory=Counter)
    # Values left out because only our stricter checks refuse them (lenient): per field.
    dropped: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def readable(self) -> bool:
        """Every file could be read to its end (what --skip-invalid needs to write)."""
        return not any(error.whole_file for error in self.errors)

    @property
    def valid_counts(self) -> dict[str, int]:
        """How many records of each kind are valid (those written with skip_invalid)."""
        refused = Counter(kind for kind, _id in self.refused)
        return {kind: count - refused[kind] for kind, count in self.counts.items()}

    def stage(self, kind: str, record: dict) -> None:
        pickle.dump(record, self.staged[kind], protocol=pickle.HIGHEST_PROTOCOL)
        self.counts[kind] += 1

    def records(self, kind: str) -> Iterator[dict]:
        """The valid records of one kind, as the validation pass loaded them."""
        staged = self.staged[kind]
        staged.seek(0)
        for _record in range(self.counts[kind]):
            record = pickle.load(staged)
            if (kind, record["id"]) not in self.refused:
                yield record


@dataclass(frozen=True)
class ImportReport:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    # Set when the search index could not be updated yet (the changes stay queued).
    index_error: str | None = None


def _nothing(_count: int) -> None:
    """A progress callback that shows nothing."""


# -- reading -----------------------------------------------------------------------------


class _NotRecords(Exception):
    """A file that is valid JSON but neither a list of records nor {structures, services}."""

    def message(self) -> str:
        if self.args:
            return _("« %(key)s » : liste d'enregistrements attendue.", key=self.args[0])
        return _(
            "Liste d'enregistrements ou objet {structures, services} attendu "
            "(ou page {items} de l'API data·inclusion)."
        )


def _classify(record: object) -> str:
    return "service" if isinstance(record, dict) and "structure_id" in record else "structure"


def _record_lists(path: Path) -> tuple[str | None, ...]:
    """The top-level keys whose lists hold the records: (None,) for a list, RECORD_LISTS for
    an object with structures or services, (PAGE_LIST,) for an API page; read no further
    than needed."""
    with path.open("rb") as file:
        for number, (prefix, event, value) in enumerate(checked_events(file)):
            if number == 0 and event == "start_array":
                return (None,)
            if number == 0 and event != "start_map":
                break
            if not prefix and event == "map_key" and value in RECORD_LISTS:
                return RECORD_LISTS
            if not prefix and event == "map_key" and value == PAGE_LIST:
                return (PAGE_LIST,)
    raise _NotRecords


def _unwrapped(item: object) -> object:
    """An item of a data·inclusion search page ({"service": {…}, "distance": …}) as its
    service; any other item as it is."""
    if isinstance(item, dict) and "id" not in item and isinstance(item.get("service"), dict):
        return item["service"]
    return item


def _as_far_as_list(key: str, events: Iterator) -> Iterator:
    """The events of an object file as far as the end of its top-level list `key` (all of
    them when it has none: the caps are checked to the end); that value must be a list."""
    depth = 0
    at_key = False
    for prefix, event, value in events:
        if at_key and event != "start_array":
            raise _NotRecords(key)
        yield prefix, event, value
        if event in OPENING:
            depth += 1
        elif event in CLOSING:
            depth -= 1
            if depth == 1 and prefix == key:
                return
        at_key = depth == 1 and event == "map_key" and value == key


def _file_records(path: Path) -> Iterator[RawRecord]:
    """The records of one file, streamed: a list's items, the structures then the services
    of an object, or a page's items, numbered as they come (ints and floats parsed as
    json.loads does)."""
    number = 0
    for key in _record_lists(path):
        with path.open("rb") as file:
            events = checked_events(file)
            if key is not None:
                events = _as_far_as_list(key, events)
            for item in ijson.items(events, "item" if key is None else f"{key}.item"):
                number += 1
                record = _unwrapped(item)
                yield RawRecord(f"{path.name}#{number}", _classify(record), record)


def _read(path: Path) -> Iterator[RawRecord | RecordError]:
    """The records of one file, then a RecordError if it could not be read to the end."""
    try:
        yield from _file_records(path)
        return
    except (OSError, UnicodeDecodeError) as error:
        message = str(error)
    except ijson.JSONError as error:
        message = parse_problem(error)
    except JsonRefused as error:
        message = str(error)
    except _NotRecords as error:
        message = error.message()
    yield RecordError(str(path), _("fichier"), path.name, "-", message, whole_file=True)


class JsonFiles:
    """data·inclusion JSON files as a RecordSource: each iteration streams them from disk."""

    def __init__(self, paths: Iterable[str | Path]):
        self.paths = [Path(path) for path in paths]

    def __iter__(self) -> Iterator[RawRecord | RecordError]:
        for path in self.paths:
            yield from _read(path)


def read_files(paths: Iterable[str | Path]) -> tuple[list[RawRecord], list[RecordError]]:
    """The records of small data·inclusion JSON files, in memory, and the unreadable files
    (whose records are left out)."""
    records, errors = [], []
    for path in map(Path, paths):
        items = list(_read(path))
        if items and isinstance(items[-1], RecordError):
            errors.append(items[-1])
        else:
            records += items
    return records, errors


# -- rows --------------------------------------------------------------------------------


def in_batches(items: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _known_ids(model, ids: list[str]) -> set[str]:
    """Those of these ids that are in the database."""
    return {
        known
        for chunk in in_batches(ids)
        for known in db.session.scalars(select(model.id).where(model.id.in_(chunk)))
    }


def _existing(model, ids: list[str]) -> dict:
    """The rows of these ids (one batch) already in the database."""
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


# -- the validation pass -----------------------------------------------------------------


def record_id_of(data: object) -> str:
    return str(data.get("id", "?")) if isinstance(data, dict) else "?"


def _load(
    schema, raw: RawRecord, errors: list[RecordError], plan: ImportPlan | None
) -> dict | None:
    """The record loaded through its schema, or None with its problems added to errors.
    Read as the official data·inclusion model reads it (schemas/leniency.py) when ``plan``
    is given, what is left out counted in plan.ignored and plan.dropped."""
    try:
        if plan is None:
            return schema.load(raw.data)
        return leniency.load(schema, raw.data, plan.ignored, plan.dropped)
    except ValidationError as error:
        for path, messages in flatten_errors(error.messages).items():
            errors += [
                RecordError(raw.source, raw.kind, record_id_of(raw.data), path, message)
                for message in messages
            ]
    return None


def validate(
    source: RecordSource,
    progress: Callable[[int], None] = _nothing,
    lenient: bool = False,
) -> ImportPlan:
    """Validate every record, and the links between them and with the database; keeps the
    ids it needs for that and the errors, not the records. ``lenient``: read the records
    as the official data·inclusion model does (schemas/leniency.py): fields outside the
    schemas left out and counted (plan.ignored), URLs percent-encoded, values only our
    stricter checks refuse left out and counted (plan.dropped), instead of refused."""
    plan = ImportPlan()
    seen: dict[tuple[str, str], str] = {}
    # structure id -> (source, id) of each service that names it
    references: dict[str, list[tuple[str, str]]] = defaultdict(list)
    refused_structures: set[str] = set()
    schemas = {kind: schema() for kind, (_model, schema) in KINDS.items()}
    for raw in source:
        progress(1)
        if isinstance(raw, RecordError):
            plan.errors.append(raw)
            continue
        loaded = _load(schemas[raw.kind], raw, plan.errors, plan if lenient else None)
        if loaded is None:
            if raw.kind == "structure":
                refused_structures.add(record_id_of(raw.data))
            continue
        if (raw.kind, loaded["id"]) in seen:
            message = _(
                "Identifiant en double (déjà utilisé par %(other)s).",
                other=seen[(raw.kind, loaded["id"])],
            )
            plan.errors.append(RecordError(raw.source, raw.kind, loaded["id"], "id", message))
            continue
        seen[(raw.kind, loaded["id"])] = raw.source
        plan.stage(raw.kind, loaded)
        if raw.kind == "service":
            references[loaded["structure_id"]].append((raw.source, loaded["id"]))
    imported = {record_id for kind, record_id in seen if kind == "structure"}
    orphans = _missing_structures(references, imported, refused_structures)
    plan.errors += orphans
    plan.refused |= {("service", error.record_id) for error in orphans}
    return plan


def _missing_structures(
    references: dict[str, list[tuple[str, str]]], imported: set[str], refused: set[str]
) -> list[RecordError]:
    """An error for each service whose structure is neither imported nor in the database:
    one refused by this import is named so, not as unknown."""
    wanted = [structure_id for structure_id in references if structure_id not in imported]
    known = _known_ids(Structure, wanted)
    errors = []
    for structure_id in wanted:
        if structure_id in known:
            continue
        if structure_id in refused:
            message = _("Structure « %(id)s » refusée (voir ses erreurs).", id=structure_id)
        else:
            message = _("Structure « %(id)s » inconnue.", id=structure_id)
        errors += [
            RecordError(source, "service", service_id, "structure_id", message)
            for source, service_id in references[structure_id]
        ]
    return errors


# -- the write pass ----------------------------------------------------------------------


def _upsert(model, attributes: dict, user: User | None, existing: dict) -> str:
    """Create or update one row, audited; returns 'created', 'updated' or 'unchanged'."""
    listing = existing.get(attributes["id"])
    created = listing is None
    if created:
        listing = model(id=attributes["id"])
        db.session.add(listing)
    if not apply_changes(listing, attributes, user):
        return "unchanged"
    return "created" if created else "updated"


def _write_batch(kind: str, records: list[dict], user: User | None, outcome: dict) -> None:
    model = KINDS[kind][0]
    existing = _existing(model, [record["id"] for record in records])
    with db.session.no_autoflush:
        for record in records:
            outcome[_upsert(model, record, user, existing)][kind] += 1
    db.session.flush()


def _release(kept: set) -> None:
    """Empty the session of what the last batch flushed, keeping what the caller had."""
    for instance in [instance for instance in db.session if instance not in kept]:
        db.session.expunge(instance)


def write(
    plan: ImportPlan,
    user: User | None = None,
    progress: Callable[[int], None] = _nothing,
    skip_invalid: bool = False,
) -> dict[str, dict[str, int]]:
    """The write pass: every record of a valid plan read again and upserted, in batches, in
    one transaction, committed at the end and rolled back on any error. Returns how many
    records of each kind were created, updated or unchanged. With ``skip_invalid``, a plan
    with invalid records writes its valid ones (not one with an unreadable file).

    The audit trail names ``user`` when a person imports through the admin pages."""
    if not (plan.readable if skip_invalid else plan.ok):
        raise ValueError("Refusing to apply an import plan that has errors.")
    outcome = {state: dict.fromkeys(KINDS, 0) for state in OUTCOMES}
    kept = set(db.session)
    try:
        for kind in KINDS:
            for batch in in_batches(plan.records(kind)):
                _write_batch(kind, batch, user, outcome)
                _release(kept)
                progress(len(batch))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


def apply(plan: ImportPlan, user: User | None = None, skip_invalid: bool = False) -> ImportReport:
    """Write a valid plan (see write), then bring the search indexes up to date."""
    outcome = write(plan, user, skip_invalid=skip_invalid)
    return ImportReport(**outcome, index_error=index_queued())


# -- the report of rejected records ---------------------------------------------------------


def rejections(errors: list[RecordError]) -> list[dict]:
    """Each rejected record (or unreadable file) once, with all its reasons, in order."""
    rejected: dict[tuple[str, str, str], dict] = {}
    for error in errors:
        key = (error.source, error.kind, error.record_id)
        entry = rejected.setdefault(
            key,
            {"emplacement": error.source, "type": error.kind, "id": error.record_id, "erreurs": []},
        )
        entry["erreurs"].append({"champ": error.field, "message": error.message})
    return list(rejected.values())


def write_report(path: str | Path, errors: list[RecordError]) -> int:
    """Write the rejected records and their reasons to ``path`` as a JSON list of
    {emplacement, type, id, erreurs: [{champ, message}]}; returns how many."""
    entries = rejections(errors)
    text = json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return len(entries)


# -- export ------------------------------------------------------------------------------


def export_to(directory: str | Path) -> dict[str, int]:
    """Write structures.json and services.json; returns how many records each holds."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, (model, schema) in KINDS.items():
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        payload = schema(many=True).dump(rows)
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        (target / EXPORT_FILES[kind]).write_text(text, encoding="utf-8")
        counts[kind] = len(rows)
    return counts
