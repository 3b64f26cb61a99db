"""The web app's language: which one a reader chose, and the templates' gettext, from the one compiled catalogue.

The texts in templates and handlers are written in Bahasa Indonesia and wrapped in `_()` (`ngettext(...)` for a text
that counts); their English is in the catalogue that gateways/messages.py reads (`locale/en.po`, compiled by `make
catalogue`). `install` puts jinja2.ext.i18n in the environment with callables that read the page's `lang` (every page's
context has it: gateways/web/render.py), so one environment speaks both languages. They fill `{name}` values with
str.format, as the catalogue writes them (not jinja's "newstyle" %-formatting). A text missing in the catalogue shows
in Bahasa Indonesia, and tests/unit/test_web_catalogue.py lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from gateways.messages import DEFAULT, LANGUAGES, plural, translate, translator
from gateways.messages import catalogue as entries

__all__ = ["DEFAULT", "LANGUAGES", "LANG_COOKIE", "catalogue", "in_page_language", "install", "language_of",
           "translator"]

LANG_COOKIE = "helpdesk_lang"


class Translation(NamedTuple):
    string: str


class Catalogue(NamedTuple):
    """The English view of the catalogue: `get(text)` is the text's translation, or None when it has none."""

    english: Mapping[str, str]

    def get(self, text: str) -> Translation | None:
        found = self.english.get(text)
        return Translation(found) if found else None


def catalogue(language: str) -> Catalogue | None:
    """None for Bahasa Indonesia (the source needs no translation), else that language's view."""
    return Catalogue(entries().english) if language == "en" else None


def language_of(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT


def _reader(context: Context) -> str:
    return language_of(context.get("lang"))


@pass_context
def _gettext(context: Context, text: str, **values: Any) -> str:
    return translate(text, _reader(context), **values)


@pass_context
def _ngettext(context: Context, singular: str, plural_: str, n: int, **values: Any) -> str:
    return plural(singular, plural_, n, _reader(context), **values)


@pass_context
def _pgettext(context: Context, code: str, text: str, **values: Any) -> str:
    english = entries().translations.pgettext(code, text) if _reader(context) == "en" else text
    return english.format(**values) if values else english


def in_page_language(write: Callable[..., str]) -> Callable[..., str]:
    """`write(*values, lang)` as a template callable that writes in the page's `lang` (`stamp(moment)` in a template
    is the reader's date and time, without each handler passing the language)."""

    @pass_context
    def written(context: Context, *values: Any) -> str:
        return write(*values, lang=_reader(context))

    return written


def install(environment: Environment) -> None:
    """jinja2.ext.i18n with the catalogue's gettext, ngettext and pgettext for the page's reader: `_()` and
    `ngettext()` in a template (and `{% trans %}`) speak the page's `lang`."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, newstyle=False)
