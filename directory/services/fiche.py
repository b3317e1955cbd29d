"""The referral sheet a person takes home after the interview: the services ticked for her,
her SPE orientation, every fixed text in French and beside it in her language, a QR code per
service; printed from the browser, made into a PDF, or sent by e-mail.

Nothing of her profile is printed on the sheet nor stored: it only chooses the SPE office.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import segno
from flask import current_app, request, url_for
from flask_babel import force_locale, format_date, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from .. import i18n
from ..i18n import Language
from ..models import Service, Structure
from . import listings
from .orientation import Profile, locate, spe_orientation
from .spe import spe_rule

USAGERS = "usagers"  # mobilisable_par: the person can go by herself

# How to get in, in words for the person (data·inclusion's labels speak to professionals).
HOW_TO_GET_IN = {
    "se-presenter": _l("Se présenter sur place, aux horaires d'accueil"),
    "telephoner": _l("Téléphoner"),
    "envoyer-un-courriel": _l("Envoyer un courriel"),
    "utiliser-lien-mobilisation": _l("Passer par le lien indiqué"),
}


# -- the sheet's languages -------------------------------------------------------------------


def sheet_languages() -> dict[str, Language]:
    """The sheet's languages besides French, by code: the catalogues present. Adding a
    catalogue adds a language."""
    return i18n.translations()


def sheet_language_names() -> dict[str, str]:
    """{code: "arabe — العربية"}, for a language picker, in French alphabetical order."""
    languages = sorted(sheet_languages().values(), key=lambda language: language.name)
    return {language.code: f"{language.name} — {language.own_name}" for language in languages}


# -- French and, beside it, the sheet's language ---------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A text (or a list of lines) in French, and in the sheet's language when translated."""

    fr: str | list[str]
    other: str | list[str] | None
    language: Language | None

    @property
    def lang(self) -> str | None:
        return self.language.code if self.language else None

    @property
    def dir(self) -> str | None:
        return self.language.direction if self.language else None

    @property
    def translated(self) -> Markup:
        """The translation alone, in its span ("" when there is none)."""
        if self.other is None:
            return Markup("")
        return Markup('<span class="tr" lang="{}" dir="{}">{}</span>').format(
            self.lang, self.dir, self.other
        )

    def __html__(self) -> Markup:
        if self.other is None:
            return escape(self.fr)
        separator = Markup('<span class="sep" aria-hidden="true"> / </span>')
        return escape(self.fr) + separator + self.translated


def _translate(message: str | LazyString, variables: dict) -> str:
    """A message in the current locale; callable variables are evaluated in it too."""
    if isinstance(message, LazyString):
        return str(message)
    values = {name: value() if callable(value) else value for name, value in variables.items()}
    return _(message, **values)


class Bilingual:
    """Writes the sheet's texts in French and, beside them, in its language (if any).

    Templates call it as ``bi("Adresse")`` (``bi`` is an extraction keyword in babel.cfg);
    ``bi.call(function, …)`` runs a function of the current locale in both languages.
    """

    def __init__(self, language: Language | None):
        self.language = language

    def __call__(self, message: str | LazyString, **variables) -> Pair:
        return self.call(_translate, message, variables)

    def call(self, function: Callable, *args) -> Pair:
        # The sheet is French first, whatever the language the auditor's pages are in.
        with force_locale(i18n.SOURCE):
            french = function(*args)
        if self.language is None:
            return Pair(french, None, None)
        with force_locale(self.language.locale):
            other = function(*args)
        # An untranslated text would only repeat the French under another language's name.
        return Pair(french, None if other == french else other, self.language)


# -- what the sheet holds --------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRequest:
    """The validated parameters of a sheet."""

    profile: Profile
    services: tuple[str, ...]
    lang: str | None  # None: French only
    format: str = "html"


@dataclass(frozen=True)
class Entry:
    """A place on the sheet: the service, its public page and that page's QR code."""

    service: Service
    url: str
    qr: str  # SVG data URI


@dataclass(frozen=True)
class SpeBlock:
    """Where she registers for employment support, why, and the office for her."""

    structure: Structure
    reason: Pair
    office: Entry | None
    alternative: Structure | None


@dataclass(frozen=True)
class Sheet:
    entries: list[Entry]
    spe: SpeBlock | None
    language: Language | None
    day: date

    @property
    def bi(self) -> Bilingual:
        return Bilingual(self.language)

    def day_in_words(self) -> str:
        """The day of the sheet, long format, in the current locale."""
        return format_date(self.day, "long")

    @property
    def filename(self) -> str:
        return f"fiche-orientation-{self.day.isoformat()}.pdf"


def unknown_services(ids: list[str]) -> list[str]:
    """The ids that name no published service (unknown, draft, archived, hidden structure)."""
    return [service_id for service_id in ids if listings.visible_service(service_id) is None]


def public_url(service: Service) -> str:
    """The absolute address of the service's public page (DIRECTORY_BASE_URL)."""
    path = url_for("web.service", service_id=service.id).removeprefix(request.script_root)
    return current_app.config["BASE_URL"].rstrip("/") + path


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(omitsize=True)


def entry(service: Service) -> Entry:
    url = public_url(service)
    return Entry(service, url, qr_data_uri(url))


def how_to_get_in(service: Service) -> list[LazyString]:
    return [
        HOW_TO_GET_IN[mode] for mode in service.modes_mobilisation or () if mode in HOW_TO_GET_IN
    ]


def professionals_only(service: Service) -> bool:
    """Whether only a professional can refer her (she cannot sign up by herself)."""
    return bool(service.mobilisable_par) and USAGERS not in service.mobilisable_par


def spe_block(profile: Profile, bi: Bilingual) -> SpeBlock | None:
    """Her SPE orientation when the profile gives one (an age, support wanted, 16 or older)."""
    if spe_rule(profile.age, profile.rqth, profile.accompagnement).signatory is None:
        return None
    located, _notices = locate(profile)  # an unreachable BAN leaves her arrondissement
    orientation = spe_orientation(located)
    if orientation.structure is None:
        return None
    reason = bi.call(lambda: spe_rule(profile.age, profile.rqth, profile.accompagnement).reason)
    office = entry(orientation.office) if orientation.office else None
    return SpeBlock(orientation.structure, reason, office, orientation.alternative)


def today() -> date:
    """Today in the application's time zone (Europe/Paris), not the server's."""
    return datetime.now(get_timezone()).date()


def build_sheet(sheet_request: SheetRequest) -> Sheet:
    """The sheet's contents; raises ValidationError on ``adresse`` when the BAN does not
    know the address."""
    language = sheet_languages().get(sheet_request.lang) if sheet_request.lang else None
    services = [listings.visible_service(service_id) for service_id in sheet_request.services]
    entries = [entry(service) for service in services if service is not None]
    spe = spe_block(sheet_request.profile, Bilingual(language))
    return Sheet(entries, spe, language, today())


# -- PDF and e-mail --------------------------------------------------------------------------


def pdf_of(html: str) -> bytes:
    """The PDF of a sheet rendered as HTML, by WeasyPrint."""
    from . import pdf  # WeasyPrint needs Pango: loaded only when a PDF is made

    return pdf.render(html)


def mail_subject(bi: Bilingual) -> str:
    pair = bi(_l("Votre fiche d'orientation"))
    return f"{pair.fr} / {pair.other}" if pair.other else pair.fr


def mail_body(bi: Bilingual) -> str:
    """A short body in French then in the sheet's language; nothing of her profile."""
    paragraphs = [
        bi(_l("Bonjour,")),
        bi(
            _l(
                "Vous trouverez en pièce jointe votre fiche d'orientation : les adresses où vous "
                "rendre, leurs horaires et comment y accéder."
            )
        ),
        bi(_l("Ce message est envoyé automatiquement : merci de ne pas y répondre.")),
    ]
    french = "\n\n".join(pair.fr for pair in paragraphs)
    other = "\n\n".join(pair.other or pair.fr for pair in paragraphs)
    if all(pair.other is None for pair in paragraphs):
        return french + "\n"
    return f"{french}\n\n— — —\n\n{other}\n"
