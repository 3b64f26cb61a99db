"""Renders what the office holds of one person (an access request, UU 27/2022) as an A4 PDF in Bahasa Indonesia."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import HRFlowable, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from domain.offices import OfficeId
from gateways.exports.fonts import BOLD, FONT, fold, register_fonts
from gateways.exports.pdf import pdf_date
from gateways.messages import message
from gateways.reports import dates, labels

MARGIN = 18 * mm
SIGNATURE_HEIGHT = 15 * mm


def _style(name: str, size: float = 9, *, font: str = FONT, align: int = 0, after: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3, alignment=align, spaceAfter=after)


TEXT = _style("pdp-text")
LABEL = _style("pdp-label", font=BOLD)
HEADING = _style("pdp-heading", 12, font=BOLD, after=2 * mm)
TITLE = _style("pdp-title", 14, font=BOLD, align=TA_CENTER, after=1 * mm)
CENTER = _style("pdp-center", 10, align=TA_CENTER)


def _p(text: Any, style: ParagraphStyle = TEXT) -> Paragraph:
    value = "-" if text is None or text == "" else str(text)
    return Paragraph(escape(fold(value)).replace("\n", "<br/>"), style)


def _moment(value: Any, office: OfficeId) -> str | None:
    """`29-07-2024 08.30 WIB`: the office's own time."""
    return dates.stamp(value, office) if value is not None else None


def _fields(rows: Sequence[tuple[str, Any]], width: float) -> Table:
    """One record as label : value lines, in a light frame."""
    body = [[_p(label, LABEL), value if isinstance(value, Image) else _p(value)] for label, value in rows]
    table = Table(body, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
    table.setStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey), ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
    ])
    return table


def _consultation(c: Any, index: int, width: float, office: OfficeId) -> list[Any]:
    bases = labels.bases([(b.get("kind", ""), b.get("reference", "")) for b in c.bases]) if c.bases else None
    rows = [
        ("Nomor konsultasi", c.id), ("Saluran", labels.channel(c.channel)), ("Status", labels.status(c.status)),
        ("Dibuka", _moment(c.opened_at, office)), ("Nama", c.name), ("Partai politik", c.party),
        ("Telepon", labels.phone(c.phone)), ("E-mail", c.email), ("Permasalahan", c.problem),
        ("Rumusan ulang", c.restatement), ("Jawaban", c.answer), ("Dasar jawaban", bases),
        ("Dijawab oleh", c.answered_by), ("Waktu jawaban", _moment(c.answered_at, office)),
        ("Alasan diserahkan ke Anggota KPU", c.handover_reason), ("Diteruskan ke", c.escalated_to),
        ("Ditutup", _moment(c.closed_at, office)),
    ]
    return [KeepTogether([_p(f"Konsultasi {index}", LABEL), Spacer(1, 1 * mm)]), _fields(rows, width),
            Spacer(1, 4 * mm)]


def _signature(data: bytes | None) -> Image | str:
    if not data:
        return message("pdp_signature_gone")
    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = SIGNATURE_HEIGHT / height if height else 1
    picture = Image(io.BytesIO(data), width=width * scale, height=height * scale)
    picture.hAlign = "LEFT"
    return picture


def _guest(g: Any, signature: bytes | None, index: int, width: float, office: OfficeId) -> list[Any]:
    rows = [
        ("Tanggal", dates.plain_date(date.fromisoformat(g.day))), ("Nomor antrean", g.number), ("Nama", g.name),
        ("Telepon", labels.phone(g.phone)), ("E-mail", g.email), ("Ditandatangani sebagai", g.signed_name),
        ("Telepon saat tanda tangan", labels.phone(g.signed_phone)), ("E-mail saat tanda tangan", g.signed_email),
        ("Tanda tangan", _signature(signature)), ("Dicatat oleh", g.recorded_by),
        ("Waktu dicatat", _moment(g.recorded_at, office)), ("Konsultasi", g.consultation_id),
    ]
    return [_p(f"Daftar hadir {index}", LABEL), Spacer(1, 1 * mm), _fields(rows, width), Spacer(1, 4 * mm)]


def _footer(canvas: Canvas, doc: Any) -> None:
    canvas.setDateFormatter(lambda *_: pdf_date(doc.created_at))  # the node's clock, not invariant mode's 2000
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.grey)
    canvas.drawString(MARGIN, 10 * mm, fold("Data pribadi — rahasia. Diberikan atas permintaan pemilik data."))
    canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Halaman {doc.page}")


def render_person_pdf(*, letterhead: Sequence[str], office: OfficeId, office_name: str, contact: str, generated_at: str,
                      consultations: Sequence[Any], guest_book: Sequence[Any], signatures: dict[str, bytes],
                      created_at: datetime | None = None) -> bytes:
    """The person's consultations and guest-book lines; `signatures`: a guest-book line's PNG by its storage key."""
    register_fonts()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 6 * mm,
        title="Data Pribadi yang Disimpan", author=fold(office_name), creator="Helpdesk SIPOL", invariant=1,
        subject=fold(f"Data Pribadi yang Disimpan · {office_name} · {contact}"),
    )
    template.created_at = created_at
    width = template.width
    story: list[Any] = [_p(line, TITLE if i == 0 else CENTER) for i, line in enumerate(letterhead)]
    story += [Spacer(1, 2 * mm), HRFlowable(width=width, thickness=1.2, color=colors.black, spaceAfter=5 * mm)]
    story += [_p("DATA PRIBADI YANG DISIMPAN", TITLE), _p(office_name, CENTER),
              _p("Permintaan akses pemilik data (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)", CENTER),
              Spacer(1, 5 * mm)]
    story.append(_fields([("Kontak yang dicari", contact), ("Dibuat", generated_at),
                          ("Jumlah konsultasi", len(consultations)), ("Jumlah daftar hadir", len(guest_book))], width))
    story += [Spacer(1, 6 * mm), _p("Konsultasi", HEADING)]
    if not consultations:
        story.append(_p(message("pdp_no_consultations")))
    for index, consultation in enumerate(consultations, start=1):
        story += _consultation(consultation, index, width, office)
    story += [Spacer(1, 4 * mm), _p("Daftar Hadir", HEADING)]
    if not guest_book:
        story.append(_p(message("pdp_no_guest_entries")))
    for index, line in enumerate(guest_book, start=1):
        story += _guest(line, signatures.get(line.signature_key), index, width, office)
    template.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
