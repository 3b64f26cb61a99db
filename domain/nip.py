"""A civil servant's number (NIP, Nomor Induk Pegawai): 18 digits, printed under a staff member's name on a report."""

from __future__ import annotations

import re
from datetime import date

from domain.errors import InvalidInput

NIP_DIGITS = 18
# How people write it: in groups (19850101 201001 1 001), sometimes with dots or dashes between them.
_SEPARATORS = re.compile(r"[\s.\-]+")


class InvalidNip(InvalidInput):
    code = "invalid_nip"


def parse_nip(raw: str) -> str | None:
    """The NIP as 18 digits; None for an empty field (the staff member has none, or it is cleared). Its first eight
    digits are a birth date (YYYYMMDD), so a mistyped one is refused as well as a wrong length."""
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    if len(text) != NIP_DIGITS or not text.isascii() or not text.isdigit():
        raise InvalidNip(field="nip", digits=NIP_DIGITS)
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InvalidNip(field="nip", digits=NIP_DIGITS) from None
    return text
