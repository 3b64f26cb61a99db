"""Renders a ReportDocument as an XLSX workbook: letterhead, a filterable table, summary, signatures, print setup."""

from __future__ import annotations

import io
import math
import re
from datetime import UTC
from functools import singledispatch

from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.drawing.image import Image
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU, pixels_to_points
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gateways.exports import xlsx_parts
from gateways.exports.xlsx_parts import GRID
from services.documents import Cell, Column, ImageCell, ReportDocument

CREATOR = "Helpdesk SIPOL"
MAX_PORTRAIT_COLUMNS = 6
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_RIGHT = Alignment(vertical="top", horizontal="right")
IMAGE_HEIGHT_PX = 44  # a signature's height in the sheet: a row of handwriting, as on paper
PHOTO_HEIGHT_PX = 150  # a documentation photo's thumbnail
IMAGE_MARGIN_PX = 3  # between the picture and the cell's borders
CHARACTER_PX = 7  # Excel's column width is counted in characters of the default font, about 7 pixels each
LINE_POINTS = 15  # one line of the default 11-point font


def sheet_title(kind: str) -> str:
    """The kind as a sheet name ("daftar_hadir" -> "Daftar Hadir"): Excel forbids []:*?/\\ and more than 31 chars."""
    title = re.sub(r"[\[\]:*?/\\]", " ", kind.replace("_", " ")).strip().title()
    return title[:31] or "Laporan"


def _text(sheet: Worksheet, row: int, column: int, value: str, **style: object) -> SheetCell:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"  # user text starting with "=" stays text: never a formula Excel would run
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _banner(sheet: Worksheet, row: int, width: int, value: str, font: Font) -> None:
    """One line merged across the table's width, centered, as on the paper report."""
    if not value:
        return
    _text(sheet, row, 1, value, font=font, alignment=Alignment(horizontal="center"))
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _value(value: Cell, numeric: bool) -> Cell:
    """Numeric columns hold numbers (a number written as text is converted); other columns hold text."""
    if value is None:
        return None
    if numeric:
        if isinstance(value, int | float):
            return value
        for number in (int, float):
            try:
                converted = number(value)
            except ValueError:
                continue
            if math.isfinite(converted):  # "nan" or "inf" would make a file Excel refuses to open
                return converted
    return str(value)


@singledispatch
def _write(raw: Cell, sheet: Worksheet, row: int, index: int, column: Column) -> SheetCell:
    """Writes one table cell; a kind of cell other than text and numbers registers its own writing below."""
    value = _value(raw, column.numeric)
    if isinstance(value, str):
        return _text(sheet, row, index, value, alignment=TOP_WRAP)
    cell = sheet.cell(row=row, column=index, value=value)
    cell.alignment = TOP_RIGHT
    if isinstance(value, int | float):
        cell.number_format = "#,##0" if isinstance(value, int) else "#,##0.00"
    return cell


@_write.register(ImageCell)
def _write_image(raw: ImageCell, sheet: Worksheet, row: int, index: int, column: Column) -> SheetCell:
    """The picture anchored inside the cell, scaled to the column, its row made tall enough; the text otherwise."""
    if not raw.data or raw.width <= 0 or raw.height <= 0:
        return _text(sheet, row, index, raw.text, alignment=TOP_WRAP)
    column_px = (sheet.column_dimensions[get_column_letter(index)].width or 8) * CHARACTER_PX
    tallest = PHOTO_HEIGHT_PX if raw.tall else IMAGE_HEIGHT_PX
    scale = min((column_px - 2 * IMAGE_MARGIN_PX) / raw.width, tallest / raw.height)
    width, height = max(1, round(raw.width * scale)), max(1, round(raw.height * scale))
    picture = Image(io.BytesIO(raw.data))
    picture.width, picture.height = width, height
    corner = AnchorMarker(col=index - 1, colOff=pixels_to_EMU(IMAGE_MARGIN_PX), row=row - 1,
                          rowOff=pixels_to_EMU(IMAGE_MARGIN_PX))
    picture.anchor = OneCellAnchor(_from=corner, ext=XDRPositiveSize2D(pixels_to_EMU(width), pixels_to_EMU(height)))
    sheet.add_image(picture)
    needed = pixels_to_points(height + 2 * IMAGE_MARGIN_PX)
    sheet.row_dimensions[row].height = max(sheet.row_dimensions[row].height or 0, needed)
    return sheet.cell(row=row, column=index)


def _table(sheet: Worksheet, doc: ReportDocument, header_row: int) -> int:
    """Writes the header and data rows; returns the last row used (the column widths are set already)."""
    xlsx_parts.header(sheet, header_row, doc.columns, _text)
    row_number = header_row
    for row_number, row in enumerate(doc.rows, start=header_row + 1):
        for index, (column, raw) in enumerate(zip(doc.columns, row, strict=True), start=1):
            _write(raw, sheet, row_number, index, column).border = GRID
        if sheet.row_dimensions[row_number].height:
            # A picture fixed the row's height, and Excel no longer fits it to the text: make room for the text too.
            sheet.row_dimensions[row_number].height = max(sheet.row_dimensions[row_number].height,
                                                          LINE_POINTS * _text_lines(sheet, row_number))
    return row_number


def _text_lines(sheet: Worksheet, row: int) -> int:
    """About how many lines the tallest wrapped text of the row takes, from its breaks and its column's width."""
    tallest = 1
    for cell in sheet[row]:
        if isinstance(cell.value, str):
            across = max(1.0, (sheet.column_dimensions[cell.column_letter].width or 8) - 1)
            tallest = max(tallest, sum(max(1, math.ceil(len(part) / across)) for part in cell.value.split("\n")))
    return tallest


def _print_setup(sheet: Worksheet, doc: ReportDocument, header_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(doc.columns) > MAX_PORTRAIT_COLUMNS else "portrait"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.right.text = "Halaman &P dari &N"
    sheet.oddFooter.left.text = doc.generated_at.replace("&", "&&")


def render_xlsx(doc: ReportDocument) -> bytes:
    """The document as XLSX bytes, one sheet named after its kind."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(doc.kind)
    width = max(len(doc.columns), 1)
    row = 1
    for index, line in enumerate(doc.letterhead):
        _banner(sheet, row, width, line, Font(bold=True, size=13) if index == 0 else Font())
        row += 1
    if doc.address:
        _banner(sheet, row, width, doc.address, Font(size=9))
        row += 1
    if doc.letterhead or doc.address:
        row += 1
    _banner(sheet, row, width, doc.title, Font(bold=True, size=12))
    for line in (f"Nomor: {doc.number}" if doc.number else "", doc.office_name, doc.period):
        if line:
            row += 1
            _banner(sheet, row, width, line, Font())
    # One blank row between the heading and what follows; the recap's sections come before the table.
    header_row = xlsx_parts.sections(sheet, doc, row + 2, _text, _write)
    total = sum(column.width for column in doc.columns) or 1.0
    characters = 110 if len(doc.columns) > MAX_PORTRAIT_COLUMNS else 90  # about one printed page across
    for index, column in enumerate(doc.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(6.0, characters * column.width / total)
    # The widths come first: a picture in the table is scaled to its column.
    last_row = _table(sheet, doc, header_row)

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{last_row}"

    row = last_row + 2
    for label, value in doc.summary:
        _text(sheet, row, 1, f"{label}: {value}")
        row += 1
    row = xlsx_parts.signatures(sheet, doc, row + 1, _text) + 2
    _text(sheet, row, 1, f"Dibuat {doc.generated_at}", font=Font(italic=True, size=9))
    if doc.footer_note:
        _text(sheet, row + 1, 1, doc.footer_note, font=Font(italic=True, size=9))

    _print_setup(sheet, doc, header_row)
    workbook.properties.title = doc.title
    workbook.properties.subject = " · ".join(part for part in (doc.office_name, doc.period, doc.number) if part)
    if doc.created_at is not None:
        workbook.properties.created = workbook.properties.modified = doc.created_at.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.creator = CREATOR
    workbook.properties.lastModifiedBy = CREATOR
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
