"""The enumerations of the directory: data·inclusion v1 ones plus the Paris extension.

Each referential is an ordered mapping ``value -> label``; labels are translated lazily.
"""

from collections.abc import Callable, Mapping

from babel import Locale
from data_inclusion.schema import v1
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


def _from_enum(enum) -> dict[str, str]:
    return {member.value: member.label for member in enum}


# data·inclusion's labels, in French: the index's text is made of them. They are shown
# translated; pybabel finds them through directory.i18n.extract_referentials.
TRANSLATED_ENUMERATIONS = {
    "thematiques": _from_enum(v1.Thematique),
    "categories": _from_enum(v1.Categorie),
    "publics": _from_enum(v1.Public),
    "frais": _from_enum(v1.Frais),
    "modes-accueil": _from_enum(v1.ModeAccueil),
    "types": _from_enum(v1.TypeService),
    "modes-mobilisation": _from_enum(v1.ModeMobilisation),
    "mobilisable-par": _from_enum(v1.PersonneMobilisatrice),
}


def _translated(name: str) -> dict[str, LazyString]:
    return {value: _l(label) for value, label in TRANSLATED_ENUMERATIONS[name].items()}


THEMATIQUES = _translated("thematiques")
CATEGORIES = _translated("categories")
PUBLICS = _translated("publics")
FRAIS = _translated("frais")
MODES_ACCUEIL = _translated("modes-accueil")
TYPES = _translated("types")
MODES_MOBILISATION = _translated("modes-mobilisation")
MOBILISABLE_PAR = _translated("mobilisable-par")
# The networks' names are proper names: never translated.
RESEAUX_PORTEURS = _from_enum(v1.ReseauPorteur)

TOUS_PUBLICS = v1.Public.TOUS_PUBLICS.value
A_DISTANCE = v1.ModeAccueil.A_DISTANCE.value
EN_PRESENTIEL = v1.ModeAccueil.EN_PRESENTIEL.value

# The French-level scale, in increasing order.
NIVEAUX_FRANCAIS = {
    "alpha": _l("Alphabétisation"),
    "A1.1": _l("A1.1 (infra A1)"),
    "A1": _l("A1 (découverte)"),
    "A2": _l("A2 (survie)"),
    "B1": _l("B1 (seuil)"),
    "B2": _l("B2 (avancé)"),
    "C1": _l("C1 (autonome)"),
    "C2": _l("C2 (maîtrise)"),
}
NIVEAU_RANK = {niveau: rank for rank, niveau in enumerate(NIVEAUX_FRANCAIS)}

STATUTS_SEJOUR = {
    "refugie": _l("Réfugié·e"),
    "protection-subsidiaire": _l("Protection subsidiaire"),
    "apatride": _l("Apatride"),
    "immigration-familiale": _l("Immigration familiale"),
    "immigration-professionnelle": _l("Immigration professionnelle"),
    "aps": _l("Autorisation provisoire de séjour (APS)"),
    "etudiant": _l("Étudiant·e"),
    "demandeur-asile": _l("Demandeur·se d'asile"),
}

STATUTS_PUBLICATION = {
    "brouillon": _l("Brouillon"),
    "publie": _l("Publié"),
    "archive": _l("Archivé"),
}
PUBLIE = "publie"
ARCHIVE = "archive"

# The `source` of the listings the partners keep in this directory (never overwritten or
# archived by a sync from data·inclusion).
OWN_SOURCE = "paris-partenaires"

FREQUENCES_MAJ = {
    "mensuelle": _l("Tous les mois"),
    "trimestrielle": _l("Tous les trimestres"),
    "semestrielle": _l("Tous les six mois"),
    "annuelle": _l("Tous les ans"),
}
FREQUENCE_JOURS = {"mensuelle": 31, "trimestrielle": 92, "semestrielle": 183, "annuelle": 366}

# Paris: arrondissement number -> INSEE code, and the codes that cover all of Paris.
ARRONDISSEMENTS_INSEE = {n: f"751{n:02d}" for n in range(1, 21)}
INSEE_ARRONDISSEMENT = {code: n for n, code in ARRONDISSEMENTS_INSEE.items()}
# Paris, its département, Île-de-France, the Métropole du Grand Paris (EPCI), France.
PARIS_WIDE_ZONES = {"75056", "75", "11", "200054781", "france", "99100"}
CODE_POSTAUX = {f"750{n:02d}": n for n in range(1, 21)} | {"75116": 16}
PARIS_INSEE = "75056"


def is_paris(code_insee: str) -> bool:
    """Whether an INSEE code is the commune of Paris or one of its arrondissements."""
    return code_insee == PARIS_INSEE or code_insee in INSEE_ARRONDISSEMENT


# Where each arrondissement's town hall stands (lat, lon): the reference point for "nearest"
# when only the arrondissement of a person is known.
ARRONDISSEMENT_CENTRES = {
    1: (48.8603, 2.3410),
    2: (48.8667, 2.3404),
    3: (48.8630, 2.3601),
    4: (48.8566, 2.3541),
    5: (48.8462, 2.3444),
    6: (48.8510, 2.3327),
    7: (48.8566, 2.3201),
    8: (48.8775, 2.3179),
    9: (48.8722, 2.3404),
    10: (48.8719, 2.3577),
    11: (48.8575, 2.3799),
    12: (48.8404, 2.3876),
    13: (48.8320, 2.3556),
    14: (48.8332, 2.3265),
    15: (48.8414, 2.3000),
    16: (48.8637, 2.2769),
    17: (48.8843, 2.3221),
    18: (48.8922, 2.3446),
    19: (48.8829, 2.3818),
    20: (48.8653, 2.3990),
}

# The public of the Paris agreement: these statuses, with a first permit under five years old.
STATUTS_PROTOCOLE = (
    "refugie",
    "protection-subsidiaire",
    "apatride",
    "immigration-familiale",
    "immigration-professionnelle",
    "aps",
)
ANNEES_PROTOCOLE = 5


def arrondissement_label(number: int) -> str:
    if number == 1:
        return str(_l("1er arrondissement"))
    return str(_l("%(number)se arrondissement", number=number))


# Eligibility zones wider than a commune, named (data·inclusion codes and ours).
ZONE_LABELS = {
    "75056": _l("Tout Paris"),
    "75": _l("Tout Paris"),
    "11": _l("Toute l'Île-de-France"),
    "200054781": _l("Toute la Métropole du Grand Paris"),
    "france": _l("Toute la France"),
    "99100": _l("Toute la France"),
}


def zone_label(code: str) -> str:
    """The name of one code of a `zone_eligibilite`."""
    if code in ZONE_LABELS:
        return str(ZONE_LABELS[code])
    if code in INSEE_ARRONDISSEMENT:
        return arrondissement_label(INSEE_ARRONDISSEMENT[code])
    return str(_l("commune ou territoire %(code)s", code=code))


def arrondissements() -> dict[str, str]:
    return {str(n): arrondissement_label(n) for n in ARRONDISSEMENTS_INSEE}


def categorie_of(thematique: str) -> str:
    return thematique.split("--", 1)[0]


def thematiques_of_categorie(categorie: str) -> list[str]:
    return [slug for slug in THEMATIQUES if categorie_of(slug) == categorie]


# ISO 639 codes that CLDR spells differently (Dari is Persian as spoken in Afghanistan).
_CLDR_LANGUAGE_ALIASES = {"prs": "fa_AF"}


def _cldr_code(code: str) -> str:
    return _CLDR_LANGUAGE_ALIASES.get(code, code)


def language_of_locale(name: str) -> str:
    """The ISO 639 code of a CLDR locale name (``fa_AF`` is Dari, ``prs``)."""
    return {cldr: code for code, cldr in _CLDR_LANGUAGE_ALIASES.items()}.get(name, name)


def is_language(code: str) -> bool:
    return _cldr_code(code) in Locale("fr").languages


def language_label(code: str) -> str:
    locale = get_locale() or Locale("fr")
    return locale.languages.get(_cldr_code(code), code)


# Languages proposed first in pickers and documented in /doc/langues.
LANGUES_COURANTES = (
    "fr",
    "en",
    "ar",
    "prs",
    "fa",
    "ps",
    "ti",
    "am",
    "so",
    "es",
    "pt",
    "ru",
    "uk",
    "tr",
    "ta",
    "bn",
    "ur",
    "zh",
    "wo",
    "ff",
    "ro",
    "sq",
    "ka",
    "hy",
    "ln",
)


def langues() -> dict[str, str]:
    return {code: language_label(code) for code in LANGUES_COURANTES}


def _static(mapping: Mapping[str, str]) -> Callable[[], dict[str, str]]:
    return lambda: {value: str(label) for value, label in mapping.items()}


# Every referential published under /api/v1/doc/<name>.
REFERENTIALS: dict[str, Callable[[], dict[str, str]]] = {
    "thematiques": _static(THEMATIQUES),
    "categories": _static(CATEGORIES),
    "publics": _static(PUBLICS),
    "frais": _static(FRAIS),
    "modes-accueil": _static(MODES_ACCUEIL),
    "types": _static(TYPES),
    "modes-mobilisation": _static(MODES_MOBILISATION),
    "mobilisable-par": _static(MOBILISABLE_PAR),
    "reseaux-porteurs": _static(RESEAUX_PORTEURS),
    "niveaux-francais": _static(NIVEAUX_FRANCAIS),
    "statuts-sejour": _static(STATUTS_SEJOUR),
    "statuts-publication": _static(STATUTS_PUBLICATION),
    "frequences-maj": _static(FREQUENCES_MAJ),
    "arrondissements": arrondissements,
    "langues": langues,
}
