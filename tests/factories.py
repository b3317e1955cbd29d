"""Records in the data·inclusion import format, with sensible defaults."""

from datetime import date


def structure(id="asso", **fields) -> dict:
    return {
        "source": "tests",
        "id": id,
        "nom": f"Structure {id}",
        "date_maj": "2026-03-01",
        "commune": "Paris",
        "code_postal": "75011",
        "code_insee": "75111",
        "adresse": "48 rue de la Roquette",
        "signataire": False,
        **fields,
    }


def service(id="svc", structure_id="asso", **fields) -> dict:
    return {
        "source": "tests",
        "id": id,
        "structure_id": structure_id,
        "nom": f"Service {id}",
        "description": "Un service d'accompagnement pour les personnes primo-arrivantes.",
        "date_maj": date(2026, 3, 1).isoformat(),
        "modes_accueil": ["en-presentiel"],
        **fields,
    }
