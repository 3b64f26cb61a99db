"""Renders a ReportDocument's table as CSV: the data only, no letterhead, summary or signatures.

Comma-separated by default; semicolon-separated for Indonesian Excel, whose list separator is ";" (and whose decimal
separator is ",": a fraction is then written 3,5)."""

from __future__ import annotations

import csv
import io
import re
from functools import singledispatch

from services.documents import Cell, ImageCell, ReportDocument

# Excel reads a CSV without a byte-order mark as the local code page and garbles "Ñ" and "—".
BOM = "\ufeff"
SEPARATORS = (",", ";")
# Cells Excel would take for a formula when the file is opened (OWASP "CSV injection"): one starting with "=" or "@"
# (or a tab or carriage return before one), or with "+" or "-" unless it is only a number or a phone number
# ("+62 812-3456-7890", "-", "-1,5"), which runs nothing.
_ALWAYS = ("=", "@", "\t", "\r")
_SIGNED = ("+", "-")
_NUMBER_OR_PHONE = re.compile(r"[+-]?[\d\s().,-]*")


def formula_like(text: str) -> bool:
    if text.startswith(_ALWAYS):
        return True
    return text.startswith(_SIGNED) and not _NUMBER_OR_PHONE.fullmatch(text)


@singledispatch
def _field(value: Cell, separator: str) -> str | int | float:
    """One cell as CSV text; a kind of cell other than text and numbers registers its own writing below."""
    if value is None:
        return ""
    if isinstance(value, str) and formula_like(value):
        return "'" + value  # the apostrophe makes Excel show the text instead of running it
    if isinstance(value, float) and separator == ";":
        return str(value).replace(".", ",")  # Indonesian Excel's decimal comma
    return value


@_field.register(ImageCell)
def _picture_key(value: ImageCell, separator: str) -> str:
    # A CSV holds no pictures: the stored file's key names the one signed (GET /meja-depan/tanda-tangan/{key}).
    return value.key


def render_csv(doc: ReportDocument, separator: str = ",") -> bytes:
    """The column titles, then one line per row; UTF-8 with BOM, `separator` ("," or ";"), CRLF line ends."""
    if separator not in SEPARATORS:
        raise ValueError(f"a CSV separator is one of {SEPARATORS}, not {separator!r}")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow([column.title for column in doc.columns])
    writer.writerows([_field(value, separator) for value in row] for row in doc.rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
