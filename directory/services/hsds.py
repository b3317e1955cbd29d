"""The published directory in HSDS 3.0, Open Referral's Human Services Data Specification, so
that the international tools read it: each service with its organization, location (and
address), phones, schedules (from the OSM opening hours), service areas (from the
zone_eligibilite), languages and eligibility.

Identifiers are UUIDs derived from ours (uuid5 of ``source:id`` in a fixed namespace per kind;
the nested objects' from their owner's), so that they stay the same from one export to the
next. The text is in French, the directory's language, whatever the reader's."""

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, time, timedelta
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import hours
from .. import referentials as ref
from ..extensions import db
from ..models import Service, Structure, as_utc
from .indexing import visible_services_query

# Never to change: every exported identifier derives from it.
NAMESPACE = uuid.UUID("5b0c4c52-8f0e-4a43-9a39-6f1c0c2b7d11")
ORGANIZATION_NAMESPACE = uuid.uuid5(NAMESPACE, "organization")
SERVICE_NAMESPACE = uuid.uuid5(NAMESPACE, "service")
EXPORT_FILES = {"organization": "organizations.json", "service": "services.json"}
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A schedule is the same every week when it is in these weeks, spread over a year (every
# third Monday: both parities of the week numbers, every month).
REFERENCE_MONDAYS = tuple(date(2024, 1, 1) + timedelta(weeks=n) for n in range(0, 52, 3))


def organization_id(structure: Structure) -> str:
    return str(uuid.uuid5(ORGANIZATION_NAMESPACE, f"{structure.source}:{structure.id}"))


def service_id(service: Service) -> str:
    return str(uuid.uuid5(SERVICE_NAMESPACE, f"{service.source}:{service.id}"))


def _child_id(owner_id: str, *name: str) -> str:
    """The id of an object nested in ``owner_id``'s, named by its role there."""
    return str(uuid.uuid5(uuid.UUID(owner_id), "/".join(name)))


def _present(values: dict) -> dict:
    """Without the fields that have no value (HSDS types are never null)."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _lines(*lines: str | None) -> str | None:
    return "\n".join(line for line in lines if line) or None


def _labelled(label: str, values: Iterable[str], referential) -> str | None:
    labels = [str(referential.get(value, value)) for value in values or ()]
    return _("%(label)s : %(value)s", label=label, value=", ".join(labels)) if labels else None


# -- organizations ------------------------------------------------------------------------


def _phones(number: str | None, owner_id: str, owner_field: str) -> list[dict]:
    if not number:
        return []
    return [{"id": _child_id(owner_id, "phone"), owner_field: owner_id, "number": number}]


def _departement(code: str) -> str:
    """The département of a commune or postcode ("75", "2A", "974")."""
    return code[:3] if code.startswith("97") else code[:2]


def _address(listing: Service | Structure, location_id: str) -> dict | None:
    code = listing.code_insee or listing.code_postal
    if not (listing.adresse and listing.commune and listing.code_postal and code):
        return None
    return _present(
        {
            "id": _child_id(location_id, "address"),
            "location_id": location_id,
            "address_1": listing.adresse,
            "address_2": listing.complement_adresse,
            "city": listing.commune,
            "state_province": _departement(code),
            "postal_code": listing.code_postal,
            "country": "FR",
            "address_type": "physical",
        }
    )


def _location(listing: Service | Structure, owner_id: str) -> dict | None:
    """Where the listing receives people: its address, its point; None when it has neither."""
    location_id = _child_id(owner_id, "location")
    address = _address(listing, location_id)
    if address is None and listing.latitude is None:
        return None
    return _present(
        {
            "id": location_id,
            "location_type": "physical",
            "name": listing.nom,
            "latitude": listing.latitude,
            "longitude": listing.longitude,
            "addresses": [address] if address else [],
        }
    )


def organization_object(structure: Structure) -> dict:
    own_id = organization_id(structure)
    location = _location(structure, own_id)
    identifiers = [
        {
            "id": _child_id(own_id, "siret"),
            "organization_id": own_id,
            "identifier_type": "SIRET",
            "identifier": structure.siret,
        }
    ]
    # The description is required by HSDS, optional here.
    required = {"id": own_id, "name": structure.nom, "description": structure.description or ""}
    return required | _present(
        {
            "email": structure.courriel,
            "website": structure.site_web,
            "phones": _phones(structure.telephone, own_id, "organization_id"),
            "locations": [location | {"organization_id": own_id}] if location else [],
            "organization_identifiers": identifiers if structure.siret else [],
        }
    )


# -- schedules ----------------------------------------------------------------------------


def _regular_week(value: str) -> list[hours.DaySchedule] | None:
    """Each weekday's opening slots, when they are the same every week of the year."""
    if hours.parse_error(value):
        return None
    first, *others = (hours.weekly_schedule(value, monday) for monday in REFERENCE_MONDAYS)
    return first if all(week == first for week in others) else None


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def schedules(value: str | None, owner_id: str) -> list[dict]:
    """The HSDS schedules of an OSM opening_hours value: one weekly rule per opening slot,
    on the days that have it; a value that varies along the year is given as written."""
    if not value or not value.strip():
        return []
    week = _regular_week(value)
    if week is None:
        description = _("Horaires (format OpenStreetMap) : %(value)s", value=value)
        return [{"id": _child_id(owner_id, "schedule"), "description": description}]
    days_of_slot: dict[tuple[time, time], list[int]] = {}
    for day in week:
        for slot in day.slots:
            days_of_slot.setdefault(slot, []).append(day.weekday)
    notes = _("Fermé les jours fériés") if hours.closes_on_holidays(value) else None
    rules = []
    for (opens, closes), weekdays in sorted(days_of_slot.items(), key=lambda i: (i[1][0], i[0])):
        byday = ",".join(RRULE_DAYS[weekday] for weekday in weekdays)
        rule = {
            "id": _child_id(owner_id, "schedule", byday, _hhmm(opens), _hhmm(closes)),
            "freq": "WEEKLY",
            "interval": 1,
            "wkst": "MO",
            "byday": byday,
            "opens_at": _hhmm(opens),
            "closes_at": _hhmm(closes),
            "notes": notes,
        }
        rules.append(_present(rule))
    return rules


# -- services -----------------------------------------------------------------------------


def _zone_codes(service: Service) -> list[str]:
    """Its zone_eligibilite; without one, the commune of its address (DESIGN §2: any
    arrondissement means all Paris); with neither, none: no limit."""
    if service.zone_eligibilite:
        return service.zone_eligibilite
    if service.code_insee:
        return [ref.PARIS_INSEE if ref.is_paris(service.code_insee) else service.code_insee]
    return []


def _service_areas(service: Service, own_id: str) -> list[dict]:
    return [
        _present(
            {
                "id": _child_id(own_id, "service_area", code),
                "service_id": own_id,
                "name": ref.zone_label(code),
                "description": code,  # of the Code officiel géographique, or "france"
            }
        )
        for code in _zone_codes(service)
    ]


def _languages(service: Service, own_id: str) -> list[dict]:
    """The staff's languages, French always among them."""
    codes = dict.fromkeys(["fr", *(service.langues_parlees or ())])
    return [
        {
            "id": _child_id(own_id, "language", code),
            "service_id": own_id,
            "name": ref.language_label(code),
            "code": code,
        }
        for code in codes
    ]


def _eligibility(service: Service) -> str | None:
    bounds = {
        _("Niveau de français minimum"): service.niveau_francais_min,
        _("Niveau de français maximum"): service.niveau_francais_max,
    }
    levels = [
        _labelled(label, [level], ref.NIVEAUX_FRANCAIS) for label, level in bounds.items() if level
    ]
    return _lines(
        _labelled(_("Publics"), service.publics, ref.PUBLICS),
        service.publics_precisions,
        _labelled(_("Statuts de séjour acceptés"), service.statuts_sejour, ref.STATUTS_SEJOUR),
        *levels,
        _("Reconnaissance de handicap (RQTH) requise") if service.rqth_requise else None,
        service.conditions_acces,
    )


def _service_at_location(service: Service, own_id: str) -> list[dict]:
    location = _location(service, own_id)
    if location is None:
        return []
    location["organization_id"] = organization_id(service.structure)
    link = {"id": _child_id(own_id, "service_at_location"), "service_id": own_id}
    return [link | {"location_id": location["id"], "location": location}]


def _last_modified(service: Service) -> str:
    moment = max(as_utc(listing.updated_at) for listing in (service, service.structure))
    return moment.astimezone(UTC).isoformat()


def service_object(service: Service) -> dict:
    own_id = service_id(service)
    return _present(
        {
            "id": own_id,
            "organization_id": organization_id(service.structure),
            "name": service.nom,
            "description": service.description,
            "url": service.lien_source,
            "email": service.courriel,
            "status": "active",
            "application_process": _lines(
                _labelled(
                    _("Comment orienter une personne"),
                    service.modes_mobilisation,
                    ref.MODES_MOBILISATION,
                ),
                service.lien_mobilisation,
                service.mobilisation_precisions,
            ),
            "fees_description": _lines(
                _labelled(_("Frais"), [service.frais] if service.frais else [], ref.FRAIS),
                service.frais_precisions,
            ),
            "eligibility_description": _eligibility(service),
            "minimum_age": service.age_min,
            "maximum_age": service.age_max,
            "assured_date": service.verifie_le.isoformat() if service.verifie_le else None,
            "last_modified": _last_modified(service),
            "organization": organization_object(service.structure),
            "phones": _phones(service.telephone, own_id, "service_id"),
            "schedules": [
                rule | {"service_id": own_id}
                for rule in schedules(service.horaires_accueil, own_id)
            ],
            "service_areas": _service_areas(service, own_id),
            "service_at_locations": _service_at_location(service, own_id),
            "languages": _languages(service, own_id),
        }
    )


# -- reading and exporting ----------------------------------------------------------------


def service_page(page: int, size: int) -> tuple[int, list[dict]]:
    """A page of the published services in HSDS, in the order of the export (by id)."""
    query = visible_services_query()
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.offset((page - 1) * size).limit(size)).all()
    with force_locale("fr"):
        return total, [service_object(row) for row in rows]


def export_to(directory: str | Path) -> dict[str, int]:
    """Write organizations.json (published structures) and services.json (published
    services); returns how many records each holds."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    structures = select(Structure).where(Structure.is_published).order_by(Structure.id)
    with force_locale("fr"):
        records = {
            "organization": [organization_object(row) for row in db.session.scalars(structures)],
            "service": [
                service_object(row) for row in db.session.scalars(visible_services_query())
            ],
        }
    for kind, payload in records.items():
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        (target / EXPORT_FILES[kind]).write_text(text, encoding="utf-8")
    return {kind: len(payload) for kind, payload in records.items()}
