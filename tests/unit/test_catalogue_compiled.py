"""The app reads the one catalogue compiled (gateways/web/locale/en/LC_MESSAGES/messages.mo, `make catalogue`), never
the .po itself: the two say the same; the templates' `_()` and `ngettext()` come from it through jinja2.ext.i18n; a
text that counts has its English singular and plural; numbers, days and months are Babel's, never written by hand."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from string import Formatter

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from gateways.messages import COMPILED, SOURCE, catalogue, compile_catalogue, number, plural
from gateways.web.render import template_config

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "gateways" / "web"
# ngettext("singular", "plural", n …) in a template or a page handler.
NGETTEXT = re.compile(r"""ngettext\(\s*"((?:[^"\\]|\\.)+)"\s*,\s*"((?:[^"\\]|\\.)+)"\s*,""")


def _entries(catalog: object) -> dict[tuple[str | None, object], object]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):  # type: ignore[attr-defined]
            m.string if isinstance(m.string, str) else tuple(m.string)  # type: ignore[attr-defined]
            for m in catalog if m.id}  # type: ignore[attr-defined]


def test_the_compiled_catalogue_is_en_po_compiled() -> None:
    compiled = COMPILED.read_bytes() if COMPILED.exists() else b""
    fresh = compile_catalogue()
    if compiled != fresh:
        with SOURCE.open("rb") as po:
            written = _entries(read_po(po, locale="en"))
        held = _entries(read_mo(BytesIO(compiled))) if compiled else {}
        differ = sorted((str(key), written.get(key), held.get(key)) for key in written.keys() | held.keys()
                        if written.get(key) != held.get(key) and written.get(key) != "")
        raise AssertionError(f"{COMPILED.name} is not en.po compiled: run `make catalogue` and commit both. "
                             f"{len(differ)} entries differ, first: {differ[:5]}")


def test_the_templates_speak_through_jinja2_i18n_from_the_compiled_catalogue() -> None:
    environment = template_config().engine_instance.engine
    assert "jinja2.ext.InternationalizationExtension" in environment.extensions
    shown = environment.from_string(
        '{{ _("Keluar") }}|{{ _("Selamat datang, {name}.", name="Ani") }}|{{ ngettext("{n} kali", "{n} kali", 1) }}'
        '|{{ ngettext("{n} kali", "{n} kali", 1234) }}')
    assert shown.render(lang="en") == "Log out|Welcome, Ani.|1 time|1,234 times"
    assert shown.render(lang="id") == "Keluar|Selamat datang, Ani.|1 kali|1.234 kali"
    assert shown.render() == shown.render(lang="xx") == shown.render(lang="id")  # Bahasa Indonesia unless asked


def test_a_text_that_counts_says_one_and_many_in_english() -> None:
    assert plural("{n} kali", "{n} kali", 1, "en") == "1 time"
    assert plural("{n} kali", "{n} kali", 2, "en") == "2 times"
    assert plural("{n} kali", "{n} kali", 0, "en") == "0 times"
    assert plural("{n} kali", "{n} kali", 1) == "1 kali" and plural("{n} kali", "{n} kali", 2) == "2 kali"
    # No English text that counts writes its plural as "(s)": each is an entry with msgid_plural.
    hedged = sorted(english for english in catalogue().english.values()
                    if re.search(r"\w\(s\)", english) and re.search(r"\{(n|count|total)\}", english))
    assert hedged == []


def test_every_text_that_counts_has_both_english_forms_with_its_values() -> None:
    counted = {match.groups() for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]
               for match in NGETTEXT.finditer(path.read_text(encoding="utf-8"))}
    assert ("{n} kali", "{n} kali") in counted
    plurals = catalogue().plurals
    missing = sorted(texts for texts in counted if texts not in plurals)
    assert missing == [], f"add these with msgid_plural to gateways/web/locale/en.po: {missing}"
    fields = lambda text: {name for _, name, _, _ in Formatter().parse(text) if name}  # noqa: E731
    for (singular, plural_), english in plurals.items():
        assert len(english) == 2 and all(english), singular
        assert {frozenset(fields(t)) for t in (singular, plural_, *english)} == {frozenset(fields(singular))}


def test_numbers_are_written_by_babels_locale_data() -> None:
    assert number(1234) == "1.234" and number(1234, "en") == "1,234"
    assert number(87.5, "id", "#,##0.#") == "87,5" and number(87.5, "en", "#,##0.#") == "87.5"
    assert number(100.0, "id", "#,##0.#") == "100"


# Names of months and days, and strftime's English ones, written out in code instead of taken from Babel.
BY_HAND = re.compile(r"""["'](Januari|Februari|Desember|Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu)["']"""
                     r"""|%[AaBb]\b""")


def test_no_day_or_month_is_named_by_hand() -> None:
    found = sorted(f"{path.relative_to(ROOT)}: {match.group(0)}"
                   for folder in ("domain", "services", "projections", "gateways")
                   for path in (ROOT / folder).rglob("*.py")
                   for match in BY_HAND.finditer(path.read_text(encoding="utf-8")))
    assert found == [], "write days and months with gateways/reports/dates.py (Babel's locale data)"
