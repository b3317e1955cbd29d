"""The listing editor: forms with every field, validation per field, optimistic locking,
audit trail, publication, duplication, freshness."""

from datetime import date

from directory.extensions import db
from directory.models import Service, Structure

from .admin_sample import EDITOR_A, EDITOR_A2, FLE
from .pages import form_values, page_of, post_action, submit

EDIT_FLE = "/admin/services/fle-a"


def search(client, **params) -> list[str]:
    answer = client.get("/api/v1/search/services", query_string=params).get_json()
    return [item["service"]["id"] for item in answer["items"]]


def stored(app, service_id: str) -> Service:
    with app.app_context():
        service = db.session.get(Service, service_id)
        db.session.expunge(service)
        return service


class TestServiceForm:
    def test_shows_every_field_with_a_fitting_widget(self, signed_in):
        page = page_of(signed_in(EDITOR_A).get(EDIT_FLE))
        form = page.find("form", id="formulaire-service")
        values = form_values(form)
        assert values["nom"] == ["Cours de français du soir"]
        assert values["revision"] == ["1"]
        assert values["thematiques"] == [FLE]
        assert values["langues_parlees"] == ["ar"]
        assert values["zone_eligibilite"] == ["75056"]
        # Thématiques grouped by catégorie, each group a fieldset with its legend.
        group = form.find("fieldset", id="categorie-lecture-ecriture-calcul")
        assert group.find("legend").text == "Lecture, écriture et calcul"
        assert group.find("input", value=FLE).get("type") == "checkbox"
        # French levels in scale order, for both bounds.
        minimum = form.find("select", id="champ-niveau_francais_min")
        levels = [option.get("value") for option in minimum.find_all("option")]
        assert levels == ["", "alpha", "A1.1", "A1", "A2", "B1", "B2", "C1", "C2"]
        assert form.find("select", id="champ-niveau_francais_max")
        for name in ("statuts_sejour", "publics", "modes_accueil", "modes_mobilisation"):
            assert form.find("fieldset", id=f"champ-{name}").find_all("input", type="checkbox")
        assert form.find("input", id="champ-age_min").get("type") == "number"
        assert form.find("input", id="champ-age_max").get("type") == "number"
        assert form.find("input", type="checkbox", value="prs")  # dari, from langues()
        assert form.find("button", value="geolocaliser").text == "Géolocaliser"
        assert form.find("input", id="champ-latitude") and form.find("input", id="champ-longitude")
        assert form.find("input", type="hidden", name="csrf_token")
        # The hours as the public will read them.
        assert (
            page.find(id="horaires-apercu").find("li").text == "Du lundi au vendredi : 18:00–20:00"
        )

    def test_a_saved_change_is_in_the_public_search_at_once(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        assert search(client, q="couture") == []
        response = submit(
            client,
            EDIT_FLE,
            "formulaire-service",
            {"description": "Cours de français et atelier couture, le soir.", "age_min": "18"},
        )
        assert response.status_code == 302 and response.location == EDIT_FLE
        assert search(client, q="couture") == ["fle-a"]
        assert search(client, q="couture", age="17") == []
        service = stored(directory, "fle-a")
        assert service.revision == 2 and service.age_min == 18
        assert service.date_maj == date.today()
        # Fields not touched keep their values through the form round trip.
        assert service.thematiques == [FLE] and service.langues_parlees == ["ar"]
        assert service.zone_eligibilite == ["75056"]

    def test_the_audit_trail_shows_who_changed_what(self, signed_in):
        client = signed_in(EDITOR_A)
        submit(client, EDIT_FLE, "formulaire-service", {"niveau_francais_min": "A1"})
        page = page_of(client.get(EDIT_FLE))
        rows = [row.text for row in page.find(class_="audit-trail").find("tbody").find_all("tr")]
        assert any(
            EDITOR_A in row and "Niveau de français minimum" in row and "A1 (découverte)" in row
            for row in rows
        ), rows

    def test_open_lists_take_codes_without_a_box(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        changes = {
            "zone_eligibilite": ["75111", "75112"],
            "zone_eligibilite_autres": "93",
            "langues_parlees_autres": "ln bm",
        }
        assert submit(client, EDIT_FLE, "formulaire-service", changes).status_code == 302
        service = stored(directory, "fle-a")
        assert service.zone_eligibilite == ["75111", "75112", "93"]
        assert service.langues_parlees == ["ar", "ln", "bm"]
        values = form_values(page_of(client.get(EDIT_FLE)).find("form", id="formulaire-service"))
        assert values["langues_parlees_autres"] == ["bm"]  # lingala has a box, bambara not

    def test_invalid_fields_are_named_in_french_and_the_input_is_kept(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        response = submit(
            client,
            EDIT_FLE,
            "formulaire-service",
            {"courriel": "pas-une-adresse", "age_min": "douze", "nom": "Cours du soir modifié"},
        )
        page = page_of(response, 400)
        group = page.find(id="groupe-courriel")
        assert "fr-input-group--error" in group.classes
        assert group.find(class_="fr-error-text").text == "Adresse électronique invalide."
        assert page.find(id="groupe-age_min").find(class_="fr-error-text").text == (
            "Nombre entier attendu."
        )
        summary = page.find(id="erreurs")
        assert "Courriel" in summary.text and "Âge minimum" in summary.text
        assert page.find("input", id="champ-nom").get("value") == "Cours du soir modifié"
        assert stored(directory, "fle-a").revision == 1

    def test_unreadable_opening_hours_are_explained_in_french(self, signed_in):
        response = submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            {"horaires_saisie": "libre", "horaires_accueil": "lundi matin"},
        )
        page = page_of(response, 400)
        message = page.find(id="groupe-horaires_accueil").find(class_="fr-error-text").text
        assert message.startswith("Horaires au format OpenStreetMap attendus")
        assert "début de règle inconnu « lundi » à la position 1" in message

    def test_the_preview_button_puts_hours_into_words_without_saving(self, directory, signed_in):
        response = submit(
            signed_in(EDITOR_A),
            EDIT_FLE,
            "formulaire-service",
            {"horaires_saisie": "libre", "horaires_accueil": "Mo,We 09:00-12:00"},
            action="apercu",
        )
        page = page_of(response)
        assert [li.text for li in page.find(id="horaires-apercu").find_all("li")] == [
            "Lundi : 09:00–12:00",
            "Mercredi : 09:00–12:00",
        ]
        assert stored(directory, "fle-a").horaires_accueil == "Mo-Fr 18:00-20:00"
        bad = page_of(
            submit(
                signed_in(EDITOR_A),
                EDIT_FLE,
                "formulaire-service",
                {"horaires_saisie": "libre", "horaires_accueil": "Mo 25:00-26:00"},
                action="apercu",
            )
        )
        assert bad.find(id="horaires-erreur").text.startswith("Horaires illisibles")

    def test_script_in_a_description_is_shown_as_text(self, signed_in):
        client = signed_in(EDITOR_A)
        script = "<script>alert('xss')</script> Cours du soir."
        submit(client, EDIT_FLE, "formulaire-service", {"description": script})
        html = client.get(EDIT_FLE).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html


class TestConflicts:
    def test_the_second_save_on_a_stale_revision_is_refused_with_the_first_ones_changes(
        self, directory, signed_in
    ):
        first, second = signed_in(EDITOR_A), signed_in(EDITOR_A2)
        stale_form = page_of(second.get(EDIT_FLE)).find("form", id="formulaire-service")
        submit(first, EDIT_FLE, "formulaire-service", {"nom": "Cours de français du mardi soir"})

        values = form_values(stale_form)
        values["description"] = ["Une description écrite sans voir l'autre modification."]
        page = page_of(second.post(EDIT_FLE, data=values), 409)

        conflict = page.find(id="conflit")
        row = conflict.find("tbody").find("tr").text
        assert EDITOR_A in row and "Nom" in row
        assert "Cours de français du soir" in row and "Cours de français du mardi soir" in row
        # The refused input is kept, and the form now carries the current revision.
        kept = form_values(page.find("form", id="formulaire-service"))
        assert kept["description"] == values["description"]
        assert kept["revision"] == ["2"]
        assert stored(directory, "fle-a").nom == "Cours de français du mardi soir"

        # Saving again, knowingly, applies it.
        assert second.post(EDIT_FLE, data=kept).status_code == 302
        service = stored(directory, "fle-a")
        assert service.revision == 3 and service.description == values["description"][0]

    def test_a_publication_button_on_a_stale_page_is_refused_too(self, directory, signed_in):
        first, second = signed_in(EDITOR_A), signed_in(EDITOR_A2)
        submit(first, EDIT_FLE, "formulaire-service", {"nom": "Cours de français renommé"})
        response = post_action(
            second, "/admin/services/fle-a/publication", {"statut": "archive", "revision": "1"}
        )
        assert "Cours de français renommé" in page_of(response, 409).find(id="conflit").text
        assert stored(directory, "fle-a").statut_publication == "publie"


class TestLifecycle:
    def test_create_a_draft_then_publish_it(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        url = "/admin/structures/asso-a/services/nouveau"
        changes = {
            "nom": "Permanence d'accès aux droits",
            "description": "Une permanence juridique hebdomadaire, avec interprète.",
            "thematiques": [
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
            ],
        }
        response = submit(client, url, "formulaire-service", changes)
        assert response.status_code == 302
        service_url = response.location
        service_id = service_url.rsplit("/", 1)[1]
        assert service_id.startswith("asso-a--permanence-d-acces-aux-droits-")
        created = stored(directory, service_id)
        assert created.statut_publication == "brouillon" and created.structure_id == "asso-a"
        assert search(client, q="permanence juridique") == []

        revision = str(created.revision)
        response = post_action(
            client, f"{service_url}/publication", {"statut": "publie", "revision": revision}
        )
        assert response.status_code == 302
        assert search(client, q="permanence juridique") == [service_id]

    def test_create_and_publish_in_one_go(self, signed_in):
        client = signed_in(EDITOR_A)
        changes = {"nom": "Atelier numérique", "description": "Prendre en main un smartphone."}
        response = submit(
            client,
            "/admin/structures/asso-a/services/nouveau",
            "formulaire-service",
            changes,
            action="publier",
        )
        assert response.status_code == 302
        assert len(search(client, q="smartphone")) == 1

    def test_a_new_service_needs_a_name_and_a_description(self, signed_in):
        response = submit(
            signed_in(EDITOR_A), "/admin/structures/asso-a/services/nouveau", "formulaire-service"
        )
        page = page_of(response, 400)
        for name in ("nom", "description"):
            errors = page.find(id=f"groupe-{name}").find(class_="fr-error-text").text
            assert errors == "Ce champ ne peut pas être vide."

    def test_duplicate_makes_a_draft_copy(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        response = post_action(client, "/admin/services/fle-a/duplication")
        assert response.status_code == 302
        copy = stored(directory, response.location.rsplit("/", 1)[1])
        assert copy.nom == "Cours de français du soir (copie)"
        assert copy.statut_publication == "brouillon" and copy.thematiques == [FLE]
        assert search(client, q="français du soir") == ["fle-a"]

    def test_archive_takes_it_out_of_search_and_publish_brings_it_back(self, signed_in):
        client = signed_in(EDITOR_A)
        post_action(
            client, "/admin/services/fle-a/publication", {"statut": "archive", "revision": "1"}
        )
        assert search(client, q="français du soir") == []
        assert client.get("/services/fle-a").status_code == 404
        page = page_of(client.get(EDIT_FLE))
        assert page.find(id="statut-publication").text == "Archivé"
        post_action(
            client, "/admin/services/fle-a/publication", {"statut": "publie", "revision": "2"}
        )
        assert search(client, q="français du soir") == ["fle-a"]


class TestFreshness:
    def test_verified_today_in_one_click_and_off_the_due_list(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        due = page_of(client.get("/admin/")).find(class_="due-list").text
        assert "Cours de français du soir" in due
        response = post_action(client, "/admin/services/fle-a/verification", {"next": "/admin/"})
        assert response.status_code == 302 and response.location == "/admin/"
        service = stored(directory, "fle-a")
        assert service.verifie_le == date.today() and service.date_maj == date(2026, 3, 1)
        dashboard = page_of(client.get("/admin/"))
        assert "Cours de français du soir" not in dashboard.find(class_="due-list").text
        assert "« Cours de français du soir » est marqué vérifié aujourd'hui." in dashboard.text

    def test_the_update_frequency_decides_when_a_listing_is_due(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        post_action(client, "/admin/services/fle-a/verification")
        submit(client, EDIT_FLE, "formulaire-service", {"frequence_maj": "mensuelle"})
        assert stored(directory, "fle-a").frequence_maj == "mensuelle"
        page = page_of(client.get("/admin/structures/asso-a"))
        assert "Cours de français du soir" not in page.find(class_="due-list").text
        assert "Atelier recherche d'emploi" in page.find(class_="due-list").text

    def test_structure_page_lists_services_with_status_and_structure_audit(self, signed_in):
        client = signed_in(EDITOR_A)
        post_action(client, "/admin/structures/asso-a/verification")
        page = page_of(client.get("/admin/structures/asso-a"))
        rows = page.find(class_="services-table").find("tbody").find_all("tr")
        assert [row.find("a").text for row in rows] == [
            "Atelier recherche d'emploi",
            "Cours de français du soir",
        ]
        assert all("Publié" in row.text for row in rows)
        trail = page.find(class_="audit-trail").text
        assert "Vérifié le" in trail and EDITOR_A in trail


class TestStructureForm:
    def test_editor_edits_the_structure_but_not_the_signatory_flag(self, directory, signed_in):
        client = signed_in(EDITOR_A)
        url = "/admin/structures/asso-a/modifier"
        form = page_of(client.get(url)).find("form", id="formulaire-structure")
        assert not form.find_all("input", name="signataire")
        response = submit(client, url, "formulaire-structure", {"telephone": "01 40 00 00 00"})
        assert response.status_code == 302
        response = submit(client, url, "formulaire-structure", {"signataire": "true"})
        assert response.status_code == 302
        with directory.app_context():
            structure = db.session.get(Structure, "asso-a")
            assert structure.telephone == "+33140000000" and structure.signataire is False
            # A forged field is not read from an editor's form (the service layer would
            # refuse it anyway): the second save changed nothing.
            assert structure.revision == 2
