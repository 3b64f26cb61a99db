"""Looking for pieces of personal data in what a page, an export or the audit trail shows, without mistaking the
random hex of ids, hashes and pseudonyms for them (a consultation's id holds "2222" now and then)."""

from __future__ import annotations

import re

# Random tokens, each with at least one letter: a run of hex and dashes of 8 or more (a UUID, a SHA-256, a pseudonym,
# a key id), a run of base64 of 16 or more (a sealed field's ciphertext). A phone number or a NIK is digits only, so
# it is never taken out.
# Base64 first: a hex run inside a ciphertext would otherwise cut it into pieces too short to be taken out.
_RANDOM = ((re.compile(r"[A-Za-z0-9+/=]*[A-Za-z][A-Za-z0-9+/=]*"), 16),
           (re.compile(r"[0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*"), 8))


def leaked(text: str, pieces: tuple[str, ...] | list[str]) -> list[str]:
    """The pieces found in `text` once every random token is left out."""
    readable = text
    for pattern, shortest in _RANDOM:
        readable = pattern.sub(lambda m, n=shortest: " " if len(m.group(0)) >= n else m.group(0), readable)
    return [piece for piece in pieces if piece in readable]
