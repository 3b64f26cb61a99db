"""Renders a ReportDocument's table as CSV: the data only, no letterhead, summary or signatures."""

from __future__ import annotations

import csv
import io
from functools import singledispatch

from services.documents import Cell, ImageCell, ReportDocument

# Excel reads a CSV without a byte-order mark as the local code page and garbles "Ñ" and "—".
BOM = "\ufeff"
# Cells Excel would take for a formula when the file is opened (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@singledispatch
def _field(value: Cell) -> str | int | float:
    """One cell as CSV text; a kind of cell other than text and numbers registers its own writing below."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # the apostrophe makes Excel show the text instead of running it
    return value


@_field.register(ImageCell)
def _picture_key(value: ImageCell) -> str:
    # A CSV holds no pictures: the stored file's key names the one signed (GET /meja-depan/tanda-tangan/{key}).
    return value.key


def render_csv(doc: ReportDocument) -> bytes:
    """The column titles, then one line per row; UTF-8 with BOM, commas, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([column.title for column in doc.columns])
    writer.writerows([_field(value) for value in row] for row in doc.rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
