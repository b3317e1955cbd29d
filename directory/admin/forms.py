"""The listing forms: which fields, their labels and choices, and the round trip
listing → form values → submitted values → data for the service layer.

Form values are what the widgets show: a string per single-valued field, a list of strings
per multi-valued one. The data handed to the service layer is a record of the import
format, validated there by the same marshmallow schema as an import.
"""

import re
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .. import hours
from .. import referentials as ref
from ..models import Service, Structure
from ..schemas.listings import ServiceSchema, StructureSchema
from ..services.audit import CREATION

LABELS = {
    "id": _l("Identifiant"),
    "source": _l("Source"),
    "structure_id": _l("Structure"),
    "nom": _l("Nom"),
    "description": _l("Description"),
    "type": _l("Type de service"),
    "thematiques": _l("Thématiques"),
    "frais": _l("Frais"),
    "frais_precisions": _l("Précisions sur les frais"),
    "publics": _l("Publics"),
    "publics_precisions": _l("Précisions sur les publics"),
    "conditions_acces": _l("Conditions d'accès"),
    "modes_accueil": _l("Modes d'accueil"),
    "zone_eligibilite": _l("Zone d'éligibilité"),
    "contact_nom_prenom": _l("Personne à contacter"),
    "lien_mobilisation": _l("Lien pour orienter ou s'inscrire"),
    "modes_mobilisation": _l("Comment orienter une personne"),
    "mobilisable_par": _l("Qui peut orienter"),
    "mobilisation_precisions": _l("Précisions sur l'orientation"),
    "volume_horaire_hebdomadaire": _l("Volume horaire par semaine (heures)"),
    "nombre_semaines": _l("Durée (nombre de semaines)"),
    "niveau_francais_min": _l("Niveau de français minimum"),
    "niveau_francais_max": _l("Niveau de français maximum"),
    "statuts_sejour": _l("Statuts de séjour acceptés"),
    "age_min": _l("Âge minimum"),
    "age_max": _l("Âge maximum"),
    "rqth_requise": _l("Reconnaissance de handicap (RQTH) requise"),
    "langues_parlees": _l("Langues parlées par l'équipe"),
    "adresse": _l("Adresse"),
    "complement_adresse": _l("Complément d'adresse"),
    "code_postal": _l("Code postal"),
    "commune": _l("Commune"),
    "code_insee": _l("Code INSEE de la commune ou de l'arrondissement"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "telephone": _l("Téléphone"),
    "courriel": _l("Courriel"),
    "horaires_accueil": _l("Horaires d'accueil"),
    "lien_source": _l("Lien vers la source"),
    "frequence_maj": _l("Fréquence de vérification"),
    "statut_publication": _l("Statut de publication"),
    "verifie_le": _l("Vérifié le"),
    "date_maj": _l("Mis à jour le"),
    "siret": _l("SIRET"),
    "site_web": _l("Site web"),
    "accessibilite_lieu": _l("Lien vers la fiche d'accessibilité du lieu (Acceslibre)"),
    "reseaux_porteurs": _l("Réseaux porteurs"),
    "signataire": _l("Signataire du protocole"),
    "score_qualite": _l("Score de qualité data·inclusion"),
    "doublons": _l("Doublons connus de data·inclusion"),
    "approuvee": _l("Approuvée"),
    "horaires_saisie": _l("Saisie des horaires"),
    "horaires_feries_fermes": _l("Fermé les jours fériés"),
    "_schema": _l("Fiche"),
    CREATION: _l("Création de la fiche"),
}

HINTS = {
    "description": _l("Ce que le service apporte, à qui, comment. Entre 5 et 10 000 caractères."),
    "zone_eligibilite": _l(
        "Cochez « Tout Paris » ou les arrondissements couverts ; rien de coché : aucune limite."
    ),
    "zone_eligibilite_autres": _l(
        "Autres codes géographiques (COG) séparés par des espaces : 93, 11, france…"
    ),
    "langues_parlees": _l("Le français est toujours sous-entendu."),
    "langues_parlees_autres": _l("Autres langues : codes ISO 639 séparés par des espaces."),
    "niveau_francais_min": _l("Aucun : pas de niveau minimum."),
    "niveau_francais_max": _l("Aucun : pas de niveau maximum."),
    "statuts_sejour": _l("Rien de coché : tous les statuts sont acceptés."),
    "horaires_accueil": _l(
        "Format OpenStreetMap, par exemple « Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:00-12:00 ». "
        "Pris en compte avec « Saisie libre » seulement."
    ),
    "telephone": _l("Par exemple 01 23 45 67 89."),
    "latitude": _l("En degrés décimaux, par exemple 48.8566."),
    "longitude": _l("En degrés décimaux, par exemple 2.3522."),
    "code_insee": _l("Pour Paris, celui de l'arrondissement : 75101 à 75120."),
    "siret": _l("14 chiffres."),
    "frequence_maj": _l("Au-delà, la fiche apparaît dans les fiches à vérifier."),
}

SERVICE_FIELDS = (
    "nom",
    "description",
    "type",
    "thematiques",
    "publics",
    "publics_precisions",
    "statuts_sejour",
    "niveau_francais_min",
    "niveau_francais_max",
    "age_min",
    "age_max",
    "rqth_requise",
    "langues_parlees",
    "zone_eligibilite",
    "conditions_acces",
    "frais",
    "frais_precisions",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "lien_mobilisation",
    "mobilisation_precisions",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "horaires_accueil",
    "contact_nom_prenom",
    "telephone",
    "courriel",
    "lien_source",
    "frequence_maj",
)

STRUCTURE_FIELDS = (
    "nom",
    "description",
    "siret",
    "site_web",
    "reseaux_porteurs",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "horaires_accueil",
    "accessibilite_lieu",
    "telephone",
    "courriel",
    "lien_source",
    "frequence_maj",
)
# Shown to coordinators only; the service layer refuses it from anyone else anyway.
STRUCTURE_ADMIN_FIELDS = ("signataire",)

LIST_FIELDS = {
    "thematiques",
    "publics",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "statuts_sejour",
    "langues_parlees",
    "zone_eligibilite",
    "reseaux_porteurs",
}
BOOLEAN_FIELDS = {"rqth_requise", "signataire"}
# Lists the schema wants as [] rather than null when nothing is ticked.
NEVER_NULL_LISTS = {"statuts_sejour", "langues_parlees"}
# Multi-valued fields with boxes for the usual values and a text input for the rest.
OPEN_LISTS = ("zone_eligibilite", "langues_parlees")
TOUT_PARIS = "75056"


# The hours grid: per weekday, up to hours.RANGES_PER_DAY ranges, each a start and an end;
# which of the grid and the raw OSM value is saved is chosen by HOURS_MODE.
HOURS_MODE, HOURS_GRID, HOURS_RAW = "horaires_saisie", "grille", "libre"
HOLIDAYS_CLOSED = "horaires_feries_fermes"


def hours_input(weekday: int, index: int, end: bool = False) -> str:
    """'horaires_Mo_1_debut': the input of a range's start (or end) in the grid."""
    return f"horaires_{hours.WEEKDAYS[weekday]}_{index + 1}_{'fin' if end else 'debut'}"


GRID_INPUTS = [
    hours_input(weekday, index, end)
    for weekday in range(7)
    for index in range(hours.RANGES_PER_DAY)
    for end in (False, True)
]
# The grid's errors go to the start input of the range at fault.
LABELS |= {
    hours_input(weekday, index): _l("Horaires par jour")
    for weekday in range(7)
    for index in range(hours.RANGES_PER_DAY)
}


def hours_grid() -> list[tuple[str, list[tuple[str, str]]]]:
    """(day name, [(start input, end input) of each range]) per weekday, for the template."""
    return [
        (
            hours.day_name(weekday),
            [
                (hours_input(weekday, index), hours_input(weekday, index, end=True))
                for index in range(hours.RANGES_PER_DAY)
            ],
        )
        for weekday in range(7)
    ]


def _grid_values(value: str | None) -> dict:
    """The grid's inputs for a stored value; the raw input chosen when the grid cannot
    hold it."""
    week = hours.week_of(value)
    values = {
        HOURS_MODE: HOURS_RAW if week is None else HOURS_GRID,
        HOLIDAYS_CLOSED: "true" if week and week.holidays_closed else "",
    }
    for weekday, ranges in enumerate((week or hours.Week()).days):
        for index in range(hours.RANGES_PER_DAY):
            start, end = ranges[index] if index < len(ranges) else (None, None)
            values[hours_input(weekday, index)] = start.strftime("%H:%M") if start else ""
            values[hours_input(weekday, index, end=True)] = end.strftime("%H:%M") if end else ""
    return values


def compose_hours(values: dict) -> dict[str, list[str]]:
    """With the grid chosen, put its OSM value into horaires_accueil (unless the raw value
    already says the same, as its author wrote it); return the grid's errors."""
    if values.get(HOURS_MODE) != HOURS_GRID:
        return {}
    texts = [
        [
            (
                values.get(hours_input(weekday, index), ""),
                values.get(hours_input(weekday, index, True), ""),
            )
            for index in range(hours.RANGES_PER_DAY)
        ]
        for weekday in range(7)
    ]
    week, errors = hours.read_week(texts, bool(values.get(HOLIDAYS_CLOSED)))
    if errors:
        return {hours_input(error.weekday, error.index): [error.message] for error in errors}
    if hours.week_of(values.get("horaires_accueil")) != week:
        values["horaires_accueil"] = hours.compose(week)
    return {}


def other_field(name: str) -> str:
    return f"{name}_autres"


def zone_choices() -> dict[str, str]:
    arrondissements = {
        code: ref.arrondissement_label(number) for number, code in ref.ARRONDISSEMENTS_INSEE.items()
    }
    return {TOUT_PARIS: str(_l("Tout Paris"))} | arrondissements


def _labels(mapping: Mapping) -> dict[str, str]:
    return {value: str(label) for value, label in mapping.items()}


CHOICES = {
    "type": lambda: _labels(ref.TYPES),
    "frais": lambda: _labels(ref.FRAIS),
    "publics": lambda: _labels(ref.PUBLICS),
    "modes_accueil": lambda: _labels(ref.MODES_ACCUEIL),
    "modes_mobilisation": lambda: _labels(ref.MODES_MOBILISATION),
    "mobilisable_par": lambda: _labels(ref.MOBILISABLE_PAR),
    "statuts_sejour": lambda: _labels(ref.STATUTS_SEJOUR),
    "niveau_francais_min": lambda: _labels(ref.NIVEAUX_FRANCAIS),
    "niveau_francais_max": lambda: _labels(ref.NIVEAUX_FRANCAIS),
    "frequence_maj": lambda: _labels(ref.FREQUENCES_MAJ),
    "reseaux_porteurs": lambda: _labels(ref.RESEAUX_PORTEURS),
    "statut_publication": lambda: _labels(ref.STATUTS_PUBLICATION),
    "thematiques": lambda: _labels(ref.THEMATIQUES),
    "langues_parlees": ref.langues,
    "zone_eligibilite": zone_choices,
}


# Fields whose choices are proper names (networks): shown as they are, in French.
PROPER_NAMES = frozenset({"reseaux_porteurs"})


def choices(name: str) -> dict[str, str]:
    """value -> label of a field with a fixed set of values, in the referential's order."""
    return CHOICES[name]()


def thematiques_by_categorie() -> list[tuple[str, str, dict[str, str]]]:
    """(catégorie slug, catégorie label, {thématique: label}) for the grouped picker."""
    return [
        (
            categorie,
            str(label),
            {slug: str(ref.THEMATIQUES[slug]) for slug in ref.thematiques_of_categorie(categorie)},
        )
        for categorie, label in ref.CATEGORIES.items()
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split_open_list(name: str, values: list[str]) -> tuple[list[str], str]:
    """The values that have a box, and the others as text."""
    boxes = choices(name)
    return [v for v in values if v in boxes], " ".join(v for v in values if v not in boxes)


def values_from_record(record: Mapping, field_names) -> dict:
    """The form values of a record in the import format (a schema dump)."""
    values: dict = {}
    for name in field_names:
        value = record.get(name)
        if name in LIST_FIELDS:
            values[name] = [str(item) for item in value or ()]
        elif name in BOOLEAN_FIELDS:
            values[name] = "true" if value else ""
        else:
            values[name] = _text(value)
    for name in OPEN_LISTS:
        if name in values:
            values[name], values[other_field(name)] = _split_open_list(name, values[name])
    if "horaires_accueil" in field_names:
        values |= _grid_values(record.get("horaires_accueil"))
    return values


def values_from_listing(listing: Service | Structure, field_names) -> dict:
    schema = ServiceSchema() if isinstance(listing, Service) else StructureSchema()
    return values_from_record(schema.dump(listing), field_names)


def new_service_values() -> dict:
    record = {"frequence_maj": "semestrielle", "modes_accueil": [ref.EN_PRESENTIEL]}
    return values_from_record(record, SERVICE_FIELDS)


def new_structure_values(field_names) -> dict:
    return values_from_record({"frequence_maj": "annuelle"}, field_names)


def values_from_form(form: MultiDict, field_names) -> dict:
    """The submitted values, as typed (kept as they are when the form is shown again)."""
    values: dict = {}
    for name in field_names:
        if name in LIST_FIELDS:
            values[name] = form.getlist(name)
        elif name in BOOLEAN_FIELDS:
            values[name] = "true" if form.get(name) else ""
        else:
            values[name] = form.get(name, "")
    for name in OPEN_LISTS:
        if name in values:
            values[other_field(name)] = form.get(other_field(name), "")
    if "horaires_accueil" in field_names:
        values[HOURS_MODE] = form.get(HOURS_MODE, HOURS_RAW)
        values[HOLIDAYS_CLOSED] = "true" if form.get(HOLIDAYS_CLOSED) else ""
        values |= {name: form.get(name, "") for name in GRID_INPUTS}
    return values


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,;]+", text) if word]


def data_from_values(values: Mapping, field_names) -> dict:
    """The record handed to the service layer (validated there, field by field)."""
    data: dict = {}
    for name in field_names:
        value = values.get(name)
        if name in LIST_FIELDS:
            items = list(value or ())
            if name in OPEN_LISTS:
                items += _words(values.get(other_field(name), ""))
            data[name] = items or ([] if name in NEVER_NULL_LISTS else None)
        elif name in BOOLEAN_FIELDS:
            data[name] = "true" if value else "false"
        else:
            data[name] = value or ""
    return data


def field_of_error(key: str) -> str:
    """'thematiques.2' -> 'thematiques': the form field an error message belongs to."""
    return key.split(".", 1)[0]


def errors_by_field(flat_errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, messages in flat_errors.items():
        grouped.setdefault(field_of_error(key), []).extend(messages)
    return grouped
