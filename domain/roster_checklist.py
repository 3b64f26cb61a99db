"""The desk's equipment and readiness checklist (SOP A.4, B.3–B.4; issue 16): the office's own list, kept by the
Koordinator Harian, ticked by the person on duty before a shift; what is not ticked is missing and reaches the
Koordinator Harian (domain/roster.py ChecklistTicked)."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidInput
from domain.values import clean_name

# SOP B.3: "daftar hadir tamu, alat rekam, perlengkapan tulis menulis, dan lain-lain"; B.4: a clean, tidy desk; the
# face-to-face steps (C.d) also use a PC or laptop.
DEFAULT_CHECKLIST = (
    "Daftar hadir tamu",
    "Alat rekam",
    "Perlengkapan tulis menulis",
    "PC/laptop dan jaringan internet",
    "Area Helpdesk bersih dan rapi",
)
MAX_ITEMS = 20
MAX_ITEM = 80
MAX_NOTE = 300


class ChecklistInvalid(InvalidInput):
    """A checklist needs one to twenty items, each named once."""

    code = "roster_checklist_invalid"


class UnknownItem(InvalidInput):
    """A ticked item that is not on the day's checklist."""

    code = "roster_item_unknown"


def check_checklist(items: Iterable[str]) -> tuple[str, ...]:
    """The office's list as given, each item trimmed, blank lines dropped; refused when empty, too long or repeated."""
    cleaned = tuple(clean_name(item, "items", MAX_ITEM) for item in items if item.strip())
    if not 0 < len(cleaned) <= MAX_ITEMS or len({item.casefold() for item in cleaned}) != len(cleaned):
        raise ChecklistInvalid(field="items")
    return cleaned


def missing_items(checklist: tuple[str, ...], present: Iterable[str]) -> tuple[str, ...]:
    """The items of `checklist` not ticked as present, in the list's order; an item not on the list is refused."""
    ticked = set(present)
    if ticked - set(checklist):
        raise UnknownItem(field="present")
    return tuple(item for item in checklist if item not in ticked)
