"""Every text the web app shows is in the one message catalogue: each `_("…")` in the templates and page
handlers has an English translation in gateways/web/locale/en.po."""

from __future__ import annotations

import re
from pathlib import Path

from gateways.web.i18n import catalogue, translator

WEB = Path(__file__).resolve().parents[2] / "gateways" / "web"
# _("text") or _('text') in templates and Python; texts passed through variables are listed in MENU/ROLE_NAMES.
CALL = re.compile(r"""_\(\s*(["'])((?:(?!\1).)+)\1""")


def source_texts() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        found |= {match.group(2) for match in CALL.finditer(path.read_text(encoding="utf-8"))}
    from gateways.web.render import MENU, ROLE_NAMES, TIER_NAMES

    found |= {item.label for item in MENU} | set(ROLE_NAMES.values()) | set(TIER_NAMES.values())
    return found


def test_every_text_has_an_english_translation() -> None:
    english = catalogue("en")
    assert english is not None
    missing = sorted(text for text in source_texts() if not (english.get(text) and english.get(text).string))
    assert missing == [], f"add these to gateways/web/locale/en.po: {missing}"


def test_indonesian_is_the_source_and_placeholders_survive() -> None:
    assert translator("id")("Keluar") == "Keluar"
    assert translator("en")("Keluar") == "Log out"
    assert translator("en")("Selamat datang, {name}.", name="Ani") == "Welcome, Ani."
    assert translator("xx")("Keluar") == "Keluar"  # an unknown language falls back to Bahasa Indonesia
