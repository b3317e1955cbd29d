"""The referral sheet: /fiche in HTML and PDF, in French and beside it in her language, with
its SPE block; the languages come from the catalogues; the PDF by e-mail."""

import logging
import subprocess
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import zxingcpp
from babel.dates import format_date
from babel.messages.pofile import read_po
from PIL import Image
from werkzeug.datastructures import MultiDict

from directory import i18n
from directory import referentials as ref
from directory.services import fiche
from directory.services.mail import send_mail
from tests.conftest import free_port
from tests.web.html_page import parse
from tests.web.web_sample import SERVICES, STRUCTURES

FLE, CV, HEBERGEMENT = "fle-debutants", "atelier-cv", "hebergement-urgence"
BASE_URL = "https://annuaire.example.gouv.fr"
FLE_NAME = "Cours de français langue étrangère pour débutants"
CV_NAME = "Atelier CV et lettre de motivation"
SHELTER_NAME = "Hébergement d'urgence"
ADDRESS = "48 rue de la Roquette 75011"  # known to the BAN stand-in (the `ban` fixture)
PERSON = "personne@exemple.fr"


@pytest.fixture
def sample(app, load):
    """The sample directory, with the public address of a production server."""
    load(STRUCTURES, SERVICES)
    app.config["BASE_URL"] = BASE_URL


def sheet_url(*services: str, **params) -> str:
    pairs = [("services", service) for service in services] + list(params.items())
    return "/fiche?" + "&".join(f"{name}={value}" for name, value in pairs)


def get_sheet(client, *services: str, status: int = 200, **params):
    response = client.get(sheet_url(*services, **params))
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


def page(client, *services: str, **params):
    return parse(get_sheet(client, *services, **params).data)


def place(document, name: str):
    """The block of a service (or office) on the sheet, by its name."""
    heading = document.find("h3", text=name)
    return heading.parent.parent


def fact(block, label: str) -> str:
    """The value of a fact of a place, by the French start of its label."""
    for row in block.find_all("div", class_="fact"):
        if row.find("dt").text.startswith(label):
            return row.find("dd").text
    raise AssertionError(f"no fact {label!r} in {block.text}")


def today(app) -> str:
    with app.test_request_context():
        return fiche.today()


def logged_by_the_application(caplog) -> str:
    """What was logged, but by the test's SMTP server (aiosmtpd logs as "mail.log")."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


# -- what the sheet says ---------------------------------------------------------------------


def test_each_requested_service_with_its_address_hours_phone_and_qr_code(client, sample):
    document = page(client, FLE, CV)
    names = [h3.text for h3 in document.find("section", class_="places").find_all("h3")]
    assert names == [FLE_NAME, CV_NAME]

    fle = place(document, FLE_NAME)
    assert "Langues et Avenir" in fle.text
    assert fact(fle, "Adresse") == "5 rue Myrha, 75018 Paris (18e arrondissement)"
    assert fact(fle, "Horaires") == "Du lundi au vendredi : 09:00–12:30, 13:30–17:00"
    assert fact(fle, "Téléphone") == "01 42 00 00 01"
    how = fact(fle, "Comment y accéder")
    assert "Se présenter sur place, aux horaires d'accueil" in how
    assert "Téléphoner" in how
    assert "Inscriptions le lundi matin, sans rendez-vous." in how
    assert fact(fle, "À apporter, conditions") == "Avoir plus de 18 ans."
    assert fact(fle, "Niveau de français") == "Jusqu'à A2"

    cv = place(document, CV_NAME)
    assert fact(cv, "Horaires") == "Mardi : 14:00–16:00 Jeudi : 14:00–16:00"
    assert fact(cv, "Téléphone") == "3949"  # the structure's number
    how = fact(cv, "Comment y accéder")
    assert "Sur orientation d'un·e professionnel·le" in how
    assert "https://francetravail.example/orienter" in how


def test_the_qr_code_leads_to_the_public_page_printed_beside_it(client, sample):
    fle = place(page(client, FLE), FLE_NAME)
    url = f"{BASE_URL}/services/{FLE}"
    image = fle.find("img")
    assert image.get("src").startswith("data:image/svg+xml")
    assert image.get("src") == fiche.qr_data_uri(url)
    assert image.get("alt")
    assert fle.find("figcaption").find("a", href=url).text == url


def test_partner_texts_stay_in_french_and_say_so_in_her_language(client, sample):
    fle = place(page(client, FLE, langue_fiche="en"), FLE_NAME)
    conditions = fle.find("span", lang="fr", text="Avoir plus de 18 ans.")
    note = conditions.parent.find("small", class_="tr-note")
    assert note.find("span", lang="en").text == "text in French"
    # French only: no note, the whole page is French.
    fle = place(page(client, FLE), FLE_NAME)
    assert fle.find("span", lang="fr", text="Avoir plus de 18 ans.")
    assert not fle.find_all("small", class_="tr-note")


def test_the_day_and_a_line_for_the_appointment_at_the_bottom(app, client, sample):
    footer = page(client, FLE).find("footer")
    day = format_date(today(app), "long", locale="fr")
    assert f"Fiche remise le {day}" in footer.text
    assert footer.find("p", class_="appointment").text.startswith("Rendez-vous le ……")


def test_a_28_year_old_is_sent_to_france_travail(client, sample):
    block = page(client, FLE, age=28, arrondissement=18).find("section", class_="spe")
    assert fact(block, "Inscrivez-vous auprès de") == "France Travail Paris"
    assert fact(block, "Pourquoi") == "26 ans ou plus, sans RQTH : France Travail."
    office = place(block, CV_NAME)  # the signatory's employment office in the sample
    assert fact(office, "Adresse") == "12 rue de Paradis, 75010 Paris (10e arrondissement)"
    assert fact(office, "Horaires") == "Mardi : 14:00–16:00 Jeudi : 14:00–16:00"
    assert fact(office, "Téléphone") == "3949"
    assert "https://francetravail.example/orienter" in fact(office, "Comment y accéder")
    assert office.find("img").get("src") == fiche.qr_data_uri(f"{BASE_URL}/services/{CV}")


def test_a_20_year_old_is_sent_to_the_mission_locale(client, sample):
    block = page(client, FLE, age=20).find("section", class_="spe")
    assert fact(block, "Inscrivez-vous auprès de") == "Mission Locale de Paris"
    assert fact(block, "Pourquoi") == "De 16 à 25 ans : Mission Locale."
    assert place(block, "Accompagnement des jeunes vers l'emploi")
    assert not block.find_all(text="Autre possibilité")


def test_with_a_recognised_disability_cap_emploi_is_the_alternative(client, sample):
    block = page(client, FLE, age=20, rqth="true").find("section", class_="spe")
    assert fact(block, "Autre possibilité") == "Cap emploi 75"


@pytest.mark.parametrize(
    "profile",
    [{}, {"age": 15}, {"age": 30, "accompagnement": "false"}],
    ids=["no age", "under 16", "exempted"],
)
def test_no_spe_block_when_the_profile_gives_no_orientation(client, sample, profile):
    assert not page(client, FLE, **profile).find_all("section", class_="spe")


def test_the_agreement_public_and_her_profile_stay_off_the_sheet(client, sample, ban):
    """Her status, first permit, age and address choose the office; none is printed."""
    params = {"age": 31, "statut": "etudiant", "premier_titre": 2024, "adresse": ADDRESS}
    printed = [
        pdf_text(get_sheet(client, FLE, **params, format="pdf").data),
        page(client, FLE, **params).find("main").text,
    ]
    for text in printed:
        assert "France Travail Paris" in text
        for value in ("protocole", "Étudiant", "2024", "31 ans", "Roquette", "75011"):
            assert value not in text


def test_an_address_the_ban_does_not_know_is_refused(client, sample, ban):
    response = get_sheet(client, FLE, age=28, adresse="zzzz", status=400)
    assert "Adresse introuvable" in parse(response.data).find("main").text


# -- bilingual -------------------------------------------------------------------------------


def test_english_beside_french(client, sample):
    document = page(client, FLE, langue_fiche="en", age=28)
    title = document.find("h1")
    assert title.text == "Fiche d'orientation / Referral sheet"
    assert title.find("span", lang="en", dir="ltr").text == "Referral sheet"
    fle = place(document, FLE_NAME)
    labels = [dt.text for dt in fle.find_all("dt")]
    assert "Adresse / Address" in labels
    assert "Horaires d'accueil / Opening hours" in labels
    hours = fle.find("ul", class_="tr", lang="en")
    assert hours.text == "Monday to Friday: 09:00–12:30, 13:30–17:00"
    assert "Go there in person, during opening hours" in fact(fle, "Comment y accéder")
    assert "French, Arabic" in fact(fle, "Langues parlées")  # CLDR names, in English
    assert "Aged 26 or over" in fact(document.find("section", class_="spe"), "Pourquoi")


def test_arabic_beside_french_right_to_left(client, sample):
    document = page(client, FLE, langue_fiche="ar")
    assert document.find("h1").find("span", lang="ar", dir="rtl").text == "ورقة التوجيه"
    fle = place(document, FLE_NAME)
    assert fle.find("dt", text="Adresse").find("span", lang="ar", dir="rtl").text == "العنوان"
    hours = fle.find("ul", class_="tr", lang="ar", dir="rtl")
    assert hours.text.startswith("من الاثنين إلى الجمعة")
    assert document.find("html").get("lang") == "fr"  # the page stays French


@pytest.mark.parametrize("lang", ["en", "ar", "prs", "ps", "ti", "uk", "ru", "bn"])
def test_every_label_of_a_full_sheet_is_translated(client, sample, lang):
    """Titles, labels, ways in and the footer: each has its translation beside it."""
    document = page(client, FLE, CV, HEBERGEMENT, langue_fiche=lang, age=20, rqth="true")
    main = document.find("main")
    labelled = main.find_all("dt") + main.find_all("h1") + main.find_all("h2")
    labelled += main.find("footer").find_all("p") + main.find_all("figcaption")
    labelled += [
        li for how in main.find_all("div", class_="fact--how") for li in how.find_all("li")
    ]
    labelled += [hours.find("dd") for hours in main.find_all("div", class_="fact--hours")]
    untranslated = [element.text for element in labelled if not element.find_all(lang=lang)]
    assert not untranslated


def test_a_french_only_sheet_without_lang(client, sample):
    for params in ({}, {"langue_fiche": ""}, {"langue_fiche": "fr"}):
        document = page(client, FLE, **params)
        assert not document.find_all("span", class_="tr")
        assert document.find("h1").text == "Fiche d'orientation"


def test_the_sheet_languages_are_the_catalogues_present(app, tmp_path):
    with app.test_request_context():
        languages = fiche.sheet_languages()
        assert set(languages) == {"en", "ar", "prs", "ps", "ti", "uk", "ru", "bn"}
        assert languages["ar"].rtl and not languages["en"].rtl
        names = fiche.sheet_language_names()
        assert names["ar"] == "arabe — العربية" and names["prs"] == "dari — دری"
        assert list(names)[:3] == ["en", "ar", "bn"]  # anglais, arabe, bengali: French order
    for locale in ("uk", "fa_AF", "fr"):
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text('msgid ""\nmsgstr ""\n')
    added = i18n._catalogue_languages((str(tmp_path),))
    assert list(added) == ["fr", "prs", "uk"]  # Dari's catalogue is fa_AF; French is the source
    assert added["prs"].locale == "fa_AF" and added["prs"].rtl


def test_every_way_in_has_words_for_the_person():
    assert set(fiche.HOW_TO_GET_IN) == set(ref.MODES_MOBILISATION)


# -- links, print, headers -------------------------------------------------------------------


def test_back_to_the_orientation_and_the_pdf_link(client, sample):
    document = page(client, FLE, CV, langue_fiche="ar", age=28, arrondissement=18)
    back = document.find("a", text="Retour à l'orientation").get("href")
    assert back == "/orientation?age=28&arrondissement=18"
    pdf = urlsplit(document.find("a", id="lien-pdf").get("href"))
    assert pdf.path == "/fiche"
    expected = [("services", FLE), ("services", CV), ("langue_fiche", "ar"), ("age", "28")]
    expected += [("arrondissement", "18"), ("format", "pdf")]
    assert sorted(parse_qsl(pdf.query)) == sorted(expected)


def test_a_print_button_by_script_and_a_sentence_without(client, sample):
    document = page(client, FLE)
    button = document.find("button", text="Imprimer la fiche")
    assert button.get("data-print") is not None and button.get("hidden") is not None
    assert "Ctrl + P" in document.find("p", class_="hint").text
    scripts = document.find_all("script")
    assert [script.get("src") for script in scripts] == ["/static/print.js"]
    assert all(not script.text.strip() for script in scripts)  # no inline script
    stylesheets = [link.get("href") for link in document.find_all("link", rel="stylesheet")]
    assert stylesheets == ["/static/fiche.css"]  # standalone: not the site's layout


def test_the_stylesheet_prints_on_a4_with_a_font_for_arabic(client):
    css = client.get("/static/fiche.css").get_data(as_text=True)
    assert "size: A4" in css
    assert '"DejaVu Sans"' in css


def test_the_sheet_is_kept_out_of_caches_and_referers(client, sample):
    for response in (get_sheet(client, FLE), get_sheet(client, FLE, format="pdf")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_empty_fields_of_the_orientation_form_are_ignored(client, sample):
    url = sheet_url(FLE, age="", statut="", langue_fiche="", adresse="", arrondissement="18")
    assert client.get(url).status_code == 200


# -- PDF -------------------------------------------------------------------------------------


def test_the_pdf_names_every_service_in_both_languages(app, client, sample):
    response = get_sheet(client, FLE, CV, HEBERGEMENT, langue_fiche="en", age=28, format="pdf")
    assert response.mimetype == "application/pdf"
    filename = f"fiche-orientation-{today(app).isoformat()}.pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename={filename}"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    for name in (FLE_NAME, CV_NAME, SHELTER_NAME, "France Travail Paris"):
        assert name in text
    assert "Fiche d'orientation" in text and "Referral sheet" in text
    assert "Opening hours" in text and "Monday to Friday: 09:00–12:30, 13:30–17:00" in text


def test_the_pdf_in_arabic(client, sample):
    text = pdf_text(get_sheet(client, FLE, langue_fiche="ar", format="pdf").data)
    assert FLE_NAME in text
    assert "العنوان" in text  # Address
    assert "الهاتف" in text  # Phone


@pytest.mark.parametrize(
    "lang,font",
    [("ti", "Abyssinica-SIL"), ("bn", "Lohit-Bengali")],
)
def test_the_pdf_has_the_letters_of_every_language(client, sample, tmp_path, lang, font):
    """The scripts DejaVu lacks are drawn with a font that has their letters (`make
    pdf-libs`), never with the empty boxes of a missing glyph."""
    pdf = tmp_path / "fiche.pdf"
    pdf.write_bytes(get_sheet(client, FLE, langue_fiche=lang, format="pdf").data)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert font in fonts.stdout, fonts.stdout


def test_the_qr_codes_of_the_pdf_read_back_as_the_service_pages(client, sample, tmp_path):
    pdf = tmp_path / "fiche.pdf"
    pdf.write_bytes(get_sheet(client, FLE, CV, format="pdf").data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    read = set()
    for image in sorted(tmp_path.glob("page*.png")):
        read |= {code.text for code in zxingcpp.read_barcodes(Image.open(image))}
    assert read == {f"{BASE_URL}/services/{FLE}", f"{BASE_URL}/services/{CV}"}


# -- invalid requests ------------------------------------------------------------------------


def error_text(response) -> str:
    return parse(response.data).find("main").text


def test_no_services_is_refused(client, sample):
    response = get_sheet(client, langue_fiche="en", status=400)
    text = error_text(response)
    assert "Services de la fiche" in text
    assert "Cochez au moins un service pour préparer la fiche." in text


@pytest.mark.parametrize("service_id", ["inconnu", "atelier-brouillon", "service-cache"])
def test_an_unknown_or_unpublished_service_is_refused_by_its_id(client, sample, service_id):
    text = error_text(get_sheet(client, FLE, service_id, status=400))
    assert f"Service inconnu ou non publié : « {service_id} »." in text
    assert "Services de la fiche" in text


def test_more_than_twenty_services_are_refused(client, sample):
    text = error_text(get_sheet(client, *[FLE] * 21, status=400))
    assert "Entre 1 et 20 services attendus." in text


def test_a_language_without_catalogue_is_refused(client, sample):
    text = error_text(get_sheet(client, FLE, langue_fiche="xx", status=400))
    assert "Langue de la fiche" in text
    assert "Langue de fiche non proposée : « xx »." in text
    assert "anglais (en)" in text and "arabe (ar)" in text


def test_an_unknown_format_is_refused(client, sample):
    text = error_text(get_sheet(client, FLE, format="doc", status=400))
    assert "Format" in text and "Valeur inconnue : « doc »." in text


def test_a_bad_profile_field_is_refused_by_name(client, sample):
    text = error_text(get_sheet(client, FLE, age="vingt", status=400))
    assert "Âge" in text and "Nombre entier attendu." in text
    link = parse(client.get(sheet_url(FLE, age="vingt")).data).find("a", text="Retour")
    assert link.get("href") == "/orientation?age=vingt"


# -- by e-mail -------------------------------------------------------------------------------


def mail_form(client, *services, **params):
    document = page(client, *services, **params)
    form = document.find("form", class_="mail-form")
    fields = [(i.get("name"), i.get("value")) for i in form.find_all("input") if i.get("name")]
    return form, dict(fields), [(n, v) for n, v in fields if n not in ("courriel",)]


def test_the_pdf_is_sent_to_the_address_typed(app, client, sample, smtp_inbox, ban, caplog):
    caplog.set_level(logging.DEBUG)
    params = {"langue_fiche": "ar", "age": 31, "adresse": ADDRESS, "statut": "refugie"}
    form, _values, hidden = mail_form(client, FLE, CV, **params)
    assert form.get("action") == "/fiche/envoyer" and form.get("method") == "post"
    assert form.find("input", id="courriel").get("autocomplete") == "off"
    response = client.post("/fiche/envoyer", data=MultiDict([*hidden, ("courriel", PERSON)]))
    assert response.status_code == 303
    target = urlsplit(response.location)
    assert target.path == "/fiche" and "courriel" not in target.query
    notice = parse(client.get(response.location).data).find("p", class_="notice")
    assert notice.text == "La fiche a été envoyée par courriel."

    [message] = smtp_inbox.messages
    assert message["To"] == PERSON
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Votre fiche d'orientation / ورقة التوجيه الخاصة بك"
    body, attachment = message.get_payload()
    text = body.get_payload(decode=True).decode()
    assert "Vous trouverez en pièce jointe votre fiche d'orientation" in text
    assert "مرفق بهذه الرسالة ورقة التوجيه الخاصة بك" in text
    assert not any(character.isdigit() for character in text)  # no age, no address
    for value in ("Roquette", "refugie", "Réfugié"):
        assert value not in text
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"fiche-orientation-{today(app).isoformat()}.pdf"
    pdf = attachment.get_payload(decode=True)
    assert CV_NAME in pdf_text(pdf) and "العنوان" in pdf_text(pdf)
    assert PERSON not in logged_by_the_application(caplog)


def test_an_invalid_address_is_said_on_the_field(client, sample, smtp_inbox):
    _form, _values, hidden = mail_form(client, FLE)
    response = client.post(
        "/fiche/envoyer", data=MultiDict([*hidden, ("courriel", "pas-une-adresse")])
    )
    assert response.status_code == 400
    field = parse(response.data).find("input", id="courriel")
    assert field.get("aria-invalid") == "true"
    assert field.get("value") == "pas-une-adresse"
    error = parse(response.data).find("p", id="courriel-erreur").text
    assert error == "Adresse électronique invalide : elle s'écrit comme nom@exemple.fr."
    response = client.post("/fiche/envoyer", data=MultiDict(hidden))
    error = parse(response.data).find("p", id="courriel-erreur").text
    assert error == "Indiquez l'adresse électronique de la personne."
    assert not smtp_inbox.messages


def test_the_form_needs_its_csrf_token(client, sample, smtp_inbox):
    _form, _values, hidden = mail_form(client, FLE)
    data = [(name, value) for name, value in hidden if name != "csrf_token"]
    response = client.post("/fiche/envoyer", data=MultiDict([*data, ("courriel", PERSON)]))
    assert response.status_code == 400
    assert not smtp_inbox.messages


def test_bad_sheet_parameters_in_the_form_are_refused(client, sample, smtp_inbox):
    _form, values, _hidden = mail_form(client, FLE)
    data = {"csrf_token": values["csrf_token"], "services": "inconnu", "courriel": PERSON}
    response = client.post("/fiche/envoyer", data=data)
    assert response.status_code == 400
    assert "« inconnu »" in error_text(response)
    assert not smtp_inbox.messages


def test_a_mail_server_down_says_so_and_logs_no_address(client, sample, smtp_inbox, app, caplog):
    _form, _values, hidden = mail_form(client, FLE)
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    response = client.post("/fiche/envoyer", data=MultiDict([*hidden, ("courriel", PERSON)]))
    assert response.status_code == 502
    assert "n'a pas pu être envoyée" in parse(response.data).find("p", class_="notice").text
    assert "Could not e-mail a referral sheet" in caplog.text
    assert PERSON not in logged_by_the_application(caplog)


def test_without_smtp_no_form_and_no_sending(client, sample, smtp_inbox, app):
    _form, _values, hidden = mail_form(client, FLE)  # offered while SMTP was configured
    app.config["SMTP_HOST"] = None
    assert not page(client, FLE).find_all("form")
    response = client.post("/fiche/envoyer", data=MultiDict([*hidden, ("courriel", PERSON)]))
    assert response.status_code == 404
    assert "L'envoi de courriels n'est pas configuré" in parse(response.data).find("main").text
    assert not smtp_inbox.messages


def test_send_mail_still_sends_plain_messages(app, smtp_inbox):
    with app.app_context():
        send_mail(PERSON, "Objet", "Corps du message.")
    [message] = smtp_inbox.messages
    assert not message.is_multipart()
    assert message.get_payload(decode=True).decode().strip() == "Corps du message."


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_catalogues_are_sound_and_marked_for_review(locale):
    path = Path(__file__).resolve().parents[2] / "directory" / "translations" / locale
    with (path / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    assert not catalog.fuzzy  # pybabel compile would skip it
    assert "TO BE REVIEWED BY A NATIVE SPEAKER" in catalog.header_comment
    assert not [(message.id, errors) for message, errors in catalog.check()]
