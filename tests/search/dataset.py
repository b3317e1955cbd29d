"""A random but reproducible directory the project has never seen, for search tests."""

import random
from datetime import date, timedelta

from directory import referentials as ref

LANGUAGES = ["en", "ar", "prs", "ps", "ti", "es", "uk", "ru"]
COMMUNES = ["75056", "93066", None]
ZONES = [
    None,
    ["75056"],
    ["75"],
    ["11"],
    ["france"],
    ["75111"],
    ["75118", "75119", "75120"],
    ["75101", "75104"],
    ["93066"],
]
NAMES = [
    "Accueil",
    "Atelier",
    "Cours",
    "Permanence",
    "Espace",
    "Écoute",
    "Aide",
    "Club",
    "éveil",
    "Halte",
    "Orientation",
    "Bureau",
]


def _maybe(rng: random.Random, value, probability=0.5):
    return value if rng.random() < probability else None


def _levels(rng: random.Random):
    levels = list(ref.NIVEAUX_FRANCAIS)
    low, high = sorted(rng.sample(range(len(levels)), 2))
    return _maybe(rng, levels[low], 0.6), _maybe(rng, levels[high], 0.6)


def _ages(rng: random.Random):
    low, high = rng.choice([(None, None), (16, 25), (18, None), (None, 25), (26, 64), (50, None)])
    return low, high


def make_structures(rng: random.Random, count: int) -> list[dict]:
    structures = []
    for n in range(count):
        structures.append(
            {
                "source": "aleatoire",
                "id": f"structure-{n}",
                "nom": f"Structure {rng.choice(NAMES)} {n}",
                "date_maj": "2026-01-15",
                "signataire": n % 3 == 0,
                "statut_publication": "brouillon" if n == count - 1 else "publie",
            }
        )
    return structures


def make_service(rng: random.Random, n: int, structures: list[dict]) -> dict:
    arrondissement = rng.randint(1, 20)
    modes = rng.choice([["en-presentiel"], ["a-distance"], ["en-presentiel", "a-distance"], None])
    located = modes != ["a-distance"] and rng.random() < 0.85
    niveau_min, niveau_max = _levels(rng)
    age_min, age_max = _ages(rng)
    publics = rng.choice(
        [None, ["tous-publics"], rng.sample(sorted(set(ref.PUBLICS) - {"tous-publics"}), 2)]
    )
    return {
        "source": "aleatoire",
        "id": f"service-{n:03d}",
        "structure_id": rng.choice(structures)["id"],
        "nom": f"{rng.choice(NAMES)} {rng.choice(['du', 'de la', 'des'])} quartier {n}",
        "description": "Service de test généré pour vérifier la recherche.",
        "date_maj": (date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))).isoformat(),
        "type": _maybe(rng, rng.choice(list(ref.TYPES)), 0.8),
        "thematiques": _maybe(rng, rng.sample(list(ref.THEMATIQUES), rng.randint(1, 3)), 0.9),
        "frais": _maybe(rng, rng.choice(list(ref.FRAIS)), 0.8),
        "publics": publics,
        "modes_accueil": modes,
        "zone_eligibilite": rng.choice(ZONES),
        # Mostly in its arrondissement; sometimes Paris as a whole, Saint-Denis, or no address
        # (what a zone left empty means depends on it).
        "code_insee": rng.choice([ref.ARRONDISSEMENTS_INSEE[arrondissement]] * 6 + COMMUNES),
        "latitude": round(rng.uniform(48.82, 48.90), 5) if located else None,
        "longitude": round(rng.uniform(2.25, 2.42), 5) if located else None,
        "niveau_francais_min": niveau_min,
        "niveau_francais_max": niveau_max,
        "statuts_sejour": rng.sample(list(ref.STATUTS_SEJOUR), rng.choice([0, 0, 1, 2, 3])),
        "age_min": age_min,
        "age_max": age_max,
        "rqth_requise": rng.random() < 0.15,
        "langues_parlees": rng.sample(LANGUAGES, rng.choice([0, 1, 2])),
        "statut_publication": rng.choice(["publie"] * 8 + ["brouillon", "archive"]),
    }


def make_dataset(seed: int, structure_count=7, service_count=90):
    rng = random.Random(seed)
    structures = make_structures(rng, structure_count)
    services = [make_service(rng, n, structures) for n in range(service_count)]
    return structures, services
