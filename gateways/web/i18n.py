"""One message catalogue for every text the web app shows: Bahasa Indonesia is the source, English a translation.

The texts in templates and handlers are written in Bahasa Indonesia and wrapped in `_()`; `locale/en.po`
(read with Babel) holds their English. A text missing there shows in Bahasa Indonesia, and a test lists it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("id", "en")
DEFAULT = "id"
LANG_COOKIE = "helpdesk_lang"
LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=None)
def catalogue(language: str) -> Catalog | None:
    if language == DEFAULT:
        return None
    with open(LOCALE_DIR / f"{language}.po", "rb") as source:
        return read_po(source, locale=language)


def translator(language: str):  # noqa: ANN201 - the `_` of the templates
    found = catalogue(language if language in LANGUAGES else DEFAULT)

    def translate(text: str, **values: object) -> str:
        if found is not None:
            message = found.get(text)
            if message is not None and message.string:
                text = str(message.string)
        return text.format(**values) if values else text

    return translate


def language_of(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT
