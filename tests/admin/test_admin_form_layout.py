"""The listing forms' layout: a menu of sections, save and "verified today" in one bar,
thématiques folded by catégorie."""

from datetime import date

import pytest

from directory import referentials as ref

from .admin_sample import EDITOR_A, FLE
from .pages import page_of, submit
from .test_admin_editing import EDIT_FLE, stored

FORMS = [
    (EDIT_FLE, "formulaire-service"),
    ("/admin/structures/asso-a/modifier", "formulaire-structure"),
]


@pytest.mark.parametrize(("url", "form_id"), FORMS)
def test_a_menu_leads_to_each_section_of_the_form(signed_in, url, form_id):
    page = page_of(signed_in(EDITOR_A).get(url))
    links = page.find("nav", id="sections").find_all("a")
    sections = page.find("form", id=form_id).find_all("fieldset", class_="form-section")
    assert [link.get("href") for link in links] == [f"#{s.get('id')}" for s in sections]
    assert [link.text for link in links] == [s.find("legend").text for s in sections]
    assert "Horaires" in [link.text for link in links]


@pytest.mark.parametrize(("url", "form_id"), FORMS)
def test_save_and_verified_today_sit_together_in_the_action_bar(signed_in, url, form_id):
    bar = page_of(signed_in(EDITOR_A).get(url)).find("form", id=form_id).find(class_="form-actions")
    assert [button.text for button in bar.find_all("button")] == [
        "Enregistrer",
        "Enregistrer et marquer vérifié aujourd'hui",
    ]


def test_save_and_mark_verified_today_in_one_click(directory, signed_in):
    client = signed_in(EDITOR_A)
    response = submit(
        client,
        EDIT_FLE,
        "formulaire-service",
        {"nom": "Cours de français du soir (vérifié)"},
        action="enregistrer-verifie",
    )
    assert response.status_code == 302
    service = stored(directory, "fle-a")
    assert service.nom == "Cours de français du soir (vérifié)"
    assert service.verifie_le == date.today()
    flashed = page_of(client.get(EDIT_FLE)).find(class_="fr-alert--success").text
    assert flashed == "Service enregistré et marqué vérifié aujourd'hui."


def test_a_plain_save_does_not_mark_verified(directory, signed_in):
    submit(signed_in(EDITOR_A), EDIT_FLE, "formulaire-service", {"nom": "Cours du soir"})
    assert stored(directory, "fle-a").verifie_le != date.today()


def test_a_refused_save_marks_nothing_verified(directory, signed_in):
    response = submit(
        signed_in(EDITOR_A),
        EDIT_FLE,
        "formulaire-service",
        {"courriel": "pas-une-adresse"},
        action="enregistrer-verifie",
    )
    page_of(response, 400)
    assert stored(directory, "fle-a").verifie_le != date.today()


def test_structure_saved_and_verified_today(directory, signed_in):
    client = signed_in(EDITOR_A)
    url = "/admin/structures/asso-a/modifier"
    submit(
        client, url, "formulaire-structure", {"telephone": "01 23 45 67 89"}, "enregistrer-verifie"
    )
    page = page_of(client.get("/admin/structures/asso-a"))
    assert page.find(class_="fr-alert--success").text == (
        "Structure enregistrée et marquée vérifiée aujourd'hui."
    )


def test_thematiques_fold_by_categorie_with_the_count_ticked(signed_in):
    form = page_of(signed_in(EDITOR_A).get(EDIT_FLE)).find("form", id="formulaire-service")
    groups = form.find(id="champ-thematiques").find_all("details", class_="theme-group")
    assert len(groups) == len(ref.CATEGORIES)
    assert sum(len(g.find_all("input", type="checkbox")) for g in groups) == len(ref.THEMATIQUES)
    opened = [group for group in groups if "open" in group.attrs]
    assert [group.get("id") for group in opened] == ["groupe-categorie-lecture-ecriture-calcul"]
    summary = opened[0].find("summary")
    assert summary.text.startswith("Lecture, écriture et calcul")
    assert summary.find(class_="theme-group__count").text == "Cochées : 1"
    assert "checked" in opened[0].find("input", value=FLE).attrs
    # The filter needs JavaScript: without it, it is not shown.
    assert "hidden" in form.find(class_="theme-filter").attrs
