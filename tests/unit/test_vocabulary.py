"""One vocabulary (docs/glossary.md, "One vocabulary on screen"): the catalogue's Indonesian texts use one word for one
thing, so a page never says "konsultan" beside "pihak yang berkonsultasi", or "surel" beside "e-mail"."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from gateways.messages import SOURCE as CATALOGUE

REFUSED = {
    r"\b[Kk]onsultan\b": "pihak yang berkonsultasi",
    r"\bSesuai waktu\b": "Tepat waktu",
    r"\b[Ss]urel\b": "e-mail",
    r"(?<!-)\b[Ee]mail\b": "e-mail",
    r"\bFAQ SIPOL\b": "FAQ Sipol",
}
# Words that name a configuration value, not the channel ("email=60" is what the setting is written as).
KEYS = re.compile(r"email=|untuk email, messaging|kanal=menit")


def test_the_catalogue_speaks_one_vocabulary() -> None:
    with CATALOGUE.open("rb") as source:
        po = read_po(source, locale="en")
    found = []
    for entry in po:
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        for text in ids:
            if not text or KEYS.search(text):
                continue
            found += [f"{text!r}: write {word!r}" for pattern, word in REFUSED.items() if re.search(pattern, text)]
    assert not found, "\n".join(found)


def test_a_hop_being_answered_above_is_handled_not_processed() -> None:
    with CATALOGUE.open("rb") as source:
        po = read_po(source, locale="en")
    accepted = next(entry for entry in po if entry.context == "hop.accepted")
    assert accepted.id == "ditangani"
