"""Two partner structures, their services, and the accounts that maintain them."""

from tests.factories import service, structure

PASSWORD = "un mot de passe solide"
FLE = "lecture-ecriture-calcul--maitriser-le-francais"
EMPLOI = "trouver-un-emploi--repondre-a-des-offres-demploi"

STRUCTURES = [
    structure("asso-a", nom="Association A", description="Une association du 11e."),
    structure(
        "asso-b",
        nom="Association B",
        signataire=True,
        code_postal="75018",
        code_insee="75118",
        adresse="5 rue Myrha",
    ),
]

SERVICES = [
    service(
        "fle-a",
        structure_id="asso-a",
        nom="Cours de français du soir",
        description="Des cours de français langue étrangère le soir, en petits groupes.",
        thematiques=[FLE],
        horaires_accueil="Mo-Fr 18:00-20:00",
        langues_parlees=["ar"],
        zone_eligibilite=["75056"],
    ),
    service(
        "emploi-a",
        structure_id="asso-a",
        nom="Atelier recherche d'emploi",
        description="Un atelier hebdomadaire pour répondre à des offres d'emploi.",
        thematiques=[EMPLOI],
    ),
    service(
        "emploi-b",
        structure_id="asso-b",
        nom="Accompagnement emploi B",
        description="Un accompagnement individuel vers l'emploi dans le 18e.",
        thematiques=[EMPLOI],
    ),
]

# email -> (role, structures it maintains)
ACCOUNTS = {
    "coordination@paris.example": ("admin", []),
    "editrice-a@asso-a.example": ("editor", ["asso-a"]),
    "editeur-a2@asso-a.example": ("editor", ["asso-a"]),
    "editrice-b@asso-b.example": ("editor", ["asso-b"]),
    "lecteur@ofii.example": ("reader", []),
}
ADMIN = "coordination@paris.example"
EDITOR_A = "editrice-a@asso-a.example"
EDITOR_A2 = "editeur-a2@asso-a.example"
EDITOR_B = "editrice-b@asso-b.example"
READER = "lecteur@ofii.example"
