"""Every page in every language of the interface: its `lang` and `dir`, and no fixed text
left in French (what stays French is what partners wrote, marked `lang="fr"`, and proper
names and codes); the language chosen by `?lang=`, remembered, else Accept-Language."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from directory import i18n
from directory.extensions import db
from directory.models import Membership
from directory.services import accounts
from tests.admin.admin_sample import PASSWORD
from tests.admin.pages import sign_in
from tests.web.html_page import Element, parse

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "directory" / "translations"
LANGUAGES = ("fr", "en", "ar", "prs", "ps", "ti", "ru", "uk", "bn")
RIGHT_TO_LEFT = {"ar", "prs", "ps"}

ADMIN = "coordination@paris.example"
PUBLIC_PAGES = {
    "search": "/?q=cours&thematiques=lecture-ecriture-calcul",
    "service": "/services/fle-debutants",
    "structure": "/structures/langues-avenir",
    "signatories": "/signataires",
    "signatory": "/signataires/france-travail-paris",
    "orientation": "/orientation?age=28&statut=refugie&premier_titre=2024&niveau=A1"
    "&freins=lecture-ecriture-calcul&arrondissement=11",
    "sheet": "/fiche?services=fle-debutants&services=atelier-cv&age=28&arrondissement=18",
    "basket": "/panier",
    "not found": "/services/n-existe-pas",
    "login": "/admin/connexion",
}
ADMIN_PAGES = {
    "dashboard": "/admin/",
    "structure editor": "/admin/structures/langues-avenir/modifier",
    "service editor": "/admin/services/fle-debutants",
    "statistics": "/statistiques",
}
# What reads the same in every language: proper names, codes, distances.
SAME_EVERYWHERE = re.compile(
    r"^(?:[\d\s.,:;·/()+–—-]*|[A-Z]\d(?:\.\d)?|[\w.+-]+@[\w.-]+|https?://\S+|\d+ km"
    r"|OFII|RQTH|SPE|FLE|CV|EPEC|CIDJ|QR|PDF|JSON|CSV|OSM|API|BAN|SIRET"
    r"|France Travail|France Travail Paris|Mission Locale de Paris|Cap emploi 75"
    r"|Ville de Paris|France Terre d'Asile|Préfecture|data·inclusion|Paris|France"
    r"|République|Française|Liberté|Égalité|Fraternité)$"
)

# Words English spells as French does.
SAME_IN_ENGLISH = re.compile(
    r"^(?:\d+ (?:services?|structures?)|Action|Addictions|Arrondissement|Contact|Description"
    r"|Information|Latitude|Longitude|Menu|Services?|Structures?|Total)$"
)


@pytest.fixture(scope="module")
def clients(tmp_path_factory, request):
    """A French page and the same in each language, for every page type, signed in where
    the page asks for it."""
    from tests.conftest import import_records, make_app
    from tests.web.web_sample import SERVICES, STRUCTURES

    folder = tmp_path_factory.mktemp("languages")
    app = make_app(folder / "directory.sqlite3", "embedded", request)
    import_records(app, folder, STRUCTURES, SERVICES)
    with app.app_context():
        user = accounts.create_user(ADMIN, PASSWORD, "admin")
        db.session.add(Membership(user_id=user.id, structure_id="langues-avenir"))
        db.session.commit()
    public, admin = app.test_client(), app.test_client()
    assert sign_in(admin, ADMIN).status_code == 302
    return public, admin


def page(clients, kind: str, lang: str) -> Element:
    public, admin = clients
    client, path = (
        (admin, ADMIN_PAGES[kind]) if kind in ADMIN_PAGES else (public, PUBLIC_PAGES[kind])
    )
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}lang={lang}")
    assert response.status_code == (404 if kind == "not found" else 200), kind
    return parse(response.data)


def _texts(element: Element, page_lang: str):
    """The fixed texts a reader sees or hears: text nodes, and the attributes read aloud or
    shown; partner texts (another `lang`) and scripts left out."""
    if element.tag in ("script", "style") or element.get("lang") not in (None, page_lang):
        return
    for name in ("title", "aria-label", "placeholder", "alt"):
        if element.get(name):
            yield element.get(name)
    for child in element.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _texts(child, page_lang)


def fixed_texts(document: Element, lang: str) -> set[str]:
    texts = {" ".join(text.split()) for text in _texts(document, lang)}
    return {text for text in texts if re.search(r"[^\W\d_]{2}", text)}


def html_of(document: Element) -> Element:
    return next(child for child in document.children if isinstance(child, Element))


ALL_PAGES = [*PUBLIC_PAGES, *ADMIN_PAGES]


@pytest.mark.parametrize("kind", ALL_PAGES)
def test_every_page_is_in_every_language(clients, kind):
    french = fixed_texts(page(clients, kind, "fr"), "fr")
    untranslated = {}
    for lang in LANGUAGES[1:]:
        document = page(clients, kind, lang)
        html = html_of(document)
        if kind == "sheet":  # French first, her language beside it (test_fiche.py)
            assert html.get("lang") == "fr" and document.find("h1").find("span", lang=lang)
            continue
        assert html.get("lang") == lang, kind
        assert html.get("dir") == ("rtl" if lang in RIGHT_TO_LEFT else "ltr"), kind
        same = {
            text
            for text in fixed_texts(document, lang) & french
            if not SAME_EVERYWHERE.match(text)
            and not (lang == "en" and SAME_IN_ENGLISH.match(text))
        }
        if same:
            untranslated[lang] = sorted(same)
    assert not untranslated, f"{kind}: texts left in French: {untranslated}"


def test_partner_texts_keep_their_french(clients):
    document = page(clients, "service", "ar")
    title = document.find("h1")
    assert (title.get("lang"), title.get("dir")) == ("fr", "ltr")
    assert title.text == "Cours de français langue étrangère pour débutants"


def test_the_switcher_names_each_language_in_itself_and_keeps_the_page(clients):
    document = page(clients, "search", "uk")
    links = {a.get("hreflang"): a for a in document.find_all("a") if a.get("hreflang")}
    assert list(links) == list(LANGUAGES)
    assert links["ar"].text == "العربية" and links["prs"].text == "دری"
    assert links["uk"].text == "Українська" and links["uk"].get("aria-current") == "true"
    assert links["ps"].text == "پښتو" and links["ti"].text == "ትግርኛ"
    assert links["ar"].get("href") == "/?q=cours&thematiques=lecture-ecriture-calcul&lang=ar"


def test_the_language_is_remembered_else_the_browsers(clients):
    client = clients[0]
    client.get("/?lang=ti")
    assert html_of(parse(client.get("/signataires").data)).get("lang") == "ti"
    client.get("/?lang=fr")
    client.delete_cookie(i18n.COOKIE)
    for header, expected in (
        ("ru-RU,ru;q=0.9,en;q=0.5", "ru"),
        ("fa-AF", "prs"),
        ("de-DE,de;q=0.9", "fr"),
    ):
        document = parse(client.get("/signataires", headers={"Accept-Language": header}).data)
        assert html_of(document).get("lang") == expected, header


def test_the_choice_is_a_lasting_cookie_and_pages_vary_with_it(clients):
    response = clients[0].get("/signataires?lang=uk")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=uk;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert f"Max-Age={i18n.COOKIE_SECONDS}" in cookie
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    stylesheet = clients[0].get("/static/annuaire.css")
    assert "Accept-Language" not in stylesheet.vary  # assets are the same in every language
    clients[0].get("/?lang=fr")


def test_an_unknown_lang_leaves_french(clients):
    document = parse(clients[0].get("/signataires?lang=xx").data)
    assert html_of(document).get("lang") == "fr"


@pytest.mark.parametrize(
    "query,headers,label",
    [
        ("?lang=uk", {}, "Безкоштовно"),
        ("?lang=ar", {}, "مجاني"),
        ("", {"Accept-Language": "bn"}, None),
    ],
)
def test_the_referentials_answer_in_the_language_asked(client, query, headers, label):
    french = {item["value"]: item["label"] for item in client.get("/api/v1/doc/frais").json}
    answer = client.get(f"/api/v1/doc/frais{query}", headers=headers).json
    translated = {item["value"]: item["label"] for item in answer}
    assert set(translated) == set(french) == {"gratuit", "payant"}
    assert all(translated[value] != french[value] for value in french)
    if label:
        assert translated["gratuit"] == label


@pytest.mark.parametrize(
    "headers,query,expected",
    [
        ({}, "", ("Paramètres invalides.", "Nombre entier attendu.")),
        ({"Accept-Language": "en"}, "", ("Invalid parameters.", "Integer expected.")),
        ({"Accept-Language": "en"}, "&lang=uk", ("Недійсні параметри.", "Очікується ціле число.")),
    ],
)
def test_api_errors_speak_the_language_asked(client, headers, query, expected):
    answer = client.get(f"/api/v1/search/services?age=abc{query}", headers=headers)
    assert answer.status_code == 400
    assert (answer.json["message"], answer.json["errors"]["age"][0]) == expected
    assert set(answer.json["errors"]) == {"age"}  # `lang` is no parameter of the search


# -- the catalogues --------------------------------------------------------------------------


def _source_messages() -> set:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    keywords |= {"_l": None, "bi": None}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found}


def test_every_catalogue_translates_every_message_of_the_code():
    """What `pybabel extract` finds is in every catalogue, translated, never fuzzy."""
    messages = {m if isinstance(m, str) else m[0] for m in _source_messages()}
    for folder in sorted(CATALOGUES.iterdir()):
        with open(folder / "LC_MESSAGES" / "messages.po", "rb") as po:
            catalogue = read_po(po)
        entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
        missing = messages - set(entries)
        assert not missing, f"{folder.name}: not in the catalogue: {sorted(missing)[:10]}"
        empty = [m.id for m in entries.values() if not all(_forms(m.string))]
        fuzzy = [m.id for m in entries.values() if m.fuzzy]
        assert not empty and not fuzzy, f"{folder.name}: empty {empty[:5]}, fuzzy {fuzzy[:5]}"
        header = catalogue.header_comment + catalogue.last_translator
        assert "to be reviewed by a native speaker" in header.lower(), folder.name


def _forms(string) -> tuple:
    return (string,) if isinstance(string, str) else tuple(string)
