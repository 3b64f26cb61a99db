"""The PDF's first lines: the letterhead (the logo, the office's full name and address, a double rule under them), then
the report's title, its document number and its period."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import structlog
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, Spacer, Table

from gateways.exports.fonts import BOLD, fold, markup
from gateways.exports.pdf_table import style
from services.documents import ReportDocument

LOGO_HEIGHT = 22 * mm
MIN_SIZE = 10.5  # points: a letterhead's name line is never printed smaller
TITLE = style("title", 13, font=BOLD, align=TA_CENTER, after=1 * mm)
CENTER = style("center", 10, align=TA_CENTER)
NUMBER = style("number", 10, align=TA_CENTER, after=1 * mm)
ADDRESS = style("address", 9, align=TA_CENTER)

log = structlog.get_logger("helpdesk.reports")


@cache
def _logo_bytes(path: str, modified: float) -> bytes | None:
    """The logo file's bytes, read once per version of the file; None (and a line in the log) when unreadable."""
    try:
        data = Path(path).read_bytes()
        ImageReader(io.BytesIO(data)).getSize()
    except (OSError, ValueError) as error:  # not an image ReportLab reads: the letterhead prints without it
        log.warning("letterhead_logo_unreadable", path=path, error=str(error))
        return None
    return data


def _logo(path: str) -> Image | None:
    try:
        data = _logo_bytes(path, Path(path).stat().st_mtime) if path else None
    except OSError:
        data = None
    if data is None:
        return None
    width, height = ImageReader(io.BytesIO(data)).getSize()
    return Image(io.BytesIO(data), width=LOGO_HEIGHT * width / height, height=LOGO_HEIGHT, mask="auto")


def _fitted(line: str, index: int, room: float) -> Paragraph:
    """A name line in bold capitals, as large as fits on one line (the first 14 points at most, the others 12), and
    no smaller than MIN_SIZE: "KABUPATEN MUSI BANYUASIN" stays together rather than wrapping."""
    largest = 14 if index == 0 else 12
    size = max(MIN_SIZE, min(largest, room / max(stringWidth(fold(line), BOLD, 1), 1)))
    return Paragraph(markup(line), style(f"letterhead-{index}", round(size, 1), font=BOLD, align=TA_CENTER))


def letterhead(doc: ReportDocument, width: float) -> list[Flowable]:
    """The kop surat: the name lines (the first the largest), the address, the logo on the left, a double rule."""
    if not doc.letterhead and not doc.address:
        return []
    logo = _logo(doc.logo)
    side = (logo.drawWidth + 4 * mm) if logo else 0
    room = width - 2 * side - 2  # the text's column, centred on the page between the logo and its mirror
    lines: list[Flowable] = [_fitted(line, i, room) for i, line in enumerate(doc.letterhead)]
    if doc.address:
        lines.append(Paragraph(markup(doc.address), ADDRESS))
    table = Table([[logo or "", lines, ""]], colWidths=[side, width - 2 * side, side])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [table, Spacer(1, 2 * mm),
            HRFlowable(width=width, thickness=2, color=colors.black, spaceAfter=1.5),
            HRFlowable(width=width, thickness=0.6, color=colors.black, spaceAfter=5 * mm)]


def heading(doc: ReportDocument, width: float) -> list[Flowable]:
    story = [*letterhead(doc, width), Paragraph(markup(doc.title), TITLE)]
    if doc.number:
        story.append(Paragraph(markup(f"Nomor: {doc.number}"), NUMBER))
    story += [Paragraph(markup(line), CENTER) for line in (doc.office_name, doc.period) if line]
    return [*story, Spacer(1, 5 * mm)]
