"""French validation messages for marshmallow, through flask-babel, and error flattening."""

import difflib
import re
from urllib.parse import quote

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from pydantic import HttpUrl

FIELD_MESSAGES = {
    fields.Field: {
        "required": _l("Ce champ est obligatoire."),
        "null": _l("Ce champ ne peut pas être vide."),
        "validator_failed": _l("Valeur invalide."),
    },
    fields.String: {"invalid": _l("Texte attendu."), "invalid_utf8": _l("Texte UTF-8 invalide.")},
    fields.Integer: {"invalid": _l("Nombre entier attendu.")},
    fields.Number: {"invalid": _l("Nombre attendu."), "too_large": _l("Nombre trop grand.")},
    fields.Float: {"special": _l("Nombre fini attendu.")},
    fields.Boolean: {"invalid": _l("Valeur booléenne attendue (true ou false).")},
    fields.Date: {
        "invalid": _l("Date attendue au format AAAA-MM-JJ."),
        "format": _l("Date attendue au format AAAA-MM-JJ."),
    },
    fields.List: {"invalid": _l("Liste attendue.")},
}


def install() -> None:
    """Replace marshmallow's English default messages by translatable French ones."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema.error_messages = {
        "unknown": _l("Champ inconnu."),
        "type": _l("Objet attendu."),
    }


class OneOfNearest(validate.OneOf):
    """OneOf whose error names the allowed value nearest to a wrong text (difflib)."""

    def _format_error(self, value) -> str:
        error = super()._format_error(value)
        if not isinstance(value, str):
            return error
        choices = [str(choice) for choice in self.choices]
        nearest = difflib.get_close_matches(value, choices, n=1) or difflib.get_close_matches(
            value.lower(), choices, n=1
        )
        if not nearest:
            return error
        return f"{error} {_('Valeur la plus proche : « %(value)s ».', value=nearest[0])}"


def one_of(choices) -> validate.OneOf:
    return OneOfNearest(list(choices), error=_l("Valeur inconnue : « {input} »."))


def text_length(min: int, max: int) -> validate.Length:
    return validate.Length(min=min, max=max, error=_l("Entre {min} et {max} caractères attendus."))


def not_empty() -> validate.Length:
    return validate.Length(min=1, error=_l("Au moins une valeur attendue."))


# Characters RFC 3986 never allows in a URI, whitespace and control characters included:
# a link holding them is outside the API's declared format (and risky where it is shown).
URL_CHARACTERS = r'\A[^\x00-\x20\x7f"<>\\^`{|}]*\Z'
NOT_URL_CHARACTER = re.compile(r'[^\x21-\x7e]|["<>\\^`{|}]')


def percent_encoded(text: str) -> str:
    """``text`` as the official data·inclusion model reads an URL (pydantic's HttpUrl, the
    WHATWG parser: spaces, quotes, accents… percent-encoded), what that parser leaves
    (« | », « ^ »…) encoded too; unchanged when it needs no encoding or does not parse."""
    if re.match(URL_CHARACTERS, text):
        return text
    try:
        parsed = str(HttpUrl(text))
    except ValueError:
        return text
    return NOT_URL_CHARACTER.sub(lambda found: quote(found.group(), safe=""), parsed)


def url() -> fields.String:
    """An optional http(s) URL (fields.Url only accepts untranslated messages)."""
    checks = [
        validate.URL(schemes={"http", "https"}, error=_l("Adresse web (URL) invalide.")),
        validate.Regexp(
            URL_CHARACTERS,
            error=_l(
                "Adresse web (URL) invalide : espaces, guillemets, chevrons, accolades et "
                "caractères \\ ^ ` | interdits (à encoder)."
            ),
        ),
    ]
    return fields.String(
        allow_none=True, load_default=None, validate=checks, metadata={"format": "uri"}
    )


def email() -> fields.String:
    check = validate.Email(error=_l("Adresse électronique invalide."))
    return fields.String(
        allow_none=True, load_default=None, validate=check, metadata={"format": "email"}
    )


def between(min, max) -> validate.Range:
    return validate.Range(min=min, max=max, error=_l("Valeur attendue entre {min} et {max}."))


def pattern(regex: str, message) -> validate.Regexp:
    return validate.Regexp(regex, error=message)


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into ``{"field.index": ["message", …]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, sub_messages in flatten_errors(value, path).items():
                flat.setdefault(sub_path, []).extend(sub_messages)
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, dict):
                for sub_path, sub in flatten_errors(message, prefix).items():
                    flat.setdefault(sub_path, []).extend(sub)
            else:
                flat.setdefault(prefix or "_schema", []).append(str(message))
    else:
        flat.setdefault(prefix or "_schema", []).append(str(messages))
    return flat
