"""The dashboard's search and filters on structures, and its figures (issue 10): a GET form
that can be bookmarked, names matched whatever their case and accents, each account seeing
only what it maintains, and refused values told in French."""

from datetime import date

import pytest

from directory.extensions import db
from directory.models import Membership, Structure
from directory.services import accounts
from tests.factories import service, structure

from .admin_sample import PASSWORD
from .pages import form_values, page_of, sign_in

TODAY = date.today().isoformat()
LONG_AGO = "2020-01-01"  # any update frequency has run out since
ADMIN, PARTNER, READER = "coordination@paris.example", "partenaire@caf.example", "lecteur@x.example"

STRUCTURES = [
    structure("caisse", nom="Caisse d'allocations familiales", verifie_le=TODAY),
    structure("cidj", nom="CIDJ", signataire=True, date_maj=LONG_AGO),  # due itself
    structure("ecole", nom="École de la deuxième chance", verifie_le=TODAY),
    structure("emmaus", nom="Emmaüs Solidarité", verifie_le=TODAY),  # awaits approval
]
SERVICES = [
    service("caisse-1", "caisse", verifie_le=TODAY),
    service("caisse-2", "caisse", verifie_le=TODAY, statut_publication="brouillon"),
    service("cidj-1", "cidj", verifie_le=TODAY),
    service("ecole-1", "ecole", date_maj=LONG_AGO),  # due: its structure is to be checked
    service("ecole-2", "ecole", date_maj=LONG_AGO, statut_publication="archive"),  # not due
]
# The partner admin maintains the Caisse and the École, not the CIDJ nor Emmaüs.
ACCOUNTS = {ADMIN: ("admin", []), PARTNER: ("editor", ["caisse", "ecole"]), READER: ("reader", [])}


@pytest.fixture
def client_of(app, load):
    load(STRUCTURES, SERVICES)
    with app.app_context():
        db.session.get(Structure, "emmaus").approuvee = False
        for email, (role, structure_ids) in ACCOUNTS.items():
            user = accounts.create_user(email, PASSWORD, role)
            db.session.add_all(Membership(user_id=user.id, structure_id=s) for s in structure_ids)
        db.session.commit()

    def client_of(email: str):
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    return client_of


def listed(page) -> list[str]:
    table = page.find_all("div", class_="structures-table")
    return [row.find("a").text for row in table[0].find_all("tr")[1:]] if table else []


def count_line(page) -> str:
    """The count over the table; "0 structure(s)" as the catalogue's plural rule has it."""
    return page.find("p", class_="structures-count").text.replace("0 structures", "0 structure")


def figures(page) -> dict[str, int]:
    tiles = page.find("dl", class_="dashboard-figures").find_all("div", class_="dashboard-figure")
    return {tile.find("dt").text: int(tile.find("dd").text) for tile in tiles}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Caisse d'allocations familiales", "CIDJ", "École de la deuxième chance",
              "Emmaüs Solidarité"]),
        ("nom=ecole", ["École de la deuxième chance"]),
        ("nom=EMMAUS", ["Emmaüs Solidarité"]),
        ("nom=caisse+allocations", ["Caisse d'allocations familiales"]),
        ("nom=d’allocations", ["Caisse d'allocations familiales"]),  # a typographic apostrophe
        ("signataire=true", ["CIDJ"]),
        ("signataire=false", ["Caisse d'allocations familiales", "École de la deuxième chance",
                              "Emmaüs Solidarité"]),
        ("a_verifier=true", ["CIDJ", "École de la deuxième chance"]),
        ("moderation=en-attente", ["Emmaüs Solidarité"]),
        ("moderation=approuvee", ["Caisse d'allocations familiales", "CIDJ",
                                  "École de la deuxième chance"]),
        ("a_verifier=true&signataire=false", ["École de la deuxième chance"]),
        ("nom=&signataire=&moderation=", ["Caisse d'allocations familiales", "CIDJ",
                                          "École de la deuxième chance", "Emmaüs Solidarité"]),
    ],
)  # fmt: skip
def test_the_coordination_filters_structures(client_of, query, expected):
    page = page_of(client_of(ADMIN).get(f"/admin/?{query}"))
    assert listed(page) == expected
    filtered = any(value for _name, _eq, value in (p.partition("=") for p in query.split("&")))
    total = f"{len(expected)} structures" if len(expected) > 1 else f"{len(expected)} structure"
    assert count_line(page) == (f"{total} sur 4" if filtered else total)


def test_no_match_says_so_and_offers_to_clear_the_filters(client_of):
    page = page_of(client_of(ADMIN).get("/admin/?nom=zzz&a_verifier=true"))
    assert listed(page) == []
    assert count_line(page) == "0 structure sur 4"
    empty = page.find("p", class_="structures-empty")
    assert "Aucune structure ne correspond à ces critères." in empty.text
    assert empty.find("a", text="Effacer les filtres").get("href") == "/admin/"


def test_the_form_shows_the_filters_of_a_bookmarked_address_and_sends_them_again(client_of):
    client = client_of(ADMIN)
    query = "nom=%C3%A9cole&signataire=false&a_verifier=true&moderation=approuvee"
    page = page_of(client.get(f"/admin/?{query}"))
    form = page.find("form", class_="structure-filters")
    assert form.get("method") == "get" and form.get("action") == "/admin/"
    values = form_values(form)
    assert values == {
        "nom": ["école"],
        "signataire": ["false"],
        "moderation": ["approuvee"],
        "a_verifier": ["true"],
    }
    again = page_of(client.get("/admin/", query_string=values))
    assert listed(again) == listed(page) == ["École de la deuxième chance"]
    assert page.label_of("filtre-nom").text.startswith("Nom de la structure")
    assert page.label_of("filtre-a-verifier").text.startswith("À vérifier")


def test_the_figures_count_what_the_coordination_maintains(client_of):
    page = page_of(client_of(ADMIN).get("/admin/?signataire=true"))  # filters change no figure
    assert figures(page) == {
        "Structures": 4,
        "Services publiés": 3,
        "Services en brouillon": 1,
        "Services archivés": 1,
        "Fiches à vérifier": 2,  # the CIDJ, and the École's published service
    }


def test_a_partner_admin_sees_and_counts_only_its_own_structures(client_of):
    partner = client_of(PARTNER)
    page = page_of(partner.get("/admin/"))
    assert listed(page) == ["Caisse d'allocations familiales", "École de la deuxième chance"]
    assert count_line(page) == "2 structures"
    assert figures(page) == {
        "Structures": 2,
        "Services publiés": 2,
        "Services en brouillon": 1,
        "Services archivés": 1,
        "Fiches à vérifier": 1,
    }
    # Another partner's structure is not found, whatever the filter.
    for query in ("nom=cidj", "signataire=true", "moderation=en-attente"):
        page = page_of(partner.get(f"/admin/?{query}"))
        assert listed(page) == [] and count_line(page) == "0 structure sur 2"
    page = page_of(partner.get("/admin/?a_verifier=true"))
    assert listed(page) == ["École de la deuxième chance"]
    assert count_line(page) == "1 structure sur 2"


def test_the_services_column_counts_each_structures_services(client_of):
    page = page_of(client_of(ADMIN).get("/admin/"))
    rows = page.find("div", class_="structures-table").find_all("tr")[1:]
    counts = {row.find("a").text: row.find_all("td")[2].text for row in rows}
    assert counts == {
        "Caisse d'allocations familiales": "2",
        "CIDJ": "1",
        "École de la deuxième chance": "2",
        "Emmaüs Solidarité": "0",
    }


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("moderation=peut-etre", ["Modération : Valeur inconnue : « peut-etre »."]),
        ("signataire=bof", ["Signataire : Valeur booléenne attendue (true ou false)."]),
        ("a_verifier=bof", ["À vérifier : Valeur booléenne attendue (true ou false)."]),
        ("nom=" + "x" * 151, ["Nom de la structure : Entre 0 et 150 caractères attendus."]),
        ("nom=a&nom=b", ["Nom de la structure : Ce paramètre ne peut être donné qu'une fois."]),
        (
            "signataire=bof&moderation=x",
            [
                "Signataire : Valeur booléenne attendue (true ou false).",
                "Modération : Valeur inconnue : « x ».",
            ],
        ),
    ],
)
def test_refused_filter_values_are_told_in_french(client_of, query, messages):
    page = page_of(client_of(ADMIN).get(f"/admin/?{query}"), 400)
    alert = page.find("div", class_="fr-alert--error")
    assert sorted(item.text for item in alert.find_all("li")) == sorted(messages)
    assert listed(page) == []
    assert figures(page)["Structures"] == 4  # the rest of the page is still there
    name = query.split("=")[0]
    field = page.find(id=f"filtre-{name.replace('_', '-')}")
    assert field.get("aria-describedby") == f"filtre-{name.replace('_', '-')}-erreur"


def test_the_language_parameter_is_no_filter(client_of):
    page = page_of(client_of(ADMIN).get("/admin/?lang=fr&nom=cidj"))
    assert listed(page) == ["CIDJ"]


def test_an_account_without_structures_gets_neither_figures_nor_filters(client_of):
    page = page_of(client_of(READER).get("/admin/"))
    assert not page.find_all("dl", class_="dashboard-figures")
    assert not page.find_all("form", class_="structure-filters")
