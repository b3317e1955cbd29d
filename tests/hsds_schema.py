"""JSON Schemas of HSDS 3.0 objects, derived from the field tables of the specification
(docs.openreferral.org/en/3.0, schema/*.json of openreferral/specification): each object's
fields with their type, format and enumeration, and its required fields.

PyPI's `hsds-validator` cannot do this job: it needs Python 3.13, models HSDS 3.1 and brings
no schemas of its own. The objects here are closed (``additionalProperties: false``): a field
HSDS 3.0 does not define (3.1 added ``additional_urls``, ``additional_websites``,
``capacities``, ``service_at_location.service_areas``, ``attribute.label``) is an error. The
objects the export never writes (funding, contact, program…) are only required an id."""

STRING = {"type": "string"}
NUMBER = {"type": "number"}
UUID = {"type": "string", "format": "uuid"}
URI = {"type": "string", "format": "uri"}
EMAIL = {"type": "string", "format": "email"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
# "HH:MM", seconds and a time zone allowed (schedule.opens_at, closes_at).
TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d\d:\d\d)?$"}


def enum(*values: str) -> dict:
    return {"type": "string", "enum": list(values)}


def many(name: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}


def one(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


COMMON = {"attributes": many("attribute"), "metadata": many("metadata")}

# object -> (required fields, fields)
OBJECTS = {
    "organization": (
        ("id", "name", "description"),
        {
            "id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "email": EMAIL,
            "website": URI,
            "tax_status": STRING,
            "tax_id": STRING,
            "year_incorporated": NUMBER,
            "legal_status": STRING,
            "logo": STRING,
            "uri": URI,
            "parent_organization_id": UUID,
            "funding": many("funding"),
            "contacts": many("contact"),
            "phones": many("phone"),
            "locations": many("location"),
            "programs": many("program"),
            "organization_identifiers": many("organization_identifier"),
        },
    ),
    "service": (
        ("id", "name", "status"),
        {
            "id": UUID,
            "organization_id": UUID,
            "program_id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "url": URI,
            "email": EMAIL,
            "status": enum("active", "inactive", "defunct", "temporarily closed"),
            "interpretation_services": STRING,
            "application_process": STRING,
            "fees_description": STRING,
            "wait_time": STRING,
            "fees": STRING,
            "accreditations": STRING,
            "eligibility_description": STRING,
            "minimum_age": NUMBER,
            "maximum_age": NUMBER,
            "assured_date": DATE,
            "assurer_email": EMAIL,
            "licenses": STRING,
            "alert": STRING,
            "last_modified": DATETIME,
            "phones": many("phone"),
            "schedules": many("schedule"),
            "service_areas": many("service_area"),
            "service_at_locations": many("service_at_location"),
            "languages": many("language"),
            "organization": one("organization"),
            "funding": many("funding"),
            "cost_options": many("cost_option"),
            "program": one("program"),
            "required_documents": many("required_document"),
            "contacts": many("contact"),
        },
    ),
    "service_at_location": (
        ("id",),
        {
            "id": UUID,
            "service_id": UUID,
            "location_id": UUID,
            "description": STRING,
            "contacts": many("contact"),
            "phones": many("phone"),
            "schedules": many("schedule"),
            "location": one("location"),
        },
    ),
    "location": (
        ("id", "location_type"),
        {
            "id": UUID,
            "location_type": enum("physical", "postal", "virtual"),
            "url": URI,
            "organization_id": UUID,
            "name": STRING,
            "alternate_name": STRING,
            "description": STRING,
            "transportation": STRING,
            "latitude": NUMBER,
            "longitude": NUMBER,
            "external_identifier": STRING,
            "external_identifier_type": STRING,
            "languages": many("language"),
            "addresses": many("address"),
            "contacts": many("contact"),
            "accessibility": many("accessibility"),
            "phones": many("phone"),
            "schedules": many("schedule"),
        },
    ),
    "address": (
        ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        {
            "id": UUID,
            "location_id": UUID,
            "attention": STRING,
            "address_1": STRING,
            "address_2": STRING,
            "city": STRING,
            "region": STRING,
            "state_province": STRING,
            "postal_code": STRING,
            "country": STRING,
            "address_type": enum("physical", "postal", "virtual"),
        },
    ),
    "phone": (
        ("id", "number"),
        {
            "id": UUID,
            "location_id": UUID,
            "service_id": UUID,
            "organization_id": UUID,
            "contact_id": UUID,
            "service_at_location_id": UUID,
            "number": STRING,
            "extension": NUMBER,
            "type": STRING,
            "description": STRING,
            "languages": many("language"),
        },
    ),
    "schedule": (
        ("id",),
        {
            "id": UUID,
            "service_id": UUID,
            "location_id": UUID,
            "service_at_location_id": UUID,
            "valid_from": DATE,
            "valid_to": DATE,
            "dtstart": DATE,
            "timezone": NUMBER,
            "until": DATE,
            "count": NUMBER,
            "wkst": enum("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
            "freq": enum("WEEKLY", "MONTHLY"),
            "interval": NUMBER,
            "byday": STRING,
            "byweekno": STRING,
            "bymonthday": STRING,
            "byyearday": STRING,
            "description": STRING,
            "opens_at": TIME,
            "closes_at": TIME,
            "schedule_link": URI,
            "attending_type": STRING,
            "notes": STRING,
        },
    ),
    "service_area": (
        ("id",),
        {
            "id": UUID,
            "service_id": UUID,
            "service_at_location_id": UUID,
            "name": STRING,
            "description": STRING,
            "extent": STRING,
            "extent_type": STRING,
            "uri": STRING,
        },
    ),
    "language": (
        ("id",),
        {
            "id": UUID,
            "service_id": UUID,
            "location_id": UUID,
            "phone_id": UUID,
            "name": STRING,
            "code": STRING,
            "note": STRING,
        },
    ),
    "organization_identifier": (
        ("id", "identifier_type", "identifier"),
        {
            "id": UUID,
            "organization_id": UUID,
            "identifier_scheme": STRING,
            "identifier_type": STRING,
            "identifier": STRING,
        },
    ),
}
NEVER_WRITTEN = (
    "funding",
    "contact",
    "program",
    "cost_option",
    "required_document",
    "accessibility",
    "attribute",
    "metadata",
)


def _closed(required: tuple[str, ...], fields: dict) -> dict:
    return {
        "type": "object",
        "required": list(required),
        "properties": fields | COMMON,
        "additionalProperties": False,
    }


DEFINITIONS = {name: _closed(*table) for name, table in OBJECTS.items()} | {
    name: {"type": "object", "required": ["id"], "properties": {"id": UUID}}
    for name in NEVER_WRITTEN
}


def schema_of(name: str) -> dict:
    """The JSON Schema of one HSDS 3.0 object, with every other one it may hold."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/$defs/{name}",
        "$defs": DEFINITIONS,
    }
