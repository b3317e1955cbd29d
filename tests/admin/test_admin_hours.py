"""Opening hours in the partner editor: the per-day grid composed into the OSM value and read
back from it, the raw value for experts, and every error in French naming what is wrong."""

from datetime import date, time

import pytest

from directory import hours
from directory.extensions import db
from directory.models import Structure
from directory.schemas.listings import ServiceSchema

from .admin_sample import EDITOR_A
from .pages import form_values, page_of, submit
from .test_admin_editing import EDIT_FLE, stored

ACCEPTANCE = "Mo-Th 09:00-12:30,13:30-17:00; Fr 09:00-12:00; PH off"
MORNING, AFTERNOON = (time(9), time(12, 30)), (time(13, 30), time(17))
NO_RANGES = [("", "")] * hours.RANGES_PER_DAY


@pytest.fixture
def french(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


def grid(**days) -> dict[str, str]:
    """The grid's inputs from {'Mo': [('09:00', '12:30'), …]}; other days left empty."""
    values = {}
    for code in hours.WEEKDAYS:
        ranges = days.get(code, [])
        for index in range(hours.RANGES_PER_DAY):
            start, end = ranges[index] if index < len(ranges) else ("", "")
            values[f"horaires_{code}_{index + 1}_debut"] = start
            values[f"horaires_{code}_{index + 1}_fin"] = end
    return values


ACCEPTANCE_GRID = grid(
    **{day: [("09:00", "12:30"), ("13:30", "17:00")] for day in ("Mo", "Tu", "We", "Th")},
    Fr=[("09:00", "12:00")],
)


class TestCompose:
    def test_days_with_the_same_ranges_share_a_rule_and_holidays_come_last(self):
        friday = ((time(9), time(12)),)
        week = hours.Week(((MORNING, AFTERNOON),) * 4 + (friday, (), ()), holidays_closed=True)
        assert hours.compose(week) == ACCEPTANCE

    def test_days_apart_and_two_days_in_a_row(self):
        tuesday_thursday = ((), (MORNING,), (), (MORNING,), (), (AFTERNOON,), (AFTERNOON,))
        assert hours.compose(hours.Week(tuesday_thursday)) == (
            "Tu,Th 09:00-12:30; Sa,Su 13:30-17:00"
        )

    def test_an_empty_grid_is_no_value(self):
        assert hours.compose(hours.Week()) == ""

    @pytest.mark.parametrize(
        "value",
        [ACCEPTANCE, "Tu,Th 14:00-16:00", "Mo-Su 08:00-20:00", "Mo 09:00-10:00; We 14:00-15:00"],
    )
    def test_a_simple_value_is_read_back_into_the_grid(self, value):
        assert hours.compose(hours.week_of(value)) == value

    def test_reading_back_follows_the_osm_rules(self):
        # A later rule replaces an earlier one for its days; "PH closed" is "PH off".
        week = hours.week_of("Mo-Fr 09:00-17:00; We off; PH closed")
        assert hours.compose(week) == "Mo,Tu,Th,Fr 09:00-17:00; PH off"
        assert hours.week_of("") == hours.Week()

    @pytest.mark.parametrize(
        "value",
        [
            "24/7",
            "Mo-Fr 22:00-02:00",  # over midnight
            "Mo 08:00-09:00,10:00-11:00,12:00-13:00",  # three ranges
            "Jan-Mar Mo 09:00-12:00",  # seasons
            "PH off; Mo 09:00-12:00",  # holidays not last: no longer closed on Mondays
            'Mo 09:00-12:00 "sur rendez-vous"',
            "Mo-Fx 09:00",  # not valid at all
        ],
    )
    def test_what_the_grid_cannot_hold_is_left_to_the_raw_value(self, value):
        assert hours.week_of(value) is None


class TestGridErrors:
    def errors(self, **days) -> list[str]:
        texts = [days.get(code, NO_RANGES) for code in hours.WEEKDAYS]
        return [error.message for error in hours.read_week(texts, False)[1]]

    def test_each_error_names_the_day_and_the_range(self, french):
        assert self.errors(
            Mo=[("09:00", ""), ("", "")],
            Tu=[("12:00", "09:00"), ("", "")],
            We=[("09:00", "12:30"), ("12:00", "17:00")],
            Th=[("9 heures", "12:00"), ("", "")],
        ) == [
            "Lundi, plage 1 : indiquez l'heure de début et l'heure de fin.",
            "Mardi, plage 1 : la fin (09:00) doit venir après le début (12:00).",
            "Mercredi, plage 2 : elle doit commencer (12:00) après la fin de la plage "
            "précédente (12:30).",
            "Jeudi, plage 1 : heure « 9 heures » illisible (format attendu : 09:00).",
        ]

    def test_times_typed_by_hand_are_understood(self, french):
        week, errors = hours.read_week([[("9h", "12h30"), ("", "")]] + [NO_RANGES] * 6, True)
        assert not errors and hours.compose(week) == "Mo 09:00-12:30; PH off"


class TestFrenchParseErrors:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (
                "Mo-Fx 09:00-12:00",
                "« Mo-Fx 09:00-12:00 » — jour inconnu « Fx » à la position 4 "
                "(jours : Mo Tu We Th Fr Sa Su)",
            ),
            (
                "Mo-Fr 9h-12h",
                "« Mo-Fr 9h-12h » — horaire illisible « 9h-12h » à la position 7 "
                "(format attendu : 09:00-12:00)",
            ),
            (
                "Mo-Fr 09:00-12:00;; Sa",
                "« Mo-Fr 09:00-12:00;; Sa » — « ; » en trop à la position 19",
            ),
            ("Mo-Fr 09:00-12:00;", "« Mo-Fr 09:00-12:00; » — valeur incomplète à la position 19"),
        ],
    )
    def test_the_message_names_the_wrong_part_and_its_position(self, french, value, message):
        assert hours.parse_error(value) == message

    def test_a_rule_not_starting_with_days(self, french):
        message = hours.parse_error("lundi 9h-12h")
        assert message.startswith(
            "« lundi 9h-12h » — début de règle inconnu « lundi » à la position 1"
        )
        assert "Failed" not in message and "expected" not in message

    def test_imports_and_the_api_share_the_message(self, french):
        errors = ServiceSchema().validate({"horaires_accueil": "Mo-Fx 09:00-12:00"}, partial=True)
        assert "jour inconnu « Fx » à la position 4" in str(errors["horaires_accueil"])

    def test_closed_on_public_holidays_is_said_in_words(self, french):
        assert hours.describe(ACCEPTANCE, today=date(2026, 3, 2)) == [
            "Du lundi au jeudi : 09:00–12:30, 13:30–17:00",
            "Vendredi : 09:00–12:00",
            "Fermé les jours fériés",
        ]


def public_hours(client, service_id: str) -> list[str]:
    page = page_of(client.get(f"/services/{service_id}"))
    return [item.text for item in page.find(class_="fr-icon-time-line").find_all("li")]


class TestHoursInTheForm:
    def test_the_stored_hours_fill_the_grid(self, signed_in):
        form = page_of(signed_in(EDITOR_A).get(EDIT_FLE)).find("form", id="formulaire-service")
        values = form_values(form)
        assert values["horaires_saisie"] == ["grille"]
        assert [values[f"horaires_{day}_1_debut"][0] for day in hours.WEEKDAYS] == (
            ["18:00"] * 5 + [""] * 2
        )
        assert values["horaires_Fr_1_fin"] == ["20:00"] and values["horaires_Mo_2_debut"] == [""]
        assert form.find("input", id="champ-horaires_Mo_1_debut").get("type") == "time"
        assert form.find(id="champ-horaires_Mo_1_debut").get("name") == "horaires_Mo_1_debut"

    def test_the_grid_is_saved_as_osm_and_shown_in_words(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        response = submit(
            client,
            EDIT_FLE,
            "formulaire-service",
            ACCEPTANCE_GRID | {"horaires_feries_fermes": "true", "horaires_accueil": "ignoré"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert stored(directory, "fle-a").horaires_accueil == ACCEPTANCE
        assert public_hours(client, "fle-a") == [
            "Du lundi au jeudi : 09:00–12:30, 13:30–17:00",
            "Vendredi : 09:00–12:00",
            "Fermé les jours fériés",
        ]
        again = form_values(page_of(client.get(EDIT_FLE)).find("form", id="formulaire-service"))
        assert again["horaires_accueil"] == [ACCEPTANCE]
        assert again["horaires_Th_2_fin"] == ["17:00"] and again["horaires_feries_fermes"]

    def test_the_raw_value_is_saved_when_free_input_is_chosen(self, directory, signed_in):
        submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            grid(Mo=[("09:00", "10:00")])
            | {"horaires_saisie": "libre", "horaires_accueil": "Jan-Jun Mo-Fr 10:00-12:00"},
        )
        assert stored(directory, "fle-a").horaires_accueil == "Jan-Jun Mo-Fr 10:00-12:00"

    def test_hours_the_grid_cannot_hold_open_in_free_input(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        submit(
            client,
            EDIT_FLE,
            "formulaire-service",
            {"horaires_saisie": "libre", "horaires_accueil": "Mo-Fr 22:00-02:00"},
        )
        page = page_of(client.get(EDIT_FLE))
        values = form_values(page.find("form", id="formulaire-service"))
        assert values["horaires_saisie"] == ["libre"]
        assert values["horaires_accueil"] == ["Mo-Fr 22:00-02:00"]
        assert "modifiez-les en saisie libre" in page.find(id="horaires-trop-detailles").text
        # Saving without touching anything keeps them as they are.
        submit(client, EDIT_FLE, "formulaire-service", {"nom": "Cours du soir et de nuit"})
        assert stored(directory, "fle-a").horaires_accueil == "Mo-Fr 22:00-02:00"

    def test_an_unchanged_grid_keeps_the_value_as_its_author_wrote_it(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        submit(
            client,
            EDIT_FLE,
            "formulaire-service",
            {"horaires_saisie": "libre", "horaires_accueil": "Mo-Fr 9:00-12:00; PH closed"},
        )
        submit(client, EDIT_FLE, "formulaire-service", {"nom": "Cours du soir, nouveau nom"})
        assert stored(directory, "fle-a").horaires_accueil == "Mo-Fr 9:00-12:00; PH closed"

    def test_grid_errors_name_the_day_and_range_and_save_nothing(self, directory, signed_in):
        response = submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            grid(Mo=[("09:00", "12:30"), ("12:00", "17:00")], Tu=[("14:00", "")]),
        )
        page = page_of(response, 400)
        monday = page.find(id="erreur-horaires_Mo_2_debut").text
        assert monday == (
            "Lundi, plage 2 : elle doit commencer (12:00) après la fin de la plage "
            "précédente (12:30)."
        )
        assert page.find(id="erreur-horaires_Tu_1_debut").text == (
            "Mardi, plage 1 : indiquez l'heure de début et l'heure de fin."
        )
        summary = page.find(id="erreurs")
        assert summary.find("a", href="#champ-horaires_Mo_2_debut").text == "Horaires par jour"
        assert page.find("input", id="champ-horaires_Tu_1_debut").get("aria-invalid") == "true"
        assert page.find("input", id="champ-horaires_Mo_2_fin").get("value") == "17:00"
        assert stored(directory, "fle-a").revision == 1

    def test_a_wrong_raw_value_answers_in_french_naming_the_part(self, directory, signed_in):
        response = submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            {"horaires_saisie": "libre", "horaires_accueil": "Mo-Fx 09:00-12:00"},
        )
        page = page_of(response, 400)
        message = page.find(id="erreur-horaires_accueil").text
        assert "« Mo-Fx 09:00-12:00 » — jour inconnu « Fx » à la position 4" in message
        assert "Failed" not in page.text and "expected" not in message
        assert stored(directory, "fle-a").horaires_accueil == "Mo-Fr 18:00-20:00"

    def test_the_preview_shows_the_grid_in_words_without_saving(self, directory, signed_in):
        response = submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            grid(Sa=[("10:00", "12:00")]),
            action="apercu",
        )
        page = page_of(response)
        assert [li.text for li in page.find(id="horaires-apercu").find_all("li")] == [
            "Samedi : 10:00–12:00"
        ]
        assert page.find("input", id="champ-horaires_accueil").get("value") == "Sa 10:00-12:00"
        assert stored(directory, "fle-a").horaires_accueil == "Mo-Fr 18:00-20:00"

    def test_the_structure_form_has_the_grid_too(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        url = "/admin/structures/asso-a/modifier"
        response = submit(client, url, "formulaire-structure", grid(We=[("14:00", "18:00")]))
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        with directory.app_context():
            assert db.session.get(Structure, "asso-a").horaires_accueil == "We 14:00-18:00"
