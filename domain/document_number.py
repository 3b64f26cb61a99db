"""A printed report's document number, as an office numbers its letters: a sequence counted per office and year, the
office's code, the month in Roman numerals and the year, in the order the office's format says."""

from __future__ import annotations

from datetime import date
from string import Formatter

from domain.errors import InvalidInput
from domain.offices import OfficeId

DEFAULT_FORMAT = "{seq:03d}/HD.SIPOL/{office}/{month_roman}/{year}"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# The names a format may use: the sequence, the office's code (its Kemendagri code without the dot, e.g. 1606), the
# node id, the month (as a number or in Roman numerals) and the year.
FIELDS = frozenset({"seq", "office", "node", "month", "month_roman", "year"})


class InvalidNumberFormat(InvalidInput):
    code = "invalid_number_format"


def office_code(office: OfficeId) -> str:
    """`kab-16.06` → `1606`, `prov-16` → `16`; the centre, which has no region code, `RI`."""
    return (office.region_code or "RI").replace(".", "")


def document_number(template: str, seq: int, office: OfficeId, issued_on: date) -> str:
    """The number of the `seq`-th document the office issued in `issued_on`'s year."""
    return template.format(seq=seq, office=office_code(office), node=office.value, month=issued_on.month,
                           month_roman=ROMAN_MONTHS[issued_on.month - 1], year=issued_on.year)


def check_number_format(template: str) -> None:
    """A format names only the fields above, holds the sequence (or two documents would share a number) and can be
    filled in."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
        if not names <= FIELDS or "seq" not in names:
            raise ValueError(template)
        document_number(template, 1, OfficeId("kab-16.06"), date(2026, 12, 2))
    except (ValueError, IndexError, KeyError):
        raise InvalidNumberFormat(field="document_number_format", fields=", ".join(sorted(FIELDS))) from None
