"""Services as CSV, for spreadsheets: one service a row, the data·inclusion field names as
columns, list values joined with "|".

Reading turns each row back into a record of the JSON import format, so a CSV import goes
through exactly the same validation (transfer.validate) and atomic write (transfer.apply).
A cell a spreadsheet would run as a formula is written with a leading apostrophe (OWASP),
which reading takes off again: an export imports back to the same data.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from flask import current_app
from flask_babel import gettext as _
from marshmallow import fields

from ..models import Service
from ..schemas.listings import ServiceSchema
from .transfer import RawRecord, RecordError

LIST_SEPARATOR = "|"
DELIMITERS = ",;\t"
# What starts a formula in a spreadsheet, and what makes a cell plain text there.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def _schema_fields() -> dict[str, fields.Field]:
    return dict(ServiceSchema().fields)


COLUMNS = list(_schema_fields())
LIST_COLUMNS = {name for name, field in _schema_fields().items() if isinstance(field, fields.List)}
BOOLEAN_COLUMNS = {
    name for name, field in _schema_fields().items() if isinstance(field, fields.Boolean)
}


def _runs_as_formula(text: str) -> bool:
    """Whether the text, past any apostrophes, starts a formula: "=1+1", "'=1+1"…"""
    return text.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """The text as a cell no spreadsheet runs: one more apostrophe before a formula."""
    return TEXT_MARK + text if _runs_as_formula(text) else text


def restored(cell: str) -> str:
    """The text a neutralised cell holds (the inverse of neutralised)."""
    if cell.startswith(TEXT_MARK) and _runs_as_formula(cell[1:]):
        return cell[1:]
    return cell


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralised(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralised(str(value))


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
        text = restored((text or "").strip())
        if not text:
            continue
        if column in LIST_COLUMNS:
            record[column] = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
        else:
            record[column] = text
    return record


def _dialect(text: str) -> type[csv.Dialect]:
    """Excel's CSV (quotes doubled inside quoted cells) with commas by default, semicolons
    or tabs when a spreadsheet wrote them: only the delimiter is guessed, from the header.
    Strict: a stray quote is an error, not cells silently merged."""
    header = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    return type("Dialect", (csv.excel,), {"delimiter": delimiter, "strict": True})


def _too_long(row: dict[str, str], max_chars: int) -> list[str]:
    return [column for column, text in row.items() if text and len(text) > max_chars]


def _rows(reader: csv.DictReader, source: str, errors: list) -> Iterator[dict[str, str]]:
    """The rows of the reader, each cell at most CSV_MAX_CELL_CHARS long; a row that breaks
    a rule is an error (the reading stops at one it cannot parse)."""
    max_chars = current_app.config["CSV_MAX_CELL_CHARS"]
    too_long = _("Cellule de plus de %(max)s caractères.", max=max_chars)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The csv module's own cap (131,072 characters) or a malformed file.
            problem = too_long if "field larger" in str(error) else str(error)
            message = _("CSV illisible : %(problem)s", problem=problem)
            errors.append(RecordError(f"{source}#{reader.line_num}", "service", "?", "-", message))
            return
        line = f"{source}#{reader.line_num}"
        if None in row:
            message = _("Plus de valeurs que de colonnes.")
            errors.append(RecordError(line, "service", "?", "-", message))
        elif columns := _too_long(row, max_chars):
            errors += [RecordError(line, "service", "?", column, too_long) for column in columns]
        else:
            yield row


def read_csv(content: bytes, source: str) -> tuple[list[RawRecord], list[RecordError]]:
    """The services of a CSV file, as raw import records, and what makes the file unreadable."""

    def file_error(message: str) -> tuple[list, list[RecordError]]:
        return [], [RecordError(source, _("fichier"), source, "-", message)]

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return file_error(_("Le fichier doit être encodé en UTF-8."))
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        return file_error(_("CSV illisible : %(problem)s", problem=error))
    if not header:
        return file_error(_("Fichier vide : une ligne d'en-tête est attendue."))
    unknown = [column[:60] for column in header if column not in COLUMNS]
    if unknown:
        return file_error(_("Colonnes inconnues : %(columns)s.", columns=", ".join(unknown)))
    records: list[RawRecord] = []
    errors: list[RecordError] = []
    for row in _rows(reader, source, errors):
        if any((value or "").strip() for value in row.values()):
            records.append(RawRecord(f"{source}#{reader.line_num}", "service", _record(row)))
    return records, errors
