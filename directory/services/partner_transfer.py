"""Import and export from the admin pages: the CLI's all-or-nothing import, limited to what the
person may edit, and downloads in data·inclusion JSON or CSV.

An editor imports into one structure: every record must belong to it (a structure record is
the structure itself, a service record names it and, when it exists, already belongs to it).
One refused record means nothing is written, exactly like one invalid record.
"""

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import missing
from sqlalchemy import select
from werkzeug.utils import secure_filename

from ..extensions import db
from ..models import Service, Structure, User
from ..schemas.listings import ServiceSchema, StructureSchema
from . import csv_format, transfer
from .editing import ADMIN_ONLY
from .permissions import can_edit_structure, is_admin, require_admin, require_structure_editor
from .transfer import ImportReport, RawRecord, RecordError


@dataclass
class ImportOutcome:
    """What an import did (report) or why it wrote nothing (refused, errors)."""

    report: ImportReport | None = None
    # Records the person may not write: the whole import is refused (HTTP 403).
    refused: list[RecordError] = field(default_factory=list)
    # Unreadable files and invalid records (HTTP 400).
    errors: list[RecordError] = field(default_factory=list)


def read_upload(filename: str, content: bytes) -> tuple[list[RawRecord], list[RecordError]]:
    """The records of an uploaded .json (data·inclusion) or .csv file."""
    name = secure_filename(filename) or "import.json"
    if name.lower().endswith(".csv"):
        return csv_format.read_csv(content, name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return transfer.read_files([path])


def _owner(raw: RawRecord) -> str | None:
    """The structure a raw record writes to, as the record says."""
    if not isinstance(raw.data, dict):
        return None
    key = "id" if raw.kind == "structure" else "structure_id"
    value = raw.data.get(key)
    return str(value) if value is not None else None


def _current_owners(raw_records: list[RawRecord]) -> dict[str, str]:
    """service id -> structure id, for the services of the import that already exist."""
    ids = {
        str(raw.data["id"])
        for raw in raw_records
        if raw.kind == "service" and isinstance(raw.data, dict) and "id" in raw.data
    }
    rows = db.session.execute(select(Service.id, Service.structure_id).where(Service.id.in_(ids)))
    return {service_id: structure_id for service_id, structure_id in rows}


def _admin_fields_changed(raw: RawRecord) -> list[str]:
    """Coordinator-only fields (signataire, source…) the record would change on an existing
    listing; a field left out of the record takes its default, as the import would do."""
    if not isinstance(raw.data, dict):
        return []
    model, schema_class = transfer.KINDS[raw.kind]
    existing = db.session.get(model, str(raw.data.get("id")))
    if existing is None:
        return []
    schema = schema_class()
    current = schema.dump(existing)
    changed = []
    for key in sorted(ADMIN_ONLY[raw.kind] - {"id", "structure_id"}):
        default = schema.fields[key].load_default
        proposed = raw.data.get(key, current.get(key) if default is missing else default)
        if proposed != current.get(key):
            changed.append(key)
    return changed


def _refusals(user: User, raw: RawRecord, scope: str | None, owners: dict) -> list[str]:
    owner = _owner(raw)
    targets = {owner}
    if raw.kind == "service" and isinstance(raw.data, dict):
        targets.add(owners.get(str(raw.data.get("id"))))
    targets.discard(None)
    reasons = []
    for target in sorted(targets):
        if scope is not None and target != scope:
            reasons.append(_("Enregistrement de la structure « %(id)s », refusé ici.", id=target))
        elif not can_edit_structure(user, target):
            reasons.append(_("Vous ne pouvez pas modifier la structure « %(id)s ».", id=target))
    if not is_admin(user):
        reasons += [
            _("Champ réservé aux coordinateurs : %(field)s.", field=name)
            for name in _admin_fields_changed(raw)
        ]
    return reasons


def check_scope(user: User, raw_records: list[RawRecord], scope: str | None) -> list[RecordError]:
    """Every record the user may not write, with why (structure outside the scope…)."""
    owners = _current_owners(raw_records)
    refused = []
    for raw in raw_records:
        record_id = str(raw.data.get("id", "?")) if isinstance(raw.data, dict) else "?"
        refused += [
            RecordError(raw.source, raw.kind, record_id, "structure_id", reason)
            for reason in _refusals(user, raw, scope, owners)
        ]
    return refused


def import_upload(
    user: User, filename: str, content: bytes, structure_id: str | None = None
) -> ImportOutcome:
    """Import a file into one structure (its editors) or anywhere (admins): all or nothing."""
    if structure_id is None:
        require_admin(user)
    else:
        require_structure_editor(user, structure_id)
    raw_records, read_errors = read_upload(filename, content)
    refused = check_scope(user, raw_records, structure_id)
    if refused:
        return ImportOutcome(refused=refused)
    plan = transfer.validate(raw_records)
    errors = read_errors + plan.errors
    if errors:
        return ImportOutcome(errors=errors)
    if not raw_records:
        empty = _("Aucun enregistrement dans le fichier.")
        return ImportOutcome(errors=[RecordError(filename, _("fichier"), filename, "-", empty)])
    return ImportOutcome(report=transfer.apply(plan, user))


def _structures(user: User, structure_id: str | None) -> list[Structure]:
    if structure_id is None:
        require_admin(user)
        return list(db.session.scalars(select(Structure).order_by(Structure.id)))
    require_structure_editor(user, structure_id)
    structure = db.session.get(Structure, structure_id)
    return [structure] if structure else []


def _services(structures: list[Structure]) -> list[Service]:
    ids = [structure.id for structure in structures]
    query = select(Service).where(Service.structure_id.in_(ids)).order_by(Service.id)
    return list(db.session.scalars(query))


def export_json(user: User, structure_id: str | None = None) -> str:
    """One structure (its editors) or all (admins) with their services, in the import format."""
    structures = _structures(user, structure_id)
    payload = {
        "structures": StructureSchema(many=True).dump(structures),
        "services": ServiceSchema(many=True).dump(_services(structures)),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def export_csv(user: User, structure_id: str | None = None) -> str:
    """The services of one structure (its editors) or of all (admins), as CSV."""
    return csv_format.services_to_csv(_services(_structures(user, structure_id)))
