"""The one catalogue of every text a person reads, Bahasa Indonesia first, English second, and the one way to read it.

The texts are written in gettext form in `web/locale/en.po`: an entry's msgid is the Bahasa Indonesia, its msgstr the
English; a text that counts has both forms (`msgid_plural`, `msgstr[0]` "1 time", `msgstr[1]` "2 times"). A text the
code names by a code (an error, a refusal, a note of `audit verify`, a label) has that code as its msgctxt, a label's as
`kind.value` (`channel.walk_in`); a text written out in a template or a page handler (`_("Keluar")`) is its own key.

`make catalogue` compiles en.po into `web/locale/en/LC_MESSAGES/messages.mo` (kept beside it in the repository;
tests/unit/test_catalogue_compiled.py fails while the two differ), and the app reads only that, with the standard
library's gettext: `message(code)` (`label(kind, code)` for a label) through pgettext, `translate(text)` (the
templates' `_`, installed with jinja2.ext.i18n by gateways/web/i18n.py) through gettext, `plural(...)` through ngettext.
Numbers are written by Babel's locale data for the language (`number`). A new message is one entry in en.po, then
`make catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path
from types import MappingProxyType

from babel import Locale
from babel.messages.mofile import read_mo, write_mo
from babel.numbers import format_decimal

LANGUAGES = ("id", "en")
DEFAULT = "id"
LOCALE_DIR = Path(__file__).parent / "web" / "locale"
SOURCE = LOCALE_DIR / "en.po"
COMPILED = LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.mo"
# The code a message falls back to when asked for one the catalogue does not hold.
FALLBACK = "domain_error"
# Babel's locale data for each language: Bahasa Indonesia, and English as it is written outside the United States
# (2 December 2026, 14:05, 1,234), the way a reader in an Indonesian office expects it.
LOCALES = {"id": Locale("id"), "en": Locale("en", "GB")}
# The compiled header's creation date, fixed: the same en.po compiles to the same bytes whenever it is built.
BUILT = datetime(2024, 1, 1, tzinfo=UTC)


class Catalogue:
    """The compiled catalogue. `translations` (the standard library's GNUTranslations) answers every lookup; `codes`
    is each coded entry's Bahasa Indonesia (its msgid), since a caller names those by their code alone."""

    def __init__(self, compiled: bytes) -> None:
        self.translations = GNUTranslations(BytesIO(compiled))
        self.entries = tuple(entry for entry in read_mo(BytesIO(compiled)) if entry.id)
        self.codes: Mapping[str, str] = MappingProxyType(
            {entry.context: entry.id for entry in self.entries if entry.context and isinstance(entry.id, str)})
        holders: dict[str, str] = {}
        for code, indonesian in self.codes.items():
            holders.setdefault(indonesian, code)
        # A written text that a coded entry already holds (one entry per text): `_()` finds the coded one.
        self.holders: Mapping[str, str] = MappingProxyType(holders)

    def english_of(self, text: str) -> str:
        """A written text's English: its own entry's, else that of a coded entry with the same words, else the text."""
        english = self.translations.gettext(text) if text else text
        if english == text and (code := self.holders.get(text)):
            return self.translations.pgettext(code, text)
        return english

    @cached_property
    def coded(self) -> Mapping[str, tuple[str, str]]:
        """code -> (Bahasa Indonesia, English): every coded entry, listed (for the checks and the command line)."""
        return MappingProxyType(
            {code: (text, self.translations.pgettext(code, text)) for code, text in self.codes.items()})

    @cached_property
    def english(self) -> Mapping[str, str]:
        """Bahasa Indonesia -> English for every text `translate` knows (written and coded), listed for the checks."""
        written = {e.id: e.string for e in self.entries if not e.context and isinstance(e.id, str)}
        return MappingProxyType({**{text: self.coded[code][1] for text, code in self.holders.items()}, **written})

    @cached_property
    def plurals(self) -> Mapping[tuple[str, str], tuple[str, ...]]:
        """(Bahasa Indonesia, its plural) -> the English forms of every text that counts, listed for the checks."""
        return MappingProxyType({(e.id[0], e.id[1]): tuple(e.string) for e in self.entries
                                 if not e.context and not isinstance(e.id, str)})


def compile_catalogue(source: Path = SOURCE) -> bytes:
    """en.po compiled: what `make catalogue` writes to COMPILED (`python -m gateways.messages`). The app never reads
    the .po itself."""
    from babel.messages.pofile import read_po  # the build step's only

    with source.open("rb") as po:
        entries = read_po(po, locale="en")
    entries.creation_date = BUILT
    compiled = BytesIO()
    write_mo(compiled, entries)
    return compiled.getvalue()


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    try:
        return Catalogue(COMPILED.read_bytes())
    except FileNotFoundError:
        raise FileNotFoundError(f"{COMPILED} is missing: run `make catalogue` (compiles {SOURCE.name})") from None


class _Messages(Mapping[str, tuple[str, str]]):
    """The messages (codes without a kind): code -> (Bahasa Indonesia, English), read from the catalogue when asked."""

    def _coded(self) -> dict[str, tuple[str, str]]:
        return {code: texts for code, texts in catalogue().coded.items() if "." not in code}

    def __getitem__(self, code: str) -> tuple[str, str]:
        return self._coded()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._coded())

    def __len__(self) -> int:
        return len(self._coded())


MESSAGES: Mapping[str, tuple[str, str]] = _Messages()


def _filled(text: str, values: Mapping[str, object]) -> str:
    return text.format(**values) if values else text


def _coded(code: str, lang: str) -> str:
    known = catalogue()
    indonesian = known.codes[code]
    return known.translations.pgettext(code, indonesian) if lang == "en" else indonesian


def message(code: str, lang: str = DEFAULT, **values: object) -> str:
    """The words for `code` in `lang` (Bahasa Indonesia unless "en"), with `values` filled in when given."""
    return _filled(_coded(code if code in catalogue().codes else FALLBACK, lang), values)


def label(kind: str, code: str, lang: str = DEFAULT, **values: object) -> str:
    """A label's words (`label("channel", "walk_in")` -> "Tatap muka"); a code the catalogue lacks as itself."""
    coded = f"{kind}.{code}"
    return _filled(_coded(coded, lang), values) if coded in catalogue().codes else code


def translate(text: str, lang: str = DEFAULT, **values: object) -> str:
    """A text written in Bahasa Indonesia, in `lang`; a text without English is shown as written."""
    return _filled(catalogue().english_of(text) if lang == "en" else text, values)


def plural(singular: str, plural: str, n: int, lang: str = DEFAULT, **values: object) -> str:
    """A text that counts `n`, in `lang`: its msgid_plural entry ("{n} kali" -> "1 time", "2 times"). `{n}` is `n`
    as the language writes numbers, unless given."""
    text = catalogue().translations.ngettext(singular, plural, n) if lang == "en" else (
        singular if n == 1 else plural)
    return _filled(text, {"n": number(n, lang), **values})


def number(value: float, lang: str = DEFAULT, pattern: str | None = None) -> str:
    """A number as `lang` writes it, by Babel's locale data: 1.234,5 in Bahasa Indonesia, 1,234.5 in English;
    `pattern` fixes the digits (`#,##0.#`: one decimal at most)."""
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, LOCALES[DEFAULT]))


def translator(lang: str) -> Callable[..., str]:
    """The `_` of the page handlers for one language (an unknown one reads Bahasa Indonesia)."""
    chosen = lang if lang in LANGUAGES else DEFAULT

    def _(text: str, **values: object) -> str:
        return translate(text, chosen, **values)

    return _


def both(indonesian: str, english: str) -> str:
    """One line in both languages, as the command line and the settings' errors say it: "Bahasa Indonesia (English)"."""
    if not english or english == indonesian:
        return indonesian
    if indonesian.endswith(".") and not indonesian.endswith(".."):  # one sentence's stop, after both (not "...")
        return f"{indonesian[:-1]} ({english.removesuffix('.')})."
    return f"{indonesian} ({english})"


def bilingual(code: str, **values: object) -> str:
    """`code`'s words in both languages: `both(message(code), message(code, "en"))`."""
    return both(message(code, DEFAULT, **values), message(code, "en", **values))


if __name__ == "__main__":  # `make catalogue`
    COMPILED.parent.mkdir(parents=True, exist_ok=True)
    COMPILED.write_bytes(compile_catalogue())
