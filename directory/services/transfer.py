"""Import and export in the data·inclusion JSON format (plus the Paris extension).

An import is all or nothing: every record is validated first, and one invalid record
means nothing is written.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import Service, Structure, User
from ..schemas.listings import ServiceSchema, StructureSchema
from ..schemas.messages import flatten_errors
from .audit import apply_changes
from .indexing import sync_outbox

KINDS = {"structure": (Structure, StructureSchema), "service": (Service, ServiceSchema)}
CHUNK_SIZE = 500
EXPORT_FILES = {"structure": "structures.json", "service": "services.json"}


@dataclass(frozen=True)
class RecordError:
    source: str
    kind: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source} — {self.kind} « {self.record_id} » — {self.field} : {self.message}"


@dataclass
class ImportPlan:
    records: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportReport:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    # Set when the search index could not be updated yet (the changes stay queued).
    index_error: str | None = None


@dataclass(frozen=True)
class RawRecord:
    source: str
    kind: str
    data: object


def _classify(record: object) -> str:
    return "service" if isinstance(record, dict) and "structure_id" in record else "structure"


def read_files(paths: Iterable[str | Path]) -> tuple[list[RawRecord], list[RecordError]]:
    """The records of data·inclusion JSON files: lists of records or {structures, services}."""
    records, errors = [], []
    for path in map(Path, paths):
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            errors.append(RecordError(str(path), _("fichier"), path.name, "-", str(error)))
            continue
        if isinstance(content, dict) and {"structures", "services"} & content.keys():
            items = [*content.get("structures", []), *content.get("services", [])]
        elif isinstance(content, list):
            items = content
        else:
            message = _("Liste d'enregistrements ou objet {structures, services} attendu.")
            errors.append(RecordError(str(path), _("fichier"), path.name, "-", message))
            continue
        records += [
            RawRecord(f"{path.name}#{n + 1}", _classify(item), item) for n, item in enumerate(items)
        ]
    return records, errors


def _record_id(data: object) -> str:
    return str(data.get("id", "?")) if isinstance(data, dict) else "?"


def validate(
    raw_records: list[RawRecord], progress: Callable[[int], None] = lambda n: None
) -> ImportPlan:
    """Validate every record, and the links between them and with the database."""
    plan = ImportPlan()
    seen: dict[tuple[str, str], str] = {}
    schemas = {kind: schema() for kind, (_model, schema) in KINDS.items()}
    for raw in raw_records:
        progress(1)
        record_id = _record_id(raw.data)
        try:
            loaded = schemas[raw.kind].load(raw.data)
        except ValidationError as error:
            for path, messages in flatten_errors(error.messages).items():
                plan.errors += [
                    RecordError(raw.source, raw.kind, record_id, path, message)
                    for message in messages
                ]
            continue
        if (raw.kind, loaded["id"]) in seen:
            message = _(
                "Identifiant en double (déjà utilisé par %(other)s).",
                other=seen[(raw.kind, loaded["id"])],
            )
            plan.errors.append(RecordError(raw.source, raw.kind, loaded["id"], "id", message))
            continue
        seen[(raw.kind, loaded["id"])] = raw.source
        plan.records[raw.kind].append(loaded | {"_source": raw.source})
    _check_structures_exist(plan)
    return plan


def _check_structures_exist(plan: ImportPlan) -> None:
    imported = {record["id"] for record in plan.records["structure"]}
    wanted = {record["structure_id"] for record in plan.records["service"]} - imported
    known = set(db.session.scalars(select(Structure.id).where(Structure.id.in_(wanted))))
    for record in plan.records["service"]:
        if record["structure_id"] not in imported | known:
            message = _("Structure « %(id)s » inconnue.", id=record["structure_id"])
            plan.errors.append(
                RecordError(record["_source"], "service", record["id"], "structure_id", message)
            )


def _existing(model, ids: list[str]) -> dict:
    """The rows of these ids already in the database, read in a few queries."""
    found = {}
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found |= {
            row.id: row for row in db.session.scalars(select(model).where(model.id.in_(chunk)))
        }
    return found


def _upsert(model, attributes: dict, user: User | None, existing: dict) -> str:
    """Create or update one row, audited; returns 'created', 'updated' or 'unchanged'."""
    attributes = {k: v for k, v in attributes.items() if not k.startswith("_")}
    listing = existing.get(attributes["id"])
    created = listing is None
    if created:
        listing = model(id=attributes["id"])
        db.session.add(listing)
    if not apply_changes(listing, attributes, user):
        return "unchanged"
    return "created" if created else "updated"


def apply(plan: ImportPlan, user: User | None = None) -> ImportReport:
    """Write a valid plan in one transaction, then bring the search index up to date.

    The audit trail names ``user`` when a person imports through the admin pages."""
    if not plan.ok:
        raise ValueError("Refusing to apply an import plan that has errors.")
    outcome = {state: dict.fromkeys(KINDS, 0) for state in ("created", "updated", "unchanged")}
    try:
        for kind in ("structure", "service"):
            model, records = KINDS[kind][0], plan.records[kind]
            existing = _existing(model, [record["id"] for record in records])
            with db.session.no_autoflush:
                for record in records:
                    outcome[_upsert(model, record, user, existing)][kind] += 1
            db.session.flush()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    sync = sync_outbox()
    return ImportReport(**outcome, index_error=sync.error)


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
