"""JSON read under caps, for import files and API bodies: nesting depth and number size
(DIRECTORY_JSON_MAX_DEPTH, DIRECTORY_JSON_MAX_NUMBER_DIGITS), a UTF-8 BOM skipped.

ijson gives each event the path of every open level, and its C parser makes the events of
a whole buffer at once: a file nested 64,000 deep in one 64 KB buffer costs 10 GB. So the
buffer is small (the same speed on real files) and the depth is checked event by event.
"""

import io
from collections.abc import Iterator
from typing import IO

import ijson
from flask import current_app
from flask_babel import gettext as _

BOM = b"\xef\xbb\xbf"
# At most this many levels open in one buffer: a few MB of paths before the check refuses.
BUFFER_BYTES = 1024
OPENING = ("start_map", "start_array")
CLOSING = ("end_map", "end_array")

Event = tuple[str, str, object]


class JsonRefused(ValueError):
    """Text that is not JSON, or JSON past a cap; the message says what and where."""


def _skip_bom(file: IO[bytes]) -> None:
    if file.read(len(BOM)) != BOM:
        file.seek(0)


def _too_big(digits: int) -> str:
    return _("nombre de plus de %(digits)s chiffres", digits=digits)


def checked_events(file: IO[bytes]) -> Iterator[Event]:
    """ijson's (prefix, event, value) of a seekable JSON file, numbers as int or float;
    raises JsonRefused past a cap."""
    max_depth = current_app.config["JSON_MAX_DEPTH"]
    digits = current_app.config["JSON_MAX_NUMBER_DIGITS"]
    largest = 10**digits
    _skip_bom(file)
    depth = 0
    for prefix, event, value in ijson.parse(file, use_float=True, buf_size=BUFFER_BYTES):
        if event in OPENING:
            depth += 1
            if depth > max_depth:
                raise JsonRefused(
                    _(
                        "JSON imbriqué sur plus de %(max)s niveaux (à « %(path)s »).",
                        max=max_depth,
                        path=prefix or "/",
                    )
                )
        elif event in CLOSING:
            depth -= 1
        elif event == "number" and not -largest < value < largest:
            raise JsonRefused(
                _(
                    "JSON refusé : %(problem)s (à « %(path)s »).",
                    problem=_too_big(digits),
                    path=prefix or "/",
                )
            )
        yield prefix, event, value


def parse_problem(error: ijson.JSONError) -> str:
    """The parser's message on one line: what is wrong, and the text where it is."""
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    lines = [line.strip(" .") for line in str(detail).splitlines() if line.strip(" .")] or ["?"]
    if "overflow" in lines[0]:
        # Past 64 bits or a double: the parser refuses it before the cap can.
        lines[0] = _too_big(current_app.config["JSON_MAX_NUMBER_DIGITS"])
    if len(lines) > 1 and not lines[1].startswith("(right here)"):
        return _(
            "JSON invalide : %(problem)s, près de « %(text)s »", problem=lines[0], text=lines[1]
        )
    return _("JSON invalide : %(problem)s", problem=lines[0])


def load_json(data: bytes) -> object:
    """One JSON document (an API body), under the caps; raises JsonRefused."""
    try:
        documents = list(ijson.items(checked_events(io.BytesIO(data)), ""))
    except ijson.JSONError as error:
        raise JsonRefused(parse_problem(error)) from error
    if not documents:
        raise JsonRefused(_("JSON invalide : document vide"))
    return documents[0]
