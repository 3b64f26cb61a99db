"""Renders a ReportDocument as an A4 PDF with letterhead, repeated table header, signatures and page numbers."""

from __future__ import annotations

import io
import os
import unicodedata
from functools import cache, singledispatch
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from gateways.messages import message
from services.documents import Cell, Column, ImageCell, ReportDocument, Signature

FONT = "SipolVera"
BOLD = "SipolVera-Bold"
ITALIC = "SipolVera-Italic"
MARGIN = 15 * mm
FOOTER_SPACE = 12 * mm  # room under the frame for the two footer lines
MAX_PORTRAIT_COLUMNS = 6
CELL_PADDING = 3  # points left and right of a cell's content
IMAGE_HEIGHT = 12 * mm  # a signature is printed at most this tall: a table row of handwriting, as on paper
PHOTO_HEIGHT = 32 * mm  # a documentation photo's thumbnail: large enough to see what it shows


@cache
def _font_chars() -> frozenset[int]:
    """Registers the bundled Vera family once (the standard PDF fonts stop at Latin-1); returns its code points."""
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    faces = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", f"{FONT}-BoldItalic": "VeraBI.ttf"}
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    # The family mapping lets <b> and <i> inside a Paragraph pick the bold and italic faces.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=f"{FONT}-BoldItalic")
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


@cache
def _fold_char(char: str) -> str:
    """A character Vera lacks (e.g. "Ṣ") becomes its base letter ("S"): readable, where the font would draw a box."""
    chars = _font_chars()
    if ord(char) in chars or char in "\n\t":
        return char
    kept = "".join(part for part in unicodedata.normalize("NFKD", char) if ord(part) in chars)
    return kept or "?"


def fold(text: str) -> str:
    """The text as the PDF's font can draw it; exposed so callers and tests know what a page will show."""
    return "".join(_fold_char(char) for char in text)


def _markup(text: str) -> str:
    """User text made safe for Paragraph markup, keeping its line breaks."""
    return escape(fold(text)).replace("\n", "<br/>")


def _cell_text(value: Cell) -> str:
    """Numbers in the Indonesian way (1.234 and 3,5); everything else as written."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".").translate(str.maketrans(",.", ".,"))
    if isinstance(value, int | float):
        return f"{int(value):,}".replace(",", ".")
    return str(value)


def _style(name: str, size: float = 9, *, font: str = FONT, align: int = TA_LEFT, after: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, alignment=align, spaceAfter=after)


CELL = _style("cell")
CELL_RIGHT = _style("cell-right", align=TA_RIGHT)
HEAD = _style("head", font=BOLD, align=TA_CENTER)
CENTER = _style("center", 10, align=TA_CENTER)


def _heading(doc: ReportDocument, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    for index, line in enumerate(doc.letterhead):
        size, font = (14, BOLD) if index == 0 else (10, FONT)
        story.append(Paragraph(_markup(line), _style(f"letterhead-{index}", size, font=font, align=TA_CENTER)))
    if doc.letterhead:
        story += [Spacer(1, 2 * mm), HRFlowable(width=width, thickness=1.5, color=colors.black, spaceAfter=6 * mm)]
    story.append(Paragraph(_markup(doc.title), _style("title", 13, font=BOLD, align=TA_CENTER, after=2 * mm)))
    story += [Paragraph(_markup(line), CENTER) for line in (doc.office_name, doc.period) if line]
    return [*story, Spacer(1, 5 * mm)]


@singledispatch
def _cell(value: Cell, column: Column, width: float) -> Flowable:
    """A table cell's content; a kind of cell other than text registers its own drawing below."""
    return Paragraph(_markup(_cell_text(value)), CELL_RIGHT if column.numeric else CELL)


@_cell.register(ImageCell)
def _image_cell(value: ImageCell, column: Column, width: float) -> Flowable:
    """The picture scaled to fit the column and a row of handwriting; its text when there is no picture."""
    if not value.data or value.width <= 0 or value.height <= 0:
        return Paragraph(_markup(value.text), CELL)
    tallest = PHOTO_HEIGHT if value.tall else IMAGE_HEIGHT
    scale = min((width - 2 * CELL_PADDING) / value.width, tallest / value.height)
    picture = Image(io.BytesIO(value.data), width=value.width * scale, height=value.height * scale)
    picture.hAlign = "LEFT"
    return picture


def _table(doc: ReportDocument, width: float) -> Table:
    total = sum(column.width for column in doc.columns) or 1.0
    widths = [width * column.width / total for column in doc.columns]
    head = [Paragraph(_markup(column.title), HEAD) for column in doc.columns]
    body: list[list[Any]] = [
        [_cell(value, column, cell_width)
         for column, value, cell_width in zip(doc.columns, row, widths, strict=True)]
        for row in doc.rows
    ]
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if not body:  # an empty day still prints its table, saying so rather than showing a bare header
        body = [[Paragraph(message("export_no_data"), _style("empty", align=TA_CENTER))] + [""] * (len(widths) - 1)]
        style.append(("SPAN", (0, 1), (-1, 1)))
    # splitInRow lets a very long problem text continue on the next page instead of failing the layout.
    return Table([head, *body], colWidths=widths, repeatRows=1, splitInRow=1, style=style)


def _summary(doc: ReportDocument, width: float) -> list[Flowable]:
    if not doc.summary:
        return []
    rows = [[Paragraph(_markup(label), CELL), Paragraph(": " + _markup(value), CELL)] for label, value in doc.summary]
    # The label column is as wide as the longest label, so the values line up just after it.
    longest = max(pdfmetrics.stringWidth(fold(label), FONT, CELL.fontSize) for label, _ in doc.summary)
    label_width = min(width / 2, longest)
    table = Table(rows, colWidths=[label_width + 8, width - label_width - 8], hAlign="LEFT")
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1)])
    return [Spacer(1, 4 * mm), table]


def _signature_cell(signature: Signature) -> list[Flowable]:
    center = _style("signature", 10, align=TA_CENTER)
    name = f"<u><b>{_markup(signature.name)}</b></u>" if signature.name.strip() else "(" + "." * 40 + ")"
    return [
        Paragraph(_markup(signature.place_date), center),
        Paragraph(_markup(signature.role), center),
        Spacer(1, 3 * center.leading),  # three blank lines: room for the signature and the stamp
        Paragraph(name, center),
    ]


def _signatures(doc: ReportDocument, width: float) -> list[Flowable]:
    if not doc.signatures:
        return []
    cells = [_signature_cell(signature) for signature in doc.signatures]
    if len(cells) == 1:  # a lone signer signs on the right, as in Indonesian official letters
        table = Table([["", cells[0]]], colWidths=[width / 2, width / 2])
    else:
        table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    return [KeepTogether([Spacer(1, 8 * mm), table])]


def _numbered_canvas(doc: ReportDocument) -> type[canvas.Canvas]:
    """A canvas that holds every page back until the end, so each footer can say "Halaman X dari Y"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._footer(number, len(self._held))
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            page_width = self._pagesize[0]
            top = MARGIN + FOOTER_SPACE - 4 * mm
            self.setStrokeColor(colors.grey)
            self.setLineWidth(0.4)
            self.line(MARGIN, top, page_width - MARGIN, top)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, top - 4 * mm, fold(f"Dibuat {doc.generated_at}"))
            self.drawRightString(page_width - MARGIN, top - 4 * mm, f"Halaman {number} dari {total}")
            if doc.footer_note:
                note = fold(doc.footer_note)
                while note and self.stringWidth(note, FONT, 7.5) > page_width - 2 * MARGIN:
                    note = note[:-2] + "…"  # a note wider than the page is cut, never drawn off the edge
                self.drawString(MARGIN, top - 7.5 * mm, note)

    return NumberedCanvas


def render_pdf(doc: ReportDocument) -> bytes:
    """The document as PDF bytes: portrait A4, landscape when the table has more than six columns."""
    _font_chars()
    pagesize = landscape(A4) if len(doc.columns) > MAX_PORTRAIT_COLUMNS else A4
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_SPACE,
        title=fold(doc.title),
        author="Helpdesk SIPOL",
        creator="Helpdesk SIPOL",
        invariant=1,  # no timestamp or random id in the file: the same document gives the same bytes
    )
    width = template.width
    story = [*_heading(doc, width), _table(doc, width), *_summary(doc, width), *_signatures(doc, width)]
    template.build(story, canvasmaker=_numbered_canvas(doc))
    return buffer.getvalue()
