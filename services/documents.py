"""The renderer-neutral report document a report service builds and the PDF, XLSX and CSV gateways render."""

from __future__ import annotations

import re
import unicodedata

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
    """One signing official under the report; an empty name leaves a line to sign and write by hand."""

    role: str
    name: str
    place_date: str


class ReportDocument(msgspec.Struct, frozen=True):
    """A report ready to render: letterhead, title, one table, summary lines and signatures."""

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


def filename(stem: str, extension: str) -> str:
    """A safe ASCII file name: accents folded, anything outside [a-z0-9._-] turned into one hyphen."""
    # Folding first keeps "Ñur" readable as "nur" rather than losing the letter.
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", folded).strip("-._") or "laporan"
    ext = re.sub(r"[^a-z0-9]+", "", extension.lower())
    return f"{slug}.{ext}" if ext else slug
