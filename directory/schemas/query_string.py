"""Reading a query string into a marshmallow schema: repeated parameters become lists, a
parameter given twice where one value is expected is an error naming it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from .. import i18n
from .. import referentials as ref


def load_query_string(schema: Schema, args: MultiDict):
    """Validate query-string arguments; raises ValidationError naming each bad parameter.
    `?lang=` is left out: it chooses the language of every answer (directory/i18n.py)."""
    lists = {name for name, f in schema.fields.items() if isinstance(f, fields.List)}
    data, errors = {}, {}
    for name in args:
        if name == i18n.PARAMETER:
            continue
        values = args.getlist(name)
        if name in lists:
            data[name] = values
        elif len(values) > 1:
            errors[name] = [str(_l("Ce paramètre ne peut être donné qu'une fois."))]
        else:
            data[name] = values[0]
    if errors:
        raise ValidationError(errors)
    return schema.load(data)


def check_languages(codes: list[str]) -> None:
    """Refuse ISO 639 codes that the language referential does not know."""
    unknown = [code for code in codes if not ref.is_language(code)]
    if unknown:
        # A lazy string would be taken for a list of messages: translate it now.
        raise ValidationError(_("Code de langue inconnu : %(codes)s.", codes=", ".join(unknown)))
