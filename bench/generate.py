"""A seeded generator of data·inclusion v1 + Paris-extension records, at any size.

    .venv/bin/python bench/generate.py --services 140000 --seed 1 data.json

Writes one ``{"structures": […], "services": […]}`` file that ``directory import`` accepts,
record by record (the services are never all held in memory). Structures ≈ services / 35.
Most points are in Paris (denser in the north-east), some in Île-de-France and elsewhere in
France; thématiques, zones, levels, statuses, ages, languages and texts follow skewed,
plausible distributions.
"""

import argparse
import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from data_inclusion.schema import v1

SERVICES_PER_STRUCTURE = 35
SOURCE = "bench"

# -- places ------------------------------------------------------------------------------

# Arrondissement -> (weight, lat, lon): more services where more newcomers live.
ARRONDISSEMENTS = {
    1: (1, 48.8603, 2.3410),
    2: (1, 48.8667, 2.3404),
    3: (1.5, 48.8630, 2.3601),
    4: (1.5, 48.8566, 2.3541),
    5: (2, 48.8462, 2.3444),
    6: (1, 48.8510, 2.3327),
    7: (1, 48.8566, 2.3201),
    8: (1.5, 48.8775, 2.3179),
    9: (2, 48.8722, 2.3404),
    10: (5, 48.8719, 2.3577),
    11: (5, 48.8575, 2.3799),
    12: (4, 48.8404, 2.3876),
    13: (6, 48.8320, 2.3556),
    14: (4, 48.8332, 2.3265),
    15: (5, 48.8414, 2.3000),
    16: (2, 48.8637, 2.2769),
    17: (4, 48.8843, 2.3221),
    18: (8, 48.8922, 2.3446),
    19: (8, 48.8829, 2.3818),
    20: (7, 48.8653, 2.3990),
}
# (commune, INSEE code, postcode, lat, lon)
ILE_DE_FRANCE = [
    ("Saint-Denis", "93066", "93200", 48.9362, 2.3574),
    ("Aubervilliers", "93001", "93300", 48.9146, 2.3821),
    ("Montreuil", "93048", "93100", 48.8638, 2.4485),
    ("Boulogne-Billancourt", "92012", "92100", 48.8397, 2.2399),
    ("Nanterre", "92050", "92000", 48.8924, 2.2071),
    ("Créteil", "94028", "94000", 48.7904, 2.4556),
    ("Vitry-sur-Seine", "94081", "94400", 48.7875, 2.3928),
    ("Argenteuil", "95018", "95100", 48.9472, 2.2467),
    ("Versailles", "78646", "78000", 48.8049, 2.1204),
    ("Évry-Courcouronnes", "91228", "91000", 48.6291, 2.4410),
]
FRANCE = [
    ("Lyon", "69123", "69003", 45.7640, 4.8357),
    ("Marseille", "13055", "13001", 43.2965, 5.3698),
    ("Lille", "59350", "59000", 50.6292, 3.0573),
    ("Toulouse", "31555", "31000", 43.6047, 1.4442),
    ("Bordeaux", "33063", "33000", 44.8378, -0.5792),
    ("Nantes", "44109", "44000", 47.2184, -1.5536),
    ("Strasbourg", "67482", "67000", 48.5734, 7.7521),
]
# Share of points in Paris, Île-de-France, elsewhere in France; the rest have no address.
PLACE_SHARES = (0.80, 0.12, 0.05)
STREETS = [
    "rue de la Roquette",
    "boulevard de la Villette",
    "rue du Faubourg Saint-Denis",
    "rue de Belleville",
    "avenue de Flandre",
    "rue Myrha",
    "rue de Tolbiac",
    "rue d'Alésia",
    "rue de Vaugirard",
    "avenue de Clichy",
    "rue des Pyrénées",
    "rue de Charenton",
    "boulevard Barbès",
    "rue Riquet",
    "rue Saint-Maur",
    "avenue Jean Jaurès",
    "rue de la République",
    "place de la Mairie",
]
NEIGHBOURHOODS = [
    "Belleville",
    "Goutte d'Or",
    "Château-Rouge",
    "Porte de la Chapelle",
    "Flandre",
    "Riquet",
    "Ménilmontant",
    "Charonne",
    "Bercy",
    "Olympiades",
    "Plaisance",
    "Vaugirard",
    "Batignolles",
    "Épinettes",
    "Saint-Blaise",
    "Amandiers",
    "Marais",
    "Montparnasse",
    "Butte-aux-Cailles",
    "Villette",
]


@dataclass(frozen=True)
class Place:
    commune: str
    code_insee: str
    code_postal: str
    adresse: str
    latitude: float
    longitude: float

    def fields(self) -> dict:
        return {
            "commune": self.commune,
            "code_postal": self.code_postal,
            "code_insee": self.code_insee,
            "adresse": self.adresse,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }


NO_PLACE = {
    "commune": None,
    "code_postal": None,
    "code_insee": None,
    "adresse": None,
    "latitude": None,
    "longitude": None,
}


def paris_place(rng: random.Random) -> Place:
    numbers = list(ARRONDISSEMENTS)
    number = rng.choices(numbers, weights=[ARRONDISSEMENTS[n][0] for n in numbers])[0]
    _, lat, lon = ARRONDISSEMENTS[number]
    postcode = "75116" if number == 16 and rng.random() < 0.5 else f"750{number:02d}"
    return Place(
        "Paris",
        f"751{number:02d}",
        postcode,
        _street(rng),
        round(rng.gauss(lat, 0.006), 5),
        round(rng.gauss(lon, 0.009), 5),
    )


def commune_place(rng: random.Random, communes: list[tuple]) -> Place:
    commune, insee, postcode, lat, lon = rng.choice(communes)
    return Place(
        commune,
        insee,
        postcode,
        _street(rng),
        round(rng.gauss(lat, 0.01), 5),
        round(rng.gauss(lon, 0.01), 5),
    )


def _street(rng: random.Random) -> str:
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}"


def random_place(rng: random.Random) -> Place | None:
    draw = rng.random()
    paris, ile_de_france, france = PLACE_SHARES
    if draw < paris:
        return paris_place(rng)
    if draw < paris + ile_de_france:
        return commune_place(rng, ILE_DE_FRANCE)
    if draw < paris + ile_de_france + france:
        return commune_place(rng, FRANCE)
    return None


# -- texts -------------------------------------------------------------------------------

# Catégorie -> (weight, name stems, sentences): the social barriers of newcomers first.
CATEGORIES = {
    "logement-hebergement": (
        14,
        ["Permanence logement", "Accès à l'hébergement", "Accompagnement vers le logement"],
        [
            "Nous aidons les personnes sans solution d'hébergement à trouver une place adaptée.",
            "Le service accompagne la demande de logement social et le dossier DALO.",
            "Une conseillère explique les aides au logement de la CAF et le dépôt de garantie.",
            "Les impayés de loyer sont traités avec le bailleur avant toute procédure.",
        ],
    ),
    "lecture-ecriture-calcul": (
        13,
        [
            "Cours de français",
            "Atelier de français langue étrangère",
            "Ateliers sociolinguistiques",
        ],
        [
            "Les cours de français langue étrangère (FLE) sont organisés par petits groupes.",
            "Un test de positionnement permet de rejoindre le groupe adapté à son niveau.",
            "Les ateliers travaillent l'oral, l'écrit et le vocabulaire de la vie quotidienne.",
            "Des séances d'alphabétisation accueillent les personnes non scolarisées.",
        ],
    ),
    "trouver-un-emploi": (
        12,
        ["Accompagnement vers l'emploi", "Club de recherche d'emploi", "Job dating"],
        [
            "Un conseiller accompagne la recherche d'emploi jusqu'à la signature du contrat.",
            "Les offres d'emploi des entreprises partenaires sont présentées chaque semaine.",
            "Le service prépare aux entretiens d'embauche avec des simulations filmées.",
        ],
    ),
    "difficultes-administratives-ou-juridiques": (
        11,
        ["Permanence d'accès aux droits", "Aide aux démarches administratives", "Écrivain public"],
        [
            "Les juristes informent sur le droit au séjour, la famille et le travail.",
            "Nous aidons à remplir les formulaires de la préfecture et de la CAF.",
            "Un écrivain public rédige les courriers administratifs avec la personne.",
            "Le service oriente vers l'ANEF pour les demandes de titre de séjour en ligne.",
        ],
    ),
    "famille": (
        8,
        ["Garde d'enfants", "Crèche à vocation d'insertion professionnelle", "Soutien parental"],
        [
            "Des places de crèche sont réservées aux parents en recherche d'emploi.",
            "La garde d'enfants est proposée pendant les ateliers et les formations.",
            "Les parents sont accompagnés dans la scolarité de leurs enfants.",
        ],
    ),
    "sante": (
        8,
        ["Consultation médicale", "Permanence d'accès aux soins de santé", "Écoute psychologique"],
        [
            "Une infirmière aide à ouvrir les droits à la complémentaire santé solidaire.",
            "Des consultations sans rendez-vous sont ouvertes aux personnes sans couverture.",
            "Un psychologue reçoit les personnes exilées en situation de souffrance psychique.",
        ],
    ),
    "numerique": (
        7,
        ["Atelier numérique", "Espace public numérique", "Accompagnement aux démarches en ligne"],
        [
            "Un conseiller numérique aide à créer une adresse électronique et un espace en ligne.",
            "Des ordinateurs et une connexion Internet sont en libre accès.",
            "Les ateliers apprennent à utiliser un smartphone pour les démarches.",
        ],
    ),
    "preparer-sa-candidature": (
        6,
        ["Atelier CV", "Préparer sa candidature", "Valoriser ses compétences"],
        [
            "Chaque participant repart avec un CV et une lettre de motivation à jour.",
            "Les diplômes étrangers sont présentés avec leur équivalence.",
        ],
    ),
    "mobilite": (
        5,
        ["Plateforme mobilité", "Auto-école sociale", "Aide à la mobilité"],
        [
            "L'auto-école sociale prépare au code et au permis de conduire à tarif réduit.",
            "Des aides financent le passe Navigo pendant la recherche d'emploi.",
            "Des vélos sont prêtés pour se rendre en formation ou au travail.",
        ],
    ),
    "equipement-et-alimentation": (
        5,
        ["Aide alimentaire", "Épicerie solidaire", "Vestiaire solidaire"],
        [
            "Des colis alimentaires sont distribués sur orientation d'un travailleur social.",
            "L'épicerie solidaire propose des produits à petit prix.",
            "Le vestiaire fournit une tenue pour les entretiens d'embauche.",
        ],
    ),
    "difficultes-financieres": (
        4,
        ["Point conseil budget", "Aide financière", "Microcrédit"],
        [
            "Un conseiller aide à établir un budget et à ouvrir un compte bancaire.",
            "Les dossiers de surendettement sont préparés avec la personne.",
        ],
    ),
    "se-former": (
        4,
        ["Formation qualifiante", "Orientation vers la formation", "Formation pré-qualifiante"],
        [
            "Les formations qualifiantes sont rémunérées et préparent un titre professionnel.",
            "Le dossier de financement de la formation est monté avec le conseiller.",
        ],
    ),
    "choisir-un-metier": (
        3,
        ["Découverte des métiers", "Bilan de compétences", "Immersion en entreprise"],
        [
            "Des immersions en entreprise permettent de découvrir un métier en tension.",
            "Le bilan de compétences tient compte de l'expérience acquise à l'étranger.",
        ],
    ),
    "remobilisation": (
        3,
        ["Atelier bien-être", "Activités culturelles", "Groupe de parole"],
        [
            "Des sorties culturelles et sportives favorisent le lien social.",
            "Un groupe de parole aide à reprendre confiance en soi.",
        ],
    ),
    "creer-une-entreprise": (
        1,
        ["Création d'entreprise", "Couveuse d'entreprises"],
        ["Le projet de création d'entreprise est étudié avec un conseiller spécialisé."],
    ),
    "souvrir-a-linternational": (
        1,
        ["Mobilité internationale"],
        ["Le service informe sur les programmes de mobilité européenne."],
    ),
}
GENERIC_SENTENCES = [
    "L'accueil se fait sur rendez-vous, par téléphone ou sur place.",
    "Un interprète peut être sollicité si besoin.",
    "L'équipe travaille en lien avec les travailleurs sociaux du secteur.",
    "Les personnes orientées par l'OFII à la suite du contrat d'intégration républicaine "
    "sont reçues en priorité.",
    "Un premier entretien permet de faire le point sur la situation et les besoins.",
    "Le suivi dure le temps nécessaire, en général de trois à six mois.",
    "Les bénévoles de l'association assurent une permanence chaque semaine.",
    "Les conseillers de France Travail et de la Mission Locale peuvent orienter vers ce service.",
    "Les documents d'identité et le titre de séjour sont demandés au premier rendez-vous.",
    "Une attestation de participation est remise à la fin du parcours.",
]
CONDITIONS = [
    "Sur orientation d'un travailleur social.",
    "Être inscrit à France Travail.",
    "Titre de séjour en cours de validité.",
    "Résider à Paris.",
    "Avoir entre 16 et 25 ans.",
    "Niveau A2 à l'oral exigé.",
    "Reconnaissance de la qualité de travailleur handicapé (RQTH).",
    "Signataire du contrat d'intégration républicaine depuis moins de cinq ans.",
    "Être bénéficiaire du RSA.",
]
PUBLICS_PRECISIONS = [
    "Personnes réfugiées et bénéficiaires de la protection subsidiaire.",
    "Femmes isolées avec enfants.",
    "Jeunes de moins de 26 ans sans emploi ni formation.",
]
DESCRIPTION_LENGTH = (200, 800)

# -- structures --------------------------------------------------------------------------

SIGNATORY_SHARE = 0.10
SIGNATORIES = [
    "Préfecture de Paris",
    "OFII – Direction territoriale de Paris",
    "France Travail Paris",
    "Mission Locale de Paris",
    "Ensemble Paris Emploi Compétences",
    "Cap emploi 75",
    "Ville de Paris",
    "France terre d'asile",
]
STRUCTURE_KINDS = [
    "Association",
    "Centre social",
    "Espace solidarité insertion",
    "Maison des solidarités",
    "Point d'accès au droit",
    "Centre d'hébergement",
    "Régie de quartier",
    "Centre de santé",
    "Collectif",
    "Fondation",
]
HOURS = [
    "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
    "Mo-We 08:30-16:30; Th 08:30-12:30; Fr 08:30-15:30; PH off",
    "Mo-Fr 10:00-12:30,14:00-19:00; Sa 10:00-13:00; PH off",
    "Mo-Fr 09:00-18:00; PH off",
    "Tu,Th 14:00-17:00",
    "24/7",
]
DATES = (date(2023, 1, 1), date(2025, 12, 31))


@dataclass(frozen=True)
class StructureInfo:
    """What a service borrows from its structure."""

    id: str
    nom: str
    place: Place | None


def structure_count(service_count: int) -> int:
    return max(len(SIGNATORIES) + 1, round(service_count / SERVICES_PER_STRUCTURE))


def _date(rng: random.Random, start: date = DATES[0]) -> date:
    return start + timedelta(days=rng.randint(0, (DATES[1] - start).days))


def _phone(rng: random.Random) -> str:
    return f"+331{rng.randint(40000000, 59999999)}"


def _where(rng: random.Random, place: Place | None) -> str:
    """A commune outside Paris, else a Paris neighbourhood."""
    if place and place.commune != "Paris":
        return place.commune
    return rng.choice(NEIGHBOURHOODS)


def _structure_name(rng: random.Random, n: int, place: Place | None) -> str:
    return f"{rng.choice(STRUCTURE_KINDS)} {_where(rng, place)} {n}"


def make_structure(rng: random.Random, n: int) -> dict:
    signatory = n < len(SIGNATORIES)
    place = paris_place(rng) if signatory else random_place(rng)
    published = signatory or rng.random() < 0.98
    return {
        "source": SOURCE,
        "id": f"structure-{n:05d}",
        "nom": SIGNATORIES[n] if signatory else _structure_name(rng, n, place),
        "date_maj": _date(rng).isoformat(),
        "description": "Structure partenaire de l'accueil des personnes primo-arrivantes.",
        **(place.fields() if place else NO_PLACE),
        "telephone": _phone(rng),
        "courriel": f"contact@structure-{n}.exemple.org",
        "site_web": f"https://structure-{n}.exemple.org",
        "horaires_accueil": rng.choice(HOURS),
        "signataire": signatory,
        "statut_publication": "publie" if published else "brouillon",
    }


def structure_info(record: dict) -> StructureInfo:
    place = None
    if record["latitude"] is not None:
        keys = ("commune", "code_insee", "code_postal", "adresse", "latitude", "longitude")
        place = Place(*(record[key] for key in keys))
    return StructureInfo(record["id"], record["nom"], place)


def structure_weights(rng: random.Random, count: int) -> list[float]:
    """Cumulative shares of the services per structure: the signatories hold a tenth of
    them, the others follow a Pareto law (a few big ones, many small ones)."""
    others = [min(rng.paretovariate(1.5), 30.0) for _ in range(count - len(SIGNATORIES))]
    signatory = sum(others) * SIGNATORY_SHARE / (1 - SIGNATORY_SHARE) / len(SIGNATORIES)
    return list(itertools.accumulate([signatory] * len(SIGNATORIES) + others))


# -- services ----------------------------------------------------------------------------

THEMATIQUE_COUNTS = ((1, 2, 3, 4), (45, 32, 15, 8))
FRENCH_LEVELS = ("alpha", "A1.1", "A1", "A2", "B1", "B2", "C1", "C2")
LEVEL_RANGES = (
    ((None, None), 55),
    (("alpha", "A1.1"), 8),
    (("A1", "A2"), 10),
    (("A2", "B1"), 8),
    (("B1", None), 8),
    ((None, "A2"), 6),
    (("A1", None), 5),
)
STATUSES = (
    ("refugie", 10),
    ("protection-subsidiaire", 8),
    ("apatride", 3),
    ("immigration-familiale", 6),
    ("immigration-professionnelle", 4),
    ("aps", 3),
    ("etudiant", 2),
    ("demandeur-asile", 5),
)
AGES = (
    ((None, None), 55),
    ((16, 25), 15),
    ((18, None), 12),
    ((None, 25), 4),
    ((26, None), 5),
    ((50, None), 3),
    ((16, 30), 3),
    ((18, 64), 3),
)
LANGUAGES = (
    ("en", 40),
    ("ar", 30),
    ("es", 8),
    ("prs", 6),
    ("ps", 5),
    ("ti", 5),
    ("ru", 4),
    ("uk", 4),
    ("fa", 3),
    ("am", 2),
    ("so", 2),
    ("bn", 2),
    ("ta", 2),
    ("zh", 2),
    ("wo", 2),
    ("pt", 2),
    ("tr", 2),
    ("ur", 1),
    ("ff", 1),
    ("ro", 1),
)
MODES = (
    (["en-presentiel"], 65),
    (["en-presentiel", "a-distance"], 15),
    (["a-distance"], 12),
    (None, 8),
)
TYPES = (
    ("accompagnement", 35),
    ("information", 20),
    ("atelier", 18),
    ("formation", 15),
    ("aide-materielle", 7),
    ("aide-financiere", 5),
    (None, 4),
)
FRAIS = (("gratuit", 78), ("payant", 12), (None, 10))
PUBLICS = (
    ("personnes-exilees", 10),
    ("jeunes", 8),
    ("femmes", 6),
    ("demandeurs-emploi", 6),
    ("familles", 4),
    ("beneficiaires-des-minimas-sociaux", 3),
    ("personnes-en-situation-de-handicap", 3),
    ("personnes-en-situation-durgence", 3),
    ("seniors", 1),
    ("etudiants", 1),
)
STATUTS_PUBLICATION = (("publie", 92), ("brouillon", 5), ("archive", 3))
FREQUENCES = ("mensuelle", "trimestrielle", "semestrielle", "annuelle")
MOBILISATION = ("envoyer-un-courriel", "se-presenter", "telephoner", "utiliser-lien-mobilisation")


def _pick(rng: random.Random, weighted: tuple):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _pick_many(rng: random.Random, weighted: tuple, count: int) -> list:
    chosen: list = []
    while len(chosen) < count:
        value = _pick(rng, weighted)
        if value not in chosen:
            chosen.append(value)
    return chosen


def _sub_thematique(rng: random.Random, categorie: str, slugs: dict[str, list[str]]) -> str:
    """A sub-thématique of the catégorie, the first ones of the list more often."""
    subs = slugs[categorie]
    return rng.choices(subs, weights=[1 / (i + 1) for i in range(len(subs))])[0]


def thematiques(rng: random.Random, main: str, slugs: dict[str, list[str]]) -> list[str]:
    count = rng.choices(*THEMATIQUE_COUNTS)[0]
    categories = tuple((name, spec[0]) for name, spec in CATEGORIES.items())
    chosen = [_sub_thematique(rng, main, slugs)]
    for _ in range(count - 1):
        categorie = main if rng.random() < 0.6 else _pick(rng, categories)
        chosen.append(_sub_thematique(rng, categorie, slugs))
    return list(dict.fromkeys(chosen))


def description(rng: random.Random, main: str) -> str:
    """Sentences of the catégorie and generic ones, 200 to 800 characters."""
    target = rng.randint(*DESCRIPTION_LENGTH)
    pool = CATEGORIES[main][2] + GENERIC_SENTENCES
    sentences = rng.sample(pool, len(pool))
    text = sentences.pop(0)
    while sentences and len(text) < target:
        following = f"{text} {sentences.pop(0)}"
        if len(following) > DESCRIPTION_LENGTH[1]:
            break
        text = following
    return text


def zone(rng: random.Random, place: Place | None) -> list[str] | None:
    """Null (the address's commune) most often, else arrondissements, Paris-wide codes…"""
    draw = rng.random()
    if draw < 0.30:
        return None
    if draw < 0.55:
        first = rng.randint(1, 20)
        others = rng.sample(range(1, 21), rng.choice([0, 0, 1, 2, 3]))
        return [f"751{n:02d}" for n in dict.fromkeys([first, *others])]
    if draw < 0.88:
        return [rng.choice(["75056", "75", "75", "11", "france"])]
    if place and place.commune != "Paris":
        return [place.code_insee]
    return [rng.choice(ILE_DE_FRANCE)[1], "200054781"]


def service_place(rng: random.Random, structure: StructureInfo, modes: list[str] | None):
    """At the structure's address mostly, at an antenna sometimes, nowhere when remote."""
    if modes == ["a-distance"] and rng.random() < 0.7:
        return None
    if structure.place and rng.random() < 0.6:
        return structure.place
    return random_place(rng)


def _levels(rng: random.Random) -> dict:
    low, high = _pick(rng, LEVEL_RANGES)
    return {"niveau_francais_min": low, "niveau_francais_max": high}


def _ages(rng: random.Random) -> dict:
    low, high = _pick(rng, AGES)
    return {"age_min": low, "age_max": high}


def _publics(rng: random.Random) -> list[str] | None:
    draw = rng.random()
    if draw < 0.10:
        return None
    if draw < 0.55:
        return ["tous-publics"]
    return _pick_many(rng, PUBLICS, rng.choice([1, 1, 2, 3]))


def _mobilisation(rng: random.Random, n: int) -> dict:
    modes = rng.sample(MOBILISATION, rng.randint(1, 3))
    return {
        "modes_mobilisation": modes,
        "mobilisable_par": rng.choice(
            [["usagers"], ["professionnels"], ["usagers", "professionnels"]]
        ),
        "lien_mobilisation": (
            f"https://orientation.exemple.org/services/{n}"
            if "utiliser-lien-mobilisation" in modes
            else None
        ),
        "mobilisation_precisions": rng.choice([None, None, "Prendre rendez-vous par téléphone."]),
    }


def _duration(rng: random.Random, type_: str | None) -> dict:
    if type_ != "formation":
        return {"volume_horaire_hebdomadaire": None, "nombre_semaines": None}
    return {
        "volume_horaire_hebdomadaire": rng.choice([6, 12, 20, 35]),
        "nombre_semaines": rng.randint(4, 40),
    }


def make_service(
    rng: random.Random, n: int, structure: StructureInfo, slugs: dict[str, list[str]]
) -> dict:
    main = _pick(rng, tuple((name, spec[0]) for name, spec in CATEGORIES.items()))
    modes = _pick(rng, MODES)
    place = service_place(rng, structure, modes)
    type_ = _pick(rng, TYPES)
    frais = _pick(rng, FRAIS)
    statuses = _pick_many(rng, STATUSES, rng.choice([1, 1, 2, 3, 4])) if rng.random() < 0.4 else []
    languages = _pick_many(rng, LANGUAGES, rng.choice([1, 1, 2, 3])) if rng.random() < 0.55 else []
    verified = _date(rng) if rng.random() < 0.6 else None
    return {
        "source": SOURCE,
        "id": f"service-{n:06d}",
        "structure_id": structure.id,
        "nom": f"{rng.choice(CATEGORIES[main][1])} – {_where(rng, place)}",
        "description": description(rng, main),
        "date_maj": _date(rng).isoformat(),
        "type": type_,
        "thematiques": thematiques(rng, main, slugs),
        "frais": frais,
        "frais_precisions": "Participation de 2 € par séance." if frais == "payant" else None,
        "publics": _publics(rng),
        "publics_precisions": rng.choice(PUBLICS_PRECISIONS) if rng.random() < 0.15 else None,
        "conditions_acces": (
            " ".join(rng.sample(CONDITIONS, rng.randint(1, 2))) if rng.random() < 0.55 else None
        ),
        **(place.fields() if place else NO_PLACE),
        "telephone": _phone(rng),
        "courriel": f"accueil-{n}@exemple.org",
        "modes_accueil": modes,
        "zone_eligibilite": zone(rng, place),
        **_mobilisation(rng, n),
        **_duration(rng, type_),
        "horaires_accueil": rng.choice(HOURS),
        **_levels(rng),
        "statuts_sejour": statuses,
        **_ages(rng),
        "rqth_requise": rng.random() < 0.04,
        "langues_parlees": languages,
        "statut_publication": _pick(rng, STATUTS_PUBLICATION),
        "verifie_le": verified.isoformat() if verified else None,
        "frequence_maj": rng.choice(FREQUENCES),
    }


# -- the file ----------------------------------------------------------------------------


def thematique_slugs() -> dict[str, list[str]]:
    """Catégorie -> its sub-thématiques, from the data·inclusion schema."""
    slugs: dict[str, list[str]] = {}
    for member in v1.Thematique:
        slugs.setdefault(member.value.split("--", 1)[0], []).append(member.value)
    return slugs


def generate(service_count: int, seed: int) -> tuple[list[dict], Iterator[dict]]:
    """The structures, and the services as they are made (one at a time)."""
    rng = random.Random(seed)
    count = structure_count(service_count)
    structures = [make_structure(rng, n) for n in range(count)]
    infos = [structure_info(record) for record in structures]
    weights = structure_weights(rng, count)
    slugs = thematique_slugs()

    def services() -> Iterator[dict]:
        for n in range(service_count):
            structure = rng.choices(infos, cum_weights=weights)[0]
            yield make_service(rng, n, structure, slugs)

    return structures, services()


def _write_list(out: TextIO, records: Iterable[dict]) -> None:
    for n, record in enumerate(records):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(record, ensure_ascii=False))


def write_dataset(path: Path, service_count: int, seed: int) -> None:
    """Write the file record by record, then move it into place (never half-written)."""
    structures, services = generate(service_count, seed)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write('{"structures": [')
        _write_list(out, structures)
        out.write('\n],\n"services": [')
        _write_list(out, services)
        out.write("\n]}\n")
    partial.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    write_dataset(args.output, args.services, args.seed)


if __name__ == "__main__":
    main()
