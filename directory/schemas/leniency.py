"""Reading data·inclusion's records as its official v1 model reads them (`directory import`,
the sync), where our schema is stricter than that model:

- the fields the official schema does not define are left out, and counted (``ignored``);
- URLs are percent-encoded, as the official model (pydantic's HttpUrl) reads them;
- the value of an optional field that the official model accepts but one of our checks
  (DROPPABLE) refuses is left out — stored as empty — and counted (``dropped``), instead of
  refusing the record. A record the official model refuses is refused with all our errors,
  as in strict mode; so is one with an error outside DROPPABLE.

The admin forms and our own API stay strict: they load with the schemas directly.
"""

from collections import Counter

import pydantic
from data_inclusion.schema import v1
from marshmallow import Schema, ValidationError

from .listings import ServiceSchema, StructureSchema
from .messages import flatten_errors, percent_encoded

OFFICIAL_MODELS = {StructureSchema: v1.Structure, ServiceSchema: v1.Service}

# The checks of ours that are stricter than the official model's, on its optional fields:
# a value it accepts and one of these refuses is dropped. Every other check still refuses the
# record: the same as the official model's (SIRET, code formats, enumerations…), on a
# required field (id and structure_id: our pattern and 200 characters; source: 100; nom;
# description; date_maj) or on a field of our own (Paris extension, score_qualite, doublons).
DROPPABLE = {
    "horaires_accueil": "OpenStreetMap opening_hours, 500 characters at most (official: any text)",
    "telephone": "one number: +33…, 01 23 45 67 89 or a short one (official: any text)",
    "courriel": "marshmallow's e-mail check (official: email-validator's)",
    "code_postal": "agrees with a Paris INSEE code, which is kept (official: not compared)",
    "latitude": "with longitude, between -90 and 90 (official: any number, alone)",
    "longitude": "with latitude, between -180 and 180 (official: any number, alone)",
    "volume_horaire_hebdomadaire": "168 at most (official: 0 or more)",
    "nombre_semaines": "520 at most (official: 1 or more)",
    "modes_accueil": "at least one value (official: an empty list too)",
    "lien_source": "a host with a TLD, 500 characters at most (official: any http(s) URL)",
    "site_web": "a host with a TLD, 500 characters at most (official: any http(s) URL)",
    "accessibilite_lieu": "a host with a TLD, 500 characters at most (official: any URL)",
    "lien_mobilisation": "a host with a TLD, 500 characters at most (official: any URL)",
    "commune": "100 characters at most (official: any length)",
    "adresse": "500 characters at most (official: any length)",
    "complement_adresse": "500 characters at most (official: any length)",
    "contact_nom_prenom": "200 characters at most (official: any length)",
}
# Dropped together: one coordinate without the other cannot place a listing.
TOGETHER = {"latitude": ("latitude", "longitude"), "longitude": ("latitude", "longitude")}


def _without_unknown_fields(schema: Schema, data: dict, ignored: Counter) -> dict:
    """The record without the fields the schema does not know (data·inclusion's own:
    adresse_certifiee, structure, _di_*…), each counted in ``ignored``, its URLs
    percent-encoded (spaces, accents…)."""
    fields = {field.data_key or name: field for name, field in schema.load_fields.items()}
    ignored.update(key for key in data if key not in fields)
    return {
        key: percent_encoded(value)
        if isinstance(value, str) and fields[key].metadata.get("format") == "uri"
        else value
        for key, value in data.items()
        if key in fields
    }


def _officially_valid(schema: Schema, data: dict) -> bool:
    try:
        OFFICIAL_MODELS[type(schema)].model_validate(data)
    except pydantic.ValidationError:
        return False
    return True


def _to_drop(error: ValidationError, data: dict) -> set[str]:
    """The fields to leave out of a record the official model accepts so that it loads;
    raises the errors that dropping cannot cure (outside DROPPABLE) instead."""
    flat = flatten_errors(error.messages)
    blocking = {path: messages for path, messages in flat.items() if _field(path) not in DROPPABLE}
    if blocking:
        raise ValidationError(blocking)
    fields = {
        together
        for path in flat
        for together in TOGETHER.get(_field(path), (_field(path),))
        if data.get(together) is not None
    }
    if not fields:
        raise error
    return fields


def _field(path: str) -> str:
    return path.split(".")[0]


def load(schema: Schema, data: object, ignored: Counter, dropped: Counter) -> dict:
    """``data`` loaded leniently (see the module); raises ValidationError with the errors
    that refuse it."""
    if not isinstance(data, dict):
        return schema.load(data)
    data = _without_unknown_fields(schema, data, ignored)
    left_out: set[str] = set()
    while True:
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            if not (left_out or _officially_valid(schema, data)):
                raise
            fields = _to_drop(error, data)
            left_out |= fields
            data = {**data, **dict.fromkeys(fields)}
        else:
            dropped.update(left_out)
            return loaded
