"""Renders a ReportDocument as an A4 PDF: letterhead, number, the sections, the table with its header repeated, the
summary and signatures kept with its last rows, page numbers; its title, author, subject and creation date in the
file's metadata."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from gateways.exports.fonts import BOLD, FONT, fold, markup, register_fonts
from gateways.exports.pdf_letterhead import heading
from gateways.exports.pdf_signatures import signature_block
from gateways.exports.pdf_table import (
    CELL,
    IMAGE_HEIGHT,
    KeepTail,
    body,
    column_widths,
    grid,
    header,
    split_table,
    style,
)
from services.documents import ReportDocument, Section

__all__ = ["IMAGE_HEIGHT", "fold", "render_pdf"]

MARGIN = 15 * mm
FOOTER_SPACE = 12 * mm  # room under the frame for the two footer lines
MAX_PORTRAIT_COLUMNS = 6
FRAME_PADDING = 6  # points: SimpleDocTemplate's frame keeps this much inside its margins on each side
CREATOR = "Helpdesk SIPOL"
SECTION_TITLE = style("section", 10, font=BOLD, after=1.5 * mm)


def _sections(doc: ReportDocument, width: float) -> list[Flowable]:
    story: list[Flowable] = []
    for section in doc.sections:
        story += [Paragraph(markup(section.title), SECTION_TITLE), _section_table(section, width), Spacer(1, 5 * mm)]
    if doc.table_title:
        story.append(Paragraph(markup(doc.table_title), SECTION_TITLE))
    return story


def _section_table(section: Section, width: float) -> Table:
    """A section of a few columns (a count beside its label) takes half the width, from the left."""
    narrow = len(section.columns) <= 3
    widths = column_widths(section.columns, section.rows, width / 2 if narrow else width)
    table = grid([header(section.columns), *body(section.columns, section.rows, widths)], widths, with_header=True)
    table.hAlign = "LEFT"
    return table


def _summary(doc: ReportDocument, width: float) -> list[Flowable]:
    if not doc.summary:
        return []
    rows = [[Paragraph(markup(label), CELL), Paragraph(": " + markup(value), CELL)] for label, value in doc.summary]
    # The label column is as wide as the longest label, so the values line up just after it.
    longest = max(pdfmetrics.stringWidth(fold(label), FONT, CELL.fontSize) for label, _ in doc.summary)
    label_width = min(width / 2, longest)
    table = Table(rows, colWidths=[label_width + 8, width - label_width - 8], hAlign="LEFT")
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1)])
    return [Spacer(1, 4 * mm), table]


def pdf_date(moment: datetime | None) -> str:
    """`D:20261202100512+00'00'`, the PDF's form of a moment with its offset from UTC."""
    moment = moment or datetime(2000, 1, 1, tzinfo=UTC)  # a document made without a clock: ReportLab's own date
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(abs(offset.total_seconds()) // 60)
    sign = "-" if offset < timedelta(0) else "+"
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _numbered_canvas(doc: ReportDocument) -> type[canvas.Canvas]:
    """A canvas that holds every page back until the end, so each footer can say "Halaman X dari Y"."""
    footer_left = f"Dibuat {doc.generated_at}" + (f" · Nomor {doc.number}" if doc.number else "")

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            # Invariant mode keeps the file's id the same for the same document; its dates are the document's own.
            self.setDateFormatter(lambda *_: pdf_date(doc.created_at))

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
            self.drawString(MARGIN, top - 4 * mm, fold(footer_left))
            self.drawRightString(page_width - MARGIN, top - 4 * mm, f"Halaman {number} dari {total}")
            if doc.footer_note:
                note = fold(doc.footer_note)
                while note and self.stringWidth(note, FONT, 7.5) > page_width - 2 * MARGIN:
                    note = note[:-2] + "…"  # a note wider than the page is cut, never drawn off the edge
                self.drawString(MARGIN, top - 7.5 * mm, note)

    return NumberedCanvas


def _metadata(doc: ReportDocument) -> dict[str, str]:
    makers = [s.name for s in doc.signatures if s.name.strip() and not s.acknowledges]
    subject = " · ".join(part for part in (doc.title, doc.office_name, doc.period, doc.number) if part)
    return {"title": fold(doc.title), "author": fold(makers[0] if makers else doc.office_name or CREATOR),
            "subject": fold(subject), "creator": CREATOR}


def render_pdf(doc: ReportDocument) -> bytes:
    """The document as PDF bytes: portrait A4, landscape when the table has more than six columns. The same document
    gives the same bytes (ReportLab's invariant mode: no random id; the dates are the document's)."""
    register_fonts()
    pagesize = landscape(A4) if len(doc.columns) > MAX_PORTRAIT_COLUMNS else A4
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_SPACE, invariant=1, **_metadata(doc),
    )
    width = template.width - 2 * FRAME_PADDING  # what the frame gives a flowable: nothing sticks out of it
    flowing, kept = split_table(doc.columns, doc.rows, width, template.height / 2)
    signatures = signature_block(doc.signatures, width)
    ending = [*kept, *_summary(doc, width), *([Spacer(1, 6 * mm), signatures] if signatures else [])]
    story = [*heading(doc, width), *_sections(doc, width), *flowing, KeepTail(ending)]
    template.build(story, canvasmaker=_numbered_canvas(doc))
    return buffer.getvalue()
