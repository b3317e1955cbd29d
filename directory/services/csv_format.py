"""Services as CSV, for spreadsheets: one service a row, the data·inclusion field names as
columns, list values joined with "|".

Reading turns each row back into a record of the JSON import format, so a CSV import goes
through exactly the same validation (transfer.validate) and atomic write (transfer.apply).
"""

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _
from marshmallow import fields

from ..models import Service
from ..schemas.listings import ServiceSchema
from .transfer import RawRecord, RecordError

LIST_SEPARATOR = "|"
DELIMITERS = ",;\t"


def _schema_fields() -> dict[str, fields.Field]:
    return dict(ServiceSchema().fields)


COLUMNS = list(_schema_fields())
LIST_COLUMNS = {name for name, field in _schema_fields().items() if isinstance(field, fields.List)}
BOOLEAN_COLUMNS = {
    name for name, field in _schema_fields().items() if isinstance(field, fields.Boolean)
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def services_to_csv(services: Iterable[Service]) -> str:
    """The services as CSV text (with a BOM, so that spreadsheets read it as UTF-8)."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in ServiceSchema(many=True).dump(list(services)):
        writer.writerow({column: _cell(row.get(column)) for column in COLUMNS})
    return "\ufeff" + output.getvalue()


def _record(row: dict[str, str]) -> dict:
    """A CSV row as an import record: an empty cell is a missing value."""
    record: dict = {}
    for column, text in row.items():
        text = (text or "").strip()
        if not text:
            continue
        if column in LIST_COLUMNS:
            record[column] = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
        else:
            record[column] = text
    return record


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Commas by default; semicolons or tabs when a spreadsheet wrote them."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel


def read_csv(content: bytes, source: str) -> tuple[list[RawRecord], list[RecordError]]:
    """The services of a CSV file, as raw import records, and what makes the file unreadable."""

    def file_error(message: str) -> tuple[list, list[RecordError]]:
        return [], [RecordError(source, _("fichier"), source, "-", message)]

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return file_error(_("Le fichier doit être encodé en UTF-8."))
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    header = reader.fieldnames or []
    if not header:
        return file_error(_("Fichier vide : une ligne d'en-tête est attendue."))
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        return file_error(_("Colonnes inconnues : %(columns)s.", columns=", ".join(unknown)))
    records, errors = [], []
    for row in reader:
        line = reader.line_num
        if None in row:
            message = _("Plus de valeurs que de colonnes.")
            errors.append(RecordError(f"{source}#{line}", "service", "?", "-", message))
            continue
        if any((value or "").strip() for value in row.values()):
            records.append(RawRecord(f"{source}#{line}", "service", _record(row)))
    return records, errors
