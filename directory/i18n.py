"""The interface's languages: which exist (one per translation catalogue, French being the
source), which one a request is answered in, and which way each is written."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.messages.extract import extract_python
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_babel, get_locale
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from . import referentials as ref

SOURCE = "fr"
# `?lang=xx` in any address chooses the language; the cookie remembers the choice.
PARAMETER = "lang"
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639, as in `?lang=` ("prs" for Dari)
    locale: str  # CLDR locale, the folder of its catalogue ("fa_AF")

    @cached_property
    def rtl(self) -> bool:
        return Locale.parse(self.locale).character_order == "right-to-left"

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def name_in(self, locale: str) -> str:
        """Its name in a language (CLDR names fa_AF "dari", not "persan (Afghanistan)")."""
        names = Locale.parse(locale).languages
        return names.get(self.locale) or Locale.parse(self.locale).get_display_name(locale)

    @property
    def name(self) -> str:
        """Its name in French ("arabe")."""
        return self.name_in(SOURCE)

    @property
    def own_name(self) -> str:
        """Its name in itself ("العربية", "Українська"), as a switcher shows it."""
        name = self.name_in(self.locale)
        return name[:1].upper() + name[1:]


def languages() -> dict[str, Language]:
    """Every language of the interface by code, French first, then in the order of the
    languages most spoken by the people concerned."""
    return _catalogue_languages(tuple(get_babel().translation_directories))


def translations() -> dict[str, Language]:
    """The languages besides French (a referral sheet's second language)."""
    return {code: language for code, language in languages().items() if code != SOURCE}


@cache
def _catalogue_languages(directories: tuple[str, ...]) -> dict[str, Language]:
    found = {SOURCE: Language(SOURCE, SOURCE)}
    for directory in directories:
        for catalogue in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            locale = catalogue.parent.parent.name
            found[ref.language_of_locale(locale)] = Language(ref.language_of_locale(locale), locale)
    order = {code: rank for rank, code in enumerate(ref.LANGUES_COURANTES)}
    return dict(sorted(found.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def _by_tag() -> dict[str, Language]:
    """Each language under its code and its CLDR locale, as a browser may name them."""
    tags = {}
    for language in languages().values():
        tags[language.code] = tags[language.locale.replace("_", "-")] = language
    return tags


def requested_language() -> Language | None:
    """The language named by `?lang=`, when it is one of ours."""
    return languages().get(request.args.get(PARAMETER, ""))


def select_locale() -> str:
    """`?lang=`, else the language remembered in the cookie, else the browser's preference
    (Accept-Language), else French."""
    if not has_request_context():
        return SOURCE
    chosen = requested_language() or languages().get(request.cookies.get(COOKIE, ""))
    if chosen is None:
        tags = _by_tag()
        best = request.accept_languages.best_match(tags)
        chosen = tags.get(best) if best else None
    return chosen.locale if chosen else SOURCE


def current() -> Language:
    """The language of this request, one of languages() (its direction computed once)."""
    locale = str(get_locale() or SOURCE)
    return languages().get(ref.language_of_locale(locale)) or Language(SOURCE, SOURCE)


def _remember_choice(response):
    """A `?lang=` choice is kept for the pages that follow."""
    chosen = requested_language()
    if chosen is not None and request.cookies.get(COOKIE) != chosen.code:
        response.set_cookie(
            COOKIE,
            chosen.code,
            max_age=COOKIE_SECONDS,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype in ("text/html", "application/json"):  # words, not assets
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_remember_choice)
    app.context_processor(_page_language)
    # Globals, so that the macros that templates import use them too.
    app.add_template_global(language_links)
    app.add_template_global(partner_text)


# -- extraction ------------------------------------------------------------------------------


def extract_referentials(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """pybabel's extractor for referentials.py: its own messages, then the labels of
    data·inclusion's enumerations, which the labels are translated from at run time."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for name, labels in ref.TRANSLATED_ENUMERATIONS.items():
        for label in labels.values():
            yield 0, "gettext", label, [f"data·inclusion: {name}"]


# -- pages -----------------------------------------------------------------------------------


def language_links() -> list[tuple[Language, str]]:
    """Each language with the address of this very page in it (its other parameters kept)."""
    links = []
    for language in languages().values():
        args = MultiDict(request.args)
        args[PARAMETER] = language.code
        links.append((language, f"{request.path}?{urlencode(list(args.items(multi=True)))}"))
    return links


def partner_text() -> Markup:
    """The attributes of what partners wrote: French, whatever the page's language."""
    return Markup(' lang="fr" dir="ltr"' if current().rtl else ' lang="fr"')


def _page_language() -> dict:
    language = current()
    return {"page_language": language.code, "page_direction": language.direction}
