"""The signature block in the usual Indonesian form: the place and date once, above the maker on the right;
"Mengetahui," and the superior on the left; under each title room to sign, the full name underlined and the NIP
(a dotted line to write by hand where the name or the NIP is not known)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Paragraph, Spacer, Table

from gateways.exports.fonts import markup
from gateways.exports.pdf_table import style
from services.documents import Signature

LINE = style("signature", 10, align=TA_CENTER)
BLANK_NAME = "(" + "." * 40 + ")"
BLANK_NIP = "NIP. " + "." * 32
ACKNOWLEDGED = "Mengetahui,"
SIGNING_ROOM = 3.5  # blank lines for the signature and the stamp


def _column(signature: Signature, first_line: str) -> list[Any]:
    name = f"<u><b>{markup(signature.name)}</b></u>" if signature.name.strip() else BLANK_NAME
    nip = f"NIP. {signature.nip}" if signature.nip else BLANK_NIP
    return [[Paragraph(markup(first_line), LINE)], [Paragraph(markup(signature.role), LINE)],
            [Spacer(1, SIGNING_ROOM * LINE.leading)], [Paragraph(name, LINE)], [Paragraph(markup(nip), LINE)]]


def signature_block(signatures: tuple[Signature, ...], width: float) -> Table | None:
    """The superiors on the left, the makers on the right (a lone maker on the right half); one line per row across
    them, so "Mengetahui," sits level with the place and date, the titles level, the names level."""
    if not signatures:
        return None
    left = [s for s in signatures if s.acknowledges]
    right = [s for s in signatures if not s.acknowledges]
    columns = [_column(s, ACKNOWLEDGED) for s in left]
    columns += [_column(s, s.place_date if i == len(right) - 1 else "") for i, s in enumerate(right)]
    if len(columns) == 1:
        columns.insert(0, [""] * len(columns[0]))
    rows = [[column[line] for column in columns] for line in range(len(columns[0]))]
    table = Table(rows, colWidths=[width / len(columns)] * len(columns))
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    return table
