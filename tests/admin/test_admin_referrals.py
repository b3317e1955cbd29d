"""Referrals as pages: an orienteur of A sends a person to « Accompagnement emploi B », the
editors of B find it in their inbox, read it and answer it. The real app and database, the
forms submitted as a browser without JavaScript does."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest

from directory.extensions import db
from directory.models import AuditEntry, Referral, User, utcnow
from directory.services import referrals

from .admin_sample import ADMIN, EDITOR_A, EDITOR_B, READER
from .pages import csrf_token, form_values, page_of, submit
from .referral_sample import ORIENTEUR_A, ORIENTEUR_AB, ORIENTEUR_B, PERSON, add_orienteurs

NEW = "/admin/orientations/nouvelle?service=emploi-b"
INBOX = "/admin/orientations"
FORM = "formulaire-orientation"
EMPLOI = "trouver-un-emploi"


@pytest.fixture
def orienteurs(directory):
    add_orienteurs(directory)
    return directory


def send(client, url: str = NEW, consent: bool = True, **changes):
    """Fill the sending form at ``url`` with PERSON (and ``changes``), consent ticked."""
    values = PERSON | ({"consentement": "true"} if consent else {}) | changes
    return submit(client, url, FORM, values)


def stored(app) -> list[tuple]:
    with app.app_context():
        return [
            (r.service_id, r.sending_structure_id, r.frein, r.prenom, r.contact, r.note, r.state)
            for r in db.session.query(Referral).order_by(Referral.id)
        ]


def sent_by_a(app, service_id: str = "emploi-b", **person) -> int:
    """A referral from A, sent through the service layer; returns its id."""
    with app.app_context():
        user = db.session.query(User).filter_by(email=ORIENTEUR_A).one()
        data = {"service_id": service_id, "structure_id": "asso-a", "frein": EMPLOI}
        return referrals.create(user, data | PERSON | person).id


def field_errors(page, name: str) -> list[str]:
    texts = page.find_all("p", class_="fr-error-text")
    return [p.text for p in texts if (p.get("id") or "").startswith(f"erreur-{name}")]


# -- sending -------------------------------------------------------------------------------


def test_the_form_shows_the_service_the_sending_structure_and_preselects_the_barrier(
    orienteurs, signed_in
):
    page = page_of(signed_in(ORIENTEUR_A).get(NEW))
    form = page.find("form", id=FORM)
    assert "Accompagnement emploi B — Association B" in page.find(id="service-oriente").text
    assert "Association A" in page.find(id="champ-structure_id").text
    values = form_values(form)
    assert values["service_id"] == ["emploi-b"] and values["structure_id"] == ["asso-a"]
    assert values["frein"] == [EMPLOI]  # the catégorie of the service's first thématique
    assert page.label_of("champ-consentement").text == (
        "La personne accepte que ces informations soient transmises à Association B"
    )
    names = {e.get("name") for e in form.descendants() if e.get("name")}
    assert names == {"csrf_token", *PERSON, "service_id", "structure_id", "frein", "consentement"}
    assert form.find("textarea", name="note").get("maxlength") == "500"
    assert "ni nationalité, ni numéro de dossier" in page.label_of("champ-note").text


def test_the_barrier_asked_for_is_preselected_and_several_structures_are_a_choice(
    orienteurs, signed_in
):
    url = NEW + "&frein=famille--garde-denfants"
    page = page_of(signed_in(ORIENTEUR_AB).get(url))
    values = form_values(page.find("form", id=FORM))
    assert values["frein"] == ["famille"]
    select = page.find("select", id="champ-structure_id")
    assert [o.get("value") for o in select.find_all("option")] == ["", "asso-a", "asso-b"]
    response = send(signed_in(ORIENTEUR_AB), url, structure_id="asso-b")
    assert response.status_code == 303
    assert stored(orienteurs)[0][:3] == ("emploi-b", "asso-b", "famille")


def test_a_referral_sent_is_stored_and_the_sent_list_says_so(orienteurs, signed_in):
    client = signed_in(ORIENTEUR_A)
    response = send(client)
    assert response.status_code == 303
    assert response.headers["Location"] == INBOX
    assert stored(orienteurs) == [
        ("emploi-b", "asso-a", EMPLOI, "Amina", "06 12 34 56 78", "Disponible le matin.", "envoyee")
    ]
    page = page_of(client.get(INBOX))
    assert page.find(class_="fr-alert--success").text == "Orientation envoyée à Association B."
    rows = page.find(id="envoyees").find("tbody").find_all("tr")
    assert len(rows) == 1
    assert rows[0].text.endswith("Accompagnement emploi B Association B Trouver un emploi Envoyée")


def test_without_consent_nothing_is_sent_and_what_was_typed_stays(orienteurs, signed_in):
    response = send(signed_in(ORIENTEUR_A), consent=False)
    page = page_of(response, 400)
    assert field_errors(page, "consentement") == [
        "La personne doit accepter que ces informations soient transmises."
    ]
    assert "fr-checkbox-group--error" in page.find(id="groupe-consentement").classes
    values = form_values(page.find("form", id=FORM))
    assert values["prenom"] == ["Amina"] and values["contact"] == ["06 12 34 56 78"]
    assert values["note"] == ["Disponible le matin."] and "consentement" not in values
    assert page.find(id="erreurs").find("a", href="#champ-consentement").text == "Consentement"
    assert stored(orienteurs) == []


def test_a_contact_neither_phone_nor_email_is_refused_on_its_field(orienteurs, signed_in):
    page = page_of(send(signed_in(ORIENTEUR_A), contact="demain au guichet"), 400)
    assert field_errors(page, "contact") == ["Numéro de téléphone ou adresse électronique attendu."]
    field = page.find("input", id="champ-contact")
    assert field.get("aria-invalid") == "true" and field.get("value") == "demain au guichet"
    assert "fr-input-group--error" in page.find(id="groupe-contact").classes
    assert field_errors(page, "prenom") == []
    assert stored(orienteurs) == []


def test_blank_required_fields_are_each_named(orienteurs, signed_in):
    page = page_of(send(signed_in(ORIENTEUR_A), prenom=" ", contact="", frein=""), 400)
    for name in ("prenom", "contact", "frein"):
        assert field_errors(page, name) == ["Ce champ est obligatoire."], name
    assert stored(orienteurs) == []


def test_an_unknown_service_is_refused(orienteurs, signed_in):
    client = signed_in(ORIENTEUR_A)
    assert client.get("/admin/orientations/nouvelle?service=inconnu").status_code == 404
    page = page_of(send(client, service_id="inconnu"), 400)
    assert field_errors(page, "service_id") == ["Service inconnu ou non publié."]
    assert stored(orienteurs) == []


def test_an_extra_personal_field_is_refused_by_name_and_nothing_is_stored(orienteurs, signed_in):
    client = signed_in(ORIENTEUR_A)
    response = send(client, nationalite="afghane")
    page = page_of(response, 400)
    assert "Champ « nationalite » : Champ inconnu." in page.find(id="erreurs").text
    assert "afghane" not in response.get_data(as_text=True)
    assert stored(orienteurs) == []


def test_the_notice_goes_to_the_receiving_editors_without_the_person(
    orienteurs, signed_in, smtp_inbox
):
    assert send(signed_in(ORIENTEUR_A)).status_code == 303
    assert [m["To"] for m in smtp_inbox.messages] == [EDITOR_B]
    message = smtp_inbox.messages[0]
    subject = str(make_header(decode_header(message["Subject"])))
    text = subject + message.get_payload(decode=True).decode()
    assert subject == "Nouvelle orientation vers « Accompagnement emploi B »"
    assert "http://127.0.0.1:5000/admin/orientations" in text
    for value in PERSON.values():
        assert value not in text
    assert "Amina" not in message.as_string()


# -- inbox ---------------------------------------------------------------------------------


def age(app, referral_id: int, days: int) -> None:
    """Pretend the referral was sent ``days`` ago."""
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        referral.created_at = utcnow() - timedelta(days=days, hours=1)
        db.session.commit()


def answered(app, referral_id: int, state: str, motive: str | None = None) -> None:
    with app.app_context():
        user = db.session.query(User).filter_by(email=EDITOR_B).one()
        referral = db.session.get(Referral, referral_id)
        referrals.read(user, referral)
        referrals.answer(user, referral, state, referral.revision, motive)


def test_the_inbox_lists_what_waits_oldest_first_then_accepted_then_the_rest(orienteurs, signed_in):
    recent = sent_by_a(orienteurs, prenom="Bilal")
    oldest = sent_by_a(orienteurs, prenom="Chloé")
    accepted = sent_by_a(orienteurs)
    refused = sent_by_a(orienteurs)
    age(orienteurs, recent, 1)
    age(orienteurs, oldest, 3)
    answered(orienteurs, accepted, "acceptee")
    answered(orienteurs, refused, "refusee", "complet")

    client = signed_in(EDITOR_B)
    response = client.get(INBOX)
    page = page_of(response)
    assert page.find("h1").text == "Orientations reçues"
    waiting = page.find(id="en-attente").find("tbody").find_all("tr")
    links = [row.find("a").get("href") for row in waiting]
    assert links == [f"{INBOX}/{oldest}", f"{INBOX}/{recent}"]
    assert "depuis 3 jours" in waiting[0].text
    assert "depuis 1 jour" in waiting[1].text and "jours" not in waiting[1].text
    assert "Association A" in waiting[0].text and "Trouver un emploi" in waiting[0].text
    accepted_rows = page.find(id="acceptees").find("tbody").find_all("tr")
    assert [row.find("a").get("href") for row in accepted_rows] == [f"{INBOX}/{accepted}"]
    rest = page.find(id="traitees").find("tbody").find_all("tr")
    assert [row.find("a").get("href") for row in rest] == [f"{INBOX}/{refused}"]
    assert "Refusée Plus de place disponible" in rest[0].text
    # No person's data in a list: only the detail page shows it, and audits it.
    html = response.get_data(as_text=True)
    for value in ("Amina", "Bilal", "Chloé", PERSON["contact"], PERSON["note"]):
        assert value not in html
    assert "2 en attente de réponse" in page.find(id="menu-orientations").text


def test_an_orienteur_sees_what_its_structure_sent_newest_first(orienteurs, signed_in):
    first = sent_by_a(orienteurs)
    second = sent_by_a(orienteurs, service_id="fle-a")
    answered(orienteurs, first, "acceptee")
    response = signed_in(ORIENTEUR_A).get(INBOX)
    page = page_of(response)
    assert page.find("h1").text == "Orientations envoyées"
    rows = page.find(id="envoyees").find("tbody").find_all("tr")
    assert [row.find("a").get("href") for row in rows] == [f"{INBOX}/{second}", f"{INBOX}/{first}"]
    assert "Acceptée" in rows[1].text
    assert "Amina" not in response.get_data(as_text=True)
    assert page_of(signed_in(ORIENTEUR_B).get(INBOX)).find_all("table") == []


# -- one referral --------------------------------------------------------------------------


def test_the_receiving_editor_reads_it_which_is_audited_and_records_receipt(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    page = page_of(signed_in(EDITOR_B).get(f"{INBOX}/{referral_id}"))
    assert page.find(id="prenom").text == "Amina"
    assert page.find(id="contact").text == "06 12 34 56 78"
    assert page.find(id="note").text == "Disponible le matin."
    assert page.find(id="etat").text == "Reçue"
    history = [row.text for row in page.find(id="historique").find("tbody").find_all("tr")]
    assert ORIENTEUR_A in history[0] and "Envoyée" in history[0]
    assert EDITOR_B in history[1] and "Reçue" in history[1]
    forms = page.find(id="repondre").find_all("form")
    assert [form_values(f)["state"] for f in forms] == [["acceptee"], ["refusee"]]
    with orienteurs.app_context():
        reads = db.session.query(AuditEntry).filter_by(entity_type="referral").all()
        assert [(a.actor, a.field) for a in reads] == [(EDITOR_B, referrals.PERSONAL_READ)]


def test_the_sending_orienteur_reads_it_and_cannot_answer(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    client = signed_in(ORIENTEUR_A)
    page = page_of(client.get(f"{INBOX}/{referral_id}"))
    assert page.find(id="prenom").text == "Amina"
    assert page.find_all(id="repondre") == []
    assert page.find(id="etat").text == "Envoyée"  # only the receiving side records receipt
    data = {"csrf_token": csrf_token(client, INBOX), "state": "acceptee", "revision": "1"}
    assert client.post(f"{INBOX}/{referral_id}/reponse", data=data).status_code == 403


def answer_form(client, referral_id: int, state: str) -> dict:
    """The answer form ``state`` of the detail page, as the browser would send it."""
    page = page_of(client.get(f"{INBOX}/{referral_id}"))
    return {k: v[0] for k, v in form_values(page.find("form", id=f"reponse-{state}")).items()}


def test_answers_move_it_along_and_a_refusal_needs_its_motive(orienteurs, signed_in):
    client = signed_in(EDITOR_B)
    accepted, refused = sent_by_a(orienteurs), sent_by_a(orienteurs)
    accept = answer_form(client, accepted, "acceptee")
    response = client.post(f"{INBOX}/{accepted}/reponse", data=accept)
    assert response.status_code == 303
    page = page_of(client.get(response.headers["Location"]))
    assert page.find(class_="fr-alert--success").text == "Réponse enregistrée : Acceptée."
    assert [form_values(f)["state"] for f in page.find(id="repondre").find_all("form")] == [
        ["rdv-honore"],
        ["rdv-non-honore"],
    ]
    kept = answer_form(client, accepted, "rdv-honore")
    assert client.post(f"{INBOX}/{accepted}/reponse", data=kept).status_code == 303

    refusal = answer_form(client, refused, "refusee")
    page = page_of(client.post(f"{INBOX}/{refused}/reponse", data=refusal), 400)
    assert page.find(id="erreur-motif").text == "Choisissez le motif du refus."
    refusal["motif"] = "hors-zone"
    assert client.post(f"{INBOX}/{refused}/reponse", data=refusal).status_code == 303
    with orienteurs.app_context():
        states = {r.id: (r.state, r.refusal_motive) for r in db.session.query(Referral)}
    assert states == {accepted: ("rdv-honore", None), refused: ("refusee", "hors-zone")}
    page = page_of(client.get(f"{INBOX}/{refused}"))
    assert page.find(id="etat").text == "Refusée — Hors de la zone d'intervention du service"
    assert page.find_all(id="repondre") == []


def test_the_second_of_two_answers_with_the_same_revision_is_refused(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    client = signed_in(EDITOR_B)
    accept = answer_form(client, referral_id, "acceptee")
    refuse = answer_form(client, referral_id, "refusee") | {"motif": "complet"}
    assert accept["revision"] == refuse["revision"]
    assert client.post(f"{INBOX}/{referral_id}/reponse", data=accept).status_code == 303
    response = client.post(f"{INBOX}/{referral_id}/reponse", data=refuse)
    page = page_of(response, 409)
    assert "quelqu'un a répondu entre-temps" in page.find(id="conflit").text
    assert page.find(id="etat").text == "Acceptée"
    with orienteurs.app_context():
        referral = db.session.get(Referral, referral_id)
        assert (referral.state, referral.refusal_motive) == ("acceptee", None)


def test_a_purged_referral_says_when_its_data_was_erased(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    with orienteurs.app_context():
        referrals.purge(now=utcnow() + timedelta(days=365))
    page = page_of(signed_in(EDITOR_B).get(f"{INBOX}/{referral_id}"))
    assert page.find(id="donnees-effacees").text.startswith("Données personnelles effacées le ")
    assert page.find_all(id="prenom") == []


# -- who may ------------------------------------------------------------------------------


def pages_of(referral_id: int) -> list[str]:
    return [NEW, INBOX, f"{INBOX}/{referral_id}"]


def test_anonymous_visitors_are_sent_to_sign_in(orienteurs):
    referral_id = sent_by_a(orienteurs)
    client = orienteurs.test_client()
    for url in pages_of(referral_id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/admin/connexion?next=")
    data = {"csrf_token": csrf_token(client), "state": "acceptee", "revision": "1"}
    assert client.post(f"{INBOX}/{referral_id}/reponse", data=data).status_code == 302


@pytest.mark.parametrize("email", [ADMIN, READER])
def test_coordinators_and_readers_get_403_everywhere(orienteurs, signed_in, email):
    referral_id = sent_by_a(orienteurs)
    client = signed_in(email)
    for url in pages_of(referral_id):
        page = page_of(client.get(url), 403)
        assert page.find("h1").text == "Accès refusé", url
        assert "Amina" not in page.text
    assert page_of(client.get("/admin/")).find_all(id="menu-orientations") == []


def test_an_editor_cannot_send(orienteurs, signed_in):
    client = signed_in(EDITOR_B)
    assert client.get(NEW).status_code == 403
    data = {"csrf_token": csrf_token(client, INBOX), "service_id": "emploi-b"}
    assert client.post("/admin/orientations/nouvelle", data=data | PERSON).status_code == 403


def test_an_orienteur_cannot_send_from_another_structure(orienteurs, signed_in):
    client = signed_in(ORIENTEUR_B)
    assert send(client, structure_id="asso-a").status_code == 403
    assert stored(orienteurs) == []


def test_an_orienteur_of_another_structure_cannot_read_it(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    page = page_of(signed_in(ORIENTEUR_B).get(f"{INBOX}/{referral_id}"), 403)
    assert "Amina" not in page.text
    assert signed_in(ORIENTEUR_B).get(f"{INBOX}/999").status_code == 404
    with orienteurs.app_context():
        assert db.session.query(AuditEntry).filter_by(entity_type="referral").count() == 0


def test_an_editor_of_another_structure_can_neither_read_nor_answer(orienteurs, signed_in):
    referral_id = sent_by_a(orienteurs)
    answer_data = answer_form(signed_in(EDITOR_B), referral_id, "acceptee")
    other = signed_in(EDITOR_A)
    assert other.get(f"{INBOX}/{referral_id}").status_code == 403
    answer_data["csrf_token"] = csrf_token(other, INBOX)
    assert other.post(f"{INBOX}/{referral_id}/reponse", data=answer_data).status_code == 403
    with orienteurs.app_context():
        assert db.session.get(Referral, referral_id).state == "recue"


# -- the « Orienter » buttons --------------------------------------------------------------


def orient_links(client, url: str) -> list[str]:
    return [a.get("href") for a in page_of(client.get(url)).find_all("a", class_="referral-link")]


def test_orienteurs_see_orienter_on_a_service_page_and_in_the_basket(orienteurs, signed_in):
    client = signed_in(ORIENTEUR_A)
    assert orient_links(client, "/services/emploi-b") == [NEW]
    token = csrf_token(client, "/services/fle-a")
    client.post("/panier", data={"csrf_token": token, "ajouter": "fle-a"})
    assert orient_links(client, "/panier") == ["/admin/orientations/nouvelle?service=fle-a"]
    for other in (orienteurs.test_client(), signed_in(EDITOR_B), signed_in(READER)):
        assert orient_links(other, "/services/emploi-b") == []


def test_the_interview_assistant_carries_the_barrier(orienteurs, signed_in):
    url = "/orientation?freins=" + EMPLOI
    links = orient_links(signed_in(ORIENTEUR_A), url)
    assert f"/admin/orientations/nouvelle?service=emploi-b&frein={EMPLOI}" in links
