"""The web app's language: which one a reader chose, and the `_` that speaks it, from the one catalogue.

The texts in templates and handlers are written in Bahasa Indonesia and wrapped in `_()`; their English is in
the catalogue that gateways/messages.py reads (`locale/en.po`). A text missing there shows in Bahasa Indonesia, and
tests/unit/test_web_catalogue.py lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from gateways.messages import DEFAULT, LANGUAGES, translator
from gateways.messages import catalogue as entries

__all__ = ["DEFAULT", "LANGUAGES", "LANG_COOKIE", "catalogue", "language_of", "translator"]

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
