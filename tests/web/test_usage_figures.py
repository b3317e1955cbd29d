"""The figures of use: real searches and orientation pages recorded (filters kept, never the
text, the address nor the profile), counted as the requests made here say, on the page, as
CSV and by `directory stats usage`; the sections and CSVs for accounts only."""

import csv
import io
import logging
from collections import Counter
from datetime import date, datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from directory.extensions import db
from directory.models import Membership, UsageEvent
from directory.services import accounts, usage_figures
from directory.services.figures import DateRange
from tests.admin.pages import sign_in
from tests.services import test_figures, test_referral_figures
from tests.web.html_page import parse

PASSWORD = "un mot de passe solide"
WORD = "zorglubimus"  # in no record: a search for it finds nothing
ADDRESS = "30 rue de Tanger 75019"
# (query string, the filters its event keeps); None: no event.
SEARCHES = [
    (
        "thematiques=famille&arrondissement=19",
        {"thematiques": ["famille"], "arrondissement": ["19"]},
    ),
    (
        "arrondissement=19&thematiques=famille",
        {"thematiques": ["famille"], "arrondissement": ["19"]},
    ),
    ("thematiques=famille&arrondissement=19&page=2", None),  # paging the same search
    (f"q={WORD}", {"texte": ["oui"]}),
    (f"q={WORD}&adresse={ADDRESS}&rayon_km=2", {"texte": ["oui"]}),
    ("statut=apatride&age=47&rqth=true&thematiques=sante", {"thematiques": ["sante"]}),
    ("thematiques=sante", {"thematiques": ["sante"]}),
    (
        "langues=ar&niveau=A1&structure=asso&frais=gratuit",
        {"langues": ["ar"], "niveau": ["A1"], "structure": ["asso"], "frais": ["gratuit"]},
    ),
    ("", None),  # the empty form
    ("q=&thematiques=", None),
    ("thematiques=inconnue", None),  # refused (400)
]
PROFILE = (
    f"age=47&statut=apatride&premier_titre=2023&niveau=B2&langues=ti&rqth=true&adresse={ADDRESS}"
)
ORIENTATIONS = [
    (f"{PROFILE}&freins=sante&freins=famille", ["sante", "famille"]),
    ("arrondissement=19&freins=famille", ["famille"]),
    ("arrondissement=19&freins=famille--garde-denfants", ["famille--garde-denfants"]),
    ("", None),  # the empty form
    ("age=-1&freins=famille", None),  # refused
]
ROLES = ("reader", "orienteur", "editor", "admin")
TABLES = ("recherches", "filtres", "recherches-sans-resultat", "orientations-par-frein")


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


@pytest.fixture
def site(app, load, ban):
    """The coverage's directory and the referrals' (with their distinctive first names), an
    account of each role."""
    load(
        [*test_figures.STRUCTURES, *test_referral_figures.STRUCTURES],
        [*test_figures.SERVICES, *test_referral_figures.SERVICES],
    )
    test_referral_figures._insert(app)
    with app.app_context():
        for role in ROLES:
            user = accounts.create_user(f"{role}@ofii.fr", PASSWORD, role)
            if role in ("orienteur", "editor"):
                db.session.add(Membership(user_id=user.id, structure_id="asso"))
        db.session.commit()
    return app


def _signed_in(app, role: str):
    client = app.test_client()
    assert sign_in(client, f"{role}@ofii.fr", PASSWORD).status_code == 302
    return client


def _use_the_site(app) -> list[tuple[dict, int]]:
    """Make SEARCHES and ORIENTATIONS; the events expected: (filters, total) of each search
    (its total as the search API counts it), then ({"freins": …}, None) of each page."""
    client = app.test_client()
    expected = []
    for query, kept in SEARCHES:
        response = client.get(f"/?{query}")
        assert response.status_code == (400 if "inconnue" in query else 200), query
        if kept is not None:
            api = dict(parse_qsl(query))
            search = client.get("/api/v1/search/services", query_string=api)
            total = 0 if "q" in api else search.json["total"]
            expected.append((kept, total))
    assert client.get("/api/v1/search/services?thematiques=famille").status_code == 200
    for query, freins in ORIENTATIONS:
        response = client.get(f"/orientation?{query}")
        assert response.status_code == (200 if "-1" not in query else 400), query
        if freins is not None:
            expected.append(({"freins": freins}, None))
    return expected


def _events(app) -> list[tuple[dict, int | None]]:
    with app.app_context():
        return [
            (e.filters, e.results)
            for e in db.session.scalars(select(UsageEvent).order_by(UsageEvent.id))
        ]


def test_each_search_and_orientation_page_is_one_event_with_its_kept_filters(site):
    expected = _use_the_site(site)
    assert _events(site) == expected
    with site.app_context():
        days = set(db.session.scalars(select(UsageEvent.day)))
        kinds = Counter(db.session.scalars(select(UsageEvent.kind)))
    assert days == {today()}
    assert kinds == {"recherche": 7, "orientation": 3}


def test_neither_the_text_nor_the_address_nor_the_profile_is_stored(site, tmp_path, request):
    _use_the_site(site)
    with site.app_context(), db.engine.connect() as connection:
        rows = repr(connection.execute(UsageEvent.__table__.select()).all())
    for marker in (
        WORD,
        "Tanger",
        "apatride",
        "47",
        "2023",
        "lat",
        "lon",
        "adresse",
        "age",
        "statut",
        "rqth",
        "ti'",
    ):
        assert marker not in rows, marker
    if request.config.getoption("--db") == "sqlite":
        stored = b"".join(path.read_bytes() for path in tmp_path.rglob("*.sqlite3*"))
        assert WORD.encode() not in stored


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


def expected_tables(events: list[tuple[dict, int | None]]) -> dict[str, list[list[str]]]:
    """The four tables of use (as CSV rows, with their totals) from the events expected."""
    searches = [(filters, total) for filters, total in events if "freins" not in filters]
    pages = [filters["freins"] for filters, total in events if "freins" in filters]
    per_value = Counter(
        (field, value)
        for filters, _t in searches
        for field, values in filters.items()
        for value in values
    )
    nothing = Counter(
        tuple(sorted((f, v) for f, vs in filters.items() for v in vs))
        for filters, total in searches
        if total == 0
    )
    barriers = Counter(frein for freins in pages for frein in freins)
    return {
        "recherches": [
            [today().isoformat(), str(len(searches)), str(sum(t == 0 for _f, t in searches))]
        ],
        "filtres": sorted([field, value, str(n)] for (field, value), n in per_value.items()),
        "recherches-sans-resultat": sorted([str(n), sorted(pairs)] for pairs, n in nothing.items()),
        "orientations-par-frein": [
            *sorted([frein, str(n)] for frein, n in barriers.items()),
            ["total", str(len(pages))],
        ],
    }


def _comparable(table: str, rows: list[list[str]]) -> list:
    """The CSV rows without their labels, in an order of their own."""
    if table == "filtres":
        return sorted([field, value, n] for field, value, _label, n in rows)
    if table == "recherches-sans-resultat":
        return sorted([n, sorted(parse_qsl(query))] for n, query, _labels in rows)
    if table == "orientations-par-frein":
        return [*sorted([frein, n] for frein, _label, n in rows[:-1]), [rows[-1][0], rows[-1][2]]]
    return rows


def test_the_figures_count_the_searches_made(site):
    events = _use_the_site(site)
    expected = expected_tables(events)
    client = _signed_in(site, "reader")
    runner = site.test_cli_runner()
    for table in TABLES:
        response = client.get(f"/statistiques/{table}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", table
        body = response.get_data(as_text=True)
        assert _comparable(table, _csv_rows(body)) == expected[table], table
        printed = runner.invoke(args=["stats", "usage", "--table", table, "--csv"])
        assert printed.exit_code == 0 and printed.output == body, printed.output
    everything = runner.invoke(args=["stats", "usage"]).output
    assert [line for line in everything.splitlines() if line.startswith("# ")] == [
        f"# {t}" for t in TABLES
    ]


def _table(page, caption: str):
    return next(t for t in page.find_all("table") if t.find("caption").text == caption)


def _body_rows(table) -> list[list[str]]:
    rows = table.find("tbody").find_all("tr")
    return [
        [cell.text for cell in tr.children if getattr(cell, "tag", "") in ("th", "td")]
        for tr in rows
    ]


def test_the_page_labels_the_figures_of_use(site):
    events = _use_the_site(site)
    page = parse(_signed_in(site, "reader").get("/statistiques").data)
    filters = _table(page, "Recherches par valeur de filtre")
    rows = _body_rows(filters)
    assert ["Thématiques", "Famille", "2"] in rows and ["Texte libre", "oui", "2"] in rows
    assert ["Structures", "Association Alpha", "1"] in rows
    assert filters.find("span", text="Association Alpha").get("lang") == "fr"
    first = _body_rows(_table(page, "Recherches sans résultat, par filtres"))[0]
    assert first in (["Texte libre : oui", "2"], ["Thématiques : Santé", "2"])
    pages = _table(page, "Pages d'orientation ouvertes, par frein")
    assert pages.find("tfoot").find("td").text == str(sum("freins" in f for f, _t in events))
    assert ["Famille", "2"] in _body_rows(pages)
    for table in page.find_all("table"):
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))


def test_the_range_counts_the_days_within_it(site):
    with site.app_context():
        for day, results in (
            (date(2026, 1, 10), 0),
            (date(2026, 2, 1), 3),
            (date(2026, 2, 2), 0),
            (date(2025, 12, 31), 0),
        ):
            db.session.add(
                UsageEvent(
                    day=day, kind="recherche", filters={"thematiques": ["sante"]}, results=results
                )
            )
        db.session.add(
            UsageEvent(day=date(2026, 1, 11), kind="orientation", filters={"freins": ["sante"]})
        )
        db.session.commit()
        period = DateRange(date(2026, 1, 1), date(2026, 2, 1))
        days = [
            (row.day, row.searches, row.without_result)
            for row in usage_figures.searches_per_day(period)
        ]
        barriers, pages = usage_figures.orientations_per_barrier(period)
    assert days == [(date(2026, 1, 10), 1, 1), (date(2026, 2, 1), 1, 0)]
    assert [(row.frein, row.pages) for row in barriers] == [("sante", 1)] and pages == 1
    client = _signed_in(site, "orienteur")
    body = client.get("/statistiques/recherches.csv?du=2026-01-01&au=2026-02-01").get_data(
        as_text=True
    )
    assert _csv_rows(body) == [["2026-01-10", "1", "1"], ["2026-02-01", "1", "0"]]
    page = parse(client.get("/statistiques?du=2026-01-01&au=2026-02-01").data)
    assert page.find(id="statistiques-du").get("value") == "2026-01-01"
    links = [a.get("href") for a in page.find_all("a", class_="fr-link--download")]
    assert "/statistiques/recherches.csv?du=2026-01-01&au=2026-02-01" in links


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("du=2026-13-01", "Du : Date attendue au format AAAA-MM-JJ."),
        ("du=2026-03-01&au=2026-02-01", "Au : La date de fin précède la date de début."),
        ("au=hier", "Au : Date attendue au format AAAA-MM-JJ."),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(site, query, problem):
    client = _signed_in(site, "editor")
    response = client.get(f"/statistiques?{query}")
    assert response.status_code == 400
    problems = [li.text for li in parse(response.data).find(id="erreurs-periode").find_all("li")]
    assert problems == [problem]
    for table in (*TABLES, "orientations"):
        answer = client.get(f"/statistiques/{table}.csv?{query}")
        assert answer.status_code == 400 and problem in answer.get_data(as_text=True)
    grouping = client.get("/statistiques/orientations.csv?par=semaine")
    assert grouping.status_code == 400 and "Regroupement" in grouping.get_data(as_text=True)


def test_anonymous_visitors_get_neither_the_sections_nor_the_csv(site):
    client = site.test_client()
    page = parse(client.get("/statistiques").data)
    assert not page.find_all(id="titre-utilisation") and not page.find_all(id="titre-orientations")
    assert page.find_all(id="titre-couverture")
    for table in (*TABLES, "orientations"):
        assert client.get(f"/statistiques/{table}.csv").status_code == 401, table


@pytest.mark.parametrize("role", ROLES)
def test_every_account_gets_them_and_never_a_persons_data(site, role):
    _use_the_site(site)
    client = _signed_in(site, role)
    page = client.get("/statistiques?du=2025-12-01&au=2026-06-30")
    assert page.status_code == 200
    answers = [page.get_data(as_text=True)]
    parsed = parse(page.data)
    assert parsed.find_all(id="titre-utilisation")
    section = parsed.find("section", aria_labelledby="titre-orientations")
    captions = [caption.text for caption in section.find_all("caption")]
    assert captions == [
        "Par structure qui oriente",
        "Par structure qui accueille",
        "Par frein",
        "Par mois",
    ]
    for table in TABLES:
        answers.append(client.get(f"/statistiques/{table}.csv").get_data(as_text=True))
    for par in ("structure-envoi", "structure-accueil", "frein", "mois"):
        answer = client.get(f"/statistiques/orientations.csv?du=2025-12-01&au=2026-06-30&par={par}")
        assert answer.status_code == 200
        answers.append(answer.get_data(as_text=True))
    assert "total,,62," in answers[-1]  # every referral, none of their first names
    for answer in answers:
        assert "zenobie" not in answer.casefold() and "horsdelaperiode" not in answer.casefold()


def test_a_failed_write_is_logged_and_the_page_served(site, caplog):
    with site.app_context():
        db.session.execute(text("DROP TABLE usage_events"))
        db.session.commit()
    caplog.set_level(logging.ERROR)
    client = site.test_client()
    assert client.get("/?thematiques=famille").status_code == 200
    assert client.get("/orientation?arrondissement=19&freins=famille").status_code == 200
    assert [r.message for r in caplog.records].count("usage event not recorded") == 2
