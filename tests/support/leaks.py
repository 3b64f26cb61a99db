"""Looking for pieces of personal data in what a page, an export or the audit trail shows, without mistaking the
random hex of ids, hashes and pseudonyms for them (a consultation's id holds "2222" now and then)."""

from __future__ import annotations

import re

# A run of hex (and dashes) with at least one letter: a UUID, a SHA-256, a pseudonym, a key id. A phone number or
# a NIK is digits only, so it is never taken out.
_RANDOM_HEX = re.compile(r"[0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*")


def leaked(text: str, pieces: tuple[str, ...] | list[str]) -> list[str]:
    """The pieces found in `text` once every random hex token of eight characters or more is left out."""
    readable = _RANDOM_HEX.sub(lambda m: " " if len(m.group(0)) >= 8 else m.group(0), text)
    return [piece for piece in pieces if piece in readable]
