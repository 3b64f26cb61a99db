"""The reports' typeface: DejaVu Sans from Debian's fonts-dejavu-core, which draws Indonesian and the other Latin
letters (Ṣ, Ā, ă, ő …) that the standard PDF fonts and ReportLab's bundled Vera lack. Without the package the PDFs
fall back to Vera, say so once in the log, and fold what Vera cannot draw to its base letter."""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import reportlab
import structlog
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "SipolSans"
BOLD = "SipolSans-Bold"
ITALIC = "SipolSans-Italic"
BOLD_ITALIC = "SipolSans-BoldItalic"
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core
DEJAVU = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf",
          BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}
VERA = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}
MISSING = ("DejaVu Sans tidak ditemukan di {folder}: laporan PDF memakai fon Vera, huruf di luar Latin-1 dilipat"
           " (DejaVu Sans not found; install Debian's fonts-dejavu-core for Indonesian and other Latin letters)")

log = structlog.get_logger("helpdesk.reports")


class Typeface(NamedTuple):
    family: str  # "DejaVu Sans", or "Vera" when the package is missing
    chars: frozenset[int]  # the code points it draws


def font_files(folder: Path) -> tuple[str, dict[str, Path]]:
    """The family and its four faces: DejaVu Sans from `folder`, else ReportLab's Vera (and a line in the log)."""
    if all((folder / file).is_file() for file in DEJAVU.values()):
        return "DejaVu Sans", {name: folder / file for name, file in DEJAVU.items()}
    log.warning("font_missing", message=MISSING.format(folder=folder))
    bundled = Path(os.path.dirname(reportlab.__file__)) / "fonts"
    return "Vera", {name: bundled / file for name, file in VERA.items()}


@cache
def register_fonts(folder: Path = DEJAVU_DIR) -> Typeface:
    """Registers the family once; returns it with the code points it can draw."""
    family, faces = font_files(folder)
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # The family mapping lets <b> and <i> inside a Paragraph pick the bold and italic faces.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return Typeface(family, frozenset(pdfmetrics.getFont(FONT).face.charToGlyph))


@cache
def _fold_char(char: str) -> str:
    """A character the font lacks becomes its base letter ("Ṣ" → "S" under Vera): readable, not an empty box."""
    chars = register_fonts().chars
    if ord(char) in chars or char in "\n\t\u200b":
        return char
    kept = "".join(part for part in unicodedata.normalize("NFKD", char) if ord(part) in chars)
    return kept or "?"


def fold(text: str) -> str:
    """The text as the PDF's font can draw it; exposed so callers and tests know what a page will show."""
    return "".join(_fold_char(char) for char in text)


def markup(text: str) -> str:
    """User text made safe for Paragraph markup, keeping its line breaks."""
    return escape(fold(text)).replace("\n", "<br/>")
