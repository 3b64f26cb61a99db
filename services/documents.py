"""The renderer-neutral report document a report service builds and the PDF, XLSX and CSV gateways render."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import msgspec


class ImageCell(msgspec.Struct, frozen=True, tag="image"):
    """A picture in a table cell (the guest's drawn signature in the Daftar Hadir). Each renderer draws it its own
    way; where it cannot be drawn (CSV, or a stored file that could not be read) `text` or `key` stands in."""

    key: str  # the stored file's key: where the web preview loads it from, what the CSV writes
    text: str  # what the picture shows, for a reader who cannot see it ("Tanda tangan Budi Santoso")
    data: bytes = b""  # a PNG ready to print; empty when the stored file could not be read
    width: int = 0  # the PNG's size in pixels
    height: int = 0
    href: str = ""  # where the page shows the picture from; empty: the front desk's signature route
    tall: bool = False  # printed as a photo's thumbnail (about 4 cm), not as a row of handwriting


Cell = str | int | float | ImageCell | None


class Column(msgspec.Struct, frozen=True):
    """One table column: a stable machine key and the Indonesian header the reader sees."""

    key: str
    title: str
    width: float = 1.0  # relative to the other columns; renderers scale it to the page or sheet
    numeric: bool = False  # right-aligned, and a real number in XLSX so sums and filters work


class Signature(msgspec.Struct, frozen=True):
    """One signing official under the report; an empty name leaves a line to sign and write by hand, an unknown NIP a
    dotted line. The maker signs on the right under the place and date; a superior who acknowledges the report
    ("Mengetahui,") signs on the left."""

    role: str
    name: str
    place_date: str
    nip: str | None = None  # the civil servant's 18-digit number (Nomor Induk Pegawai), when recorded
    acknowledges: bool = False  # the superior's "Mengetahui," on the left, not the maker


class Section(msgspec.Struct, frozen=True):
    """A small table printed before the main one: the daily recap's counts, compliance, escalations, open matters."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


class DocumentKey(msgspec.Struct, frozen=True):
    """What makes a printed document the same document: its kind, its period and its version (a frozen report's
    version, whose daily report it is, or nothing); the same key is given the same document number."""

    kind: str
    period_start: date
    period_end: date
    version: str = ""


class ReportDocument(msgspec.Struct, frozen=True):
    """A report ready to render: letterhead, title, its number, sections, one table, summary lines and signatures."""

    kind: str
    title: str
    office_name: str
    letterhead: tuple[str, ...]
    period: str
    generated_at: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    summary: tuple[tuple[str, str], ...] = ()
    signatures: tuple[Signature, ...] = ()
    footer_note: str = ""
    address: str = ""  # the office's address, under its name in the letterhead
    logo: str = ""  # the path of the letterhead's logo image; "" prints none
    number: str = ""  # the document number, given when it is printed (gateways/reports/numbering.py)
    key: DocumentKey | None = None  # what the number is given for; None: a draft, never numbered
    created_at: datetime | None = None  # when it was made, by the node's clock: the PDF's creation date
    sections: tuple[Section, ...] = ()  # printed before the table, each under its title
    table_title: str = ""  # the heading over the table when sections come first


def filename(stem: str, extension: str) -> str:
    """A safe ASCII file name: accents folded, anything outside [a-z0-9._-] turned into one hyphen."""
    # Folding first keeps "Ñur" readable as "nur" rather than losing the letter.
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", folded).strip("-._") or "laporan"
    ext = re.sub(r"[^a-z0-9]+", "", extension.lower())
    return f"{slug}.{ext}" if ext else slug
