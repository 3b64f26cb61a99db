"""The workbook's parts around the main table: the sections before it (the recap's figures) and the signature block
after it, in the same form as the PDF's."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from services.documents import Cell, Column, ReportDocument, Signature

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
BLANK_NAME = "(" + "." * 40 + ")"
BLANK_NIP = "NIP. " + "." * 32
Text = Callable[..., SheetCell]  # xlsx.py's _text(sheet, row, column, value, **style)
Write = Callable[[Cell, Worksheet, int, int, Column], SheetCell]  # xlsx.py's _write


def header(sheet: Worksheet, row: int, columns: tuple[Column, ...], text: Text) -> None:
    for index, column in enumerate(columns, start=1):
        text(sheet, row, index, column.title, font=Font(bold=True), fill=HEADER_FILL, border=GRID,
             alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))


def sections(sheet: Worksheet, doc: ReportDocument, row: int, text: Text, write: Write) -> int:
    """Each section's title, header and rows from `row` on; returns the next free row."""
    for section in doc.sections:
        text(sheet, row, 1, section.title, font=Font(bold=True))
        header(sheet, row + 1, section.columns, text)
        row += 2
        for values in section.rows:
            for index, (column, raw) in enumerate(zip(section.columns, values, strict=True), start=1):
                write(raw, sheet, row, index, column).border = GRID
            row += 1
        row += 1
    if doc.table_title:
        text(sheet, row, 1, doc.table_title, font=Font(bold=True))
        row += 1
    return row


def signatures(sheet: Worksheet, doc: ReportDocument, row: int, text: Text) -> int:
    """The superiors ("Mengetahui,") from the first column, the makers to the last, the place and date once above
    the last maker; returns the last row used."""
    width = max(len(doc.columns), 1)
    left = [s for s in doc.signatures if s.acknowledges]
    right = [s for s in doc.signatures if not s.acknowledges]
    if not left and not right:
        return row - 1
    places = [(min(1 + 2 * i, width), s, "Mengetahui,") for i, s in enumerate(left)]
    places += [(max(width - 2 * (len(right) - 1 - i), 1), s, s.place_date if i == len(right) - 1 else "")
               for i, s in enumerate(right)]
    for column, signature, first in places:
        _signature(sheet, row, column, signature, first, text)
    return row + 6


def _signature(sheet: Worksheet, top: int, column: int, signature: Signature, first: str, text: Text) -> None:
    if first:
        text(sheet, top, column, first)
    text(sheet, top + 1, column, signature.role)
    # Rows top+2 to top+4 stay blank: room to sign.
    if signature.name.strip():
        text(sheet, top + 5, column, signature.name, font=Font(bold=True, underline="single"))
    else:
        text(sheet, top + 5, column, BLANK_NAME)
    text(sheet, top + 6, column, f"NIP. {signature.nip}" if signature.nip else BLANK_NIP)
