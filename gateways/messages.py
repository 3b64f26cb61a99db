"""The one catalogue of every text a person reads, Bahasa Indonesia first, English second, and the one way to read it.

The texts are kept in gettext form in `web/locale/en.po` (read with Babel): an entry's msgid is the Bahasa
Indonesia, its msgstr the English. A text the code names by a code (an error, a refusal, a note of `audit verify`,
a label) has that code as its msgctxt, a label's as `kind.value` (`channel.walk_in`); a text written out in a template
or a page handler (`_("Keluar")`) is its own key. One table read once: `message(code)` (`label(kind, code)` for a
label) for the first kind, `translate(text)` (the templates' `_`) for both. A new message is one entry in en.po.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from babel.messages.pofile import read_po

LANGUAGES = ("id", "en")
DEFAULT = "id"
CATALOGUE = Path(__file__).parent / "web" / "locale" / "en.po"
# The code a message falls back to when asked for one the catalogue does not hold.
FALLBACK = "domain_error"


class Catalogue(NamedTuple):
    coded: Mapping[str, tuple[str, str]]  # code -> (Bahasa Indonesia, English)
    english: Mapping[str, str]  # Bahasa Indonesia -> English, for every entry with its English


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    with CATALOGUE.open("rb") as source:
        po = read_po(source, locale="en")
    coded: dict[str, tuple[str, str]] = {}
    english: dict[str, str] = {}
    written: dict[str, str] = {}
    for entry in po:
        if not entry.id:
            continue  # the header
        indonesian, translated = str(entry.id), str(entry.string or "")
        if entry.context:
            coded[entry.context] = (indonesian, translated)
            if translated:
                english.setdefault(indonesian, translated)
        elif translated:
            written[indonesian] = translated
    english.update(written)  # a text's own entry speaks for it before a coded entry of the same words
    return Catalogue(MappingProxyType(coded), MappingProxyType(english))


# The messages (codes without a kind): code -> (Bahasa Indonesia, English). A read-only view of the catalogue.
MESSAGES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {code: texts for code, texts in catalogue().coded.items() if "." not in code}
)


def _pick(texts: tuple[str, str], lang: str) -> str:
    indonesian, english = texts
    return english if lang == "en" and english else indonesian


def message(code: str, lang: str = DEFAULT, **values: object) -> str:
    """The words for `code` in `lang` (Bahasa Indonesia unless "en"), with `values` filled in when given."""
    coded = catalogue().coded
    text = _pick(coded.get(code) or coded[FALLBACK], lang)
    return text.format(**values) if values else text


def label(kind: str, code: str, lang: str = DEFAULT, **values: object) -> str:
    """A label's words (`label("channel", "walk_in")` -> "Tatap muka"); a code the catalogue lacks as itself."""
    texts = catalogue().coded.get(f"{kind}.{code}")
    if texts is None:
        return code
    text = _pick(texts, lang)
    return text.format(**values) if values else text


def translate(text: str, lang: str = DEFAULT, **values: object) -> str:
    """A text written in Bahasa Indonesia, in `lang`; a text without English is shown as written."""
    if lang == "en":
        text = catalogue().english.get(text, text)
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    """The `_` of the templates and page handlers for one language (an unknown one reads Bahasa Indonesia)."""
    chosen = lang if lang in LANGUAGES else DEFAULT

    def _(text: str, **values: object) -> str:
        return translate(text, chosen, **values)

    return _
