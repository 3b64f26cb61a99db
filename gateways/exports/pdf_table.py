"""The PDF's tables: column widths that keep every word whole, the cells, the sections before the main table, and the
main table's last rows kept with what follows them (summary and signatures never stand alone on a page)."""

from __future__ import annotations

import io
from functools import singledispatch
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Table

from gateways.exports.fonts import BOLD, FONT, fold, markup
from gateways.messages import message, number
from services.documents import Cell, Column, ImageCell

CELL_PADDING = 3  # points left and right of a cell's content
IMAGE_HEIGHT = 12 * mm  # a signature is printed at most this tall: a table row of handwriting, as on paper
PHOTO_HEIGHT = 32 * mm  # a documentation photo's thumbnail: large enough to see what it shows
# A column widens to hold its longest word, up to this share of the page; a longer "word" (a URL, a hash) is split.
MAX_WORD_SHARE = 0.35
KEPT_ROWS = 2  # the table's last rows that go with the summary and the signatures


def style(name: str, size: float = 9, *, font: str = FONT, align: int = TA_LEFT, after: float = 0,
          split_words: bool = False) -> ParagraphStyle:
    # splitLongWords off: a word is never broken mid-word; the columns are made wide enough instead.
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, alignment=align, spaceAfter=after,
                          splitLongWords=int(split_words))


CELL = style("cell")
CELL_RIGHT = style("cell-right", align=TA_RIGHT)
CELL_SPLIT = style("cell-split", split_words=True)  # only for a word wider than any column may be
HEAD = style("head", font=BOLD, align=TA_CENTER)
GRID_STYLE: list[tuple[Any, ...]] = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
]
HEADER_FILL = ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6"))


def cell_text(value: Cell) -> str:
    """Numbers in the Indonesian way (1.234 and 3,5); everything else as written."""
    if value is None:
        return ""
    if isinstance(value, ImageCell):
        return "" if value.data else value.text
    if isinstance(value, float) and not value.is_integer():
        return number(value, "id", "#,##0.##")  # Babel's locale data: a report is in Bahasa Indonesia
    if isinstance(value, int | float):
        return number(int(value), "id")
    return str(value)


def _longest_word(text: str, font: str = FONT, size: float = 9) -> float:
    return max((stringWidth(word, font, size) for word in fold(text).split()), default=0.0)


def column_widths(columns: tuple[Column, ...], rows: tuple[tuple[Cell, ...], ...], width: float) -> list[float]:
    """Each column's share of `width` by its relative width, widened where its longest word needs more (the others
    giving up room in proportion), so that no word is broken."""
    need = [min(width * MAX_WORD_SHARE, 2 * CELL_PADDING + 1 + max(
        [_longest_word(column.title, BOLD), *(_longest_word(cell_text(row[i])) for row in rows if i < len(row))]))
        for i, column in enumerate(columns)]
    fixed: dict[int, float] = {}
    while len(fixed) < len(columns) and sum(fixed.values()) <= width:  # each pass fixes a column at least, or ends
        free = width - sum(fixed.values())
        weights = sum(c.width for i, c in enumerate(columns) if i not in fixed) or 1.0
        short = {i: need[i] for i, c in enumerate(columns) if i not in fixed and need[i] > free * c.width / weights}
        if not short:
            return [fixed.get(i, free * c.width / weights) for i, c in enumerate(columns)]
        fixed |= short
    if sum(need) <= width:  # every column is as wide as its longest word: the room left shared in proportion
        return [n * width / sum(need) for n in need]
    total = sum(c.width for c in columns) or 1.0  # the words cannot all fit: the plain shares, long words split
    return [width * c.width / total for c in columns]


@singledispatch
def cell(value: Cell, column: Column, width: float) -> Flowable:
    """A table cell's content; a kind of cell other than text registers its own drawing below."""
    text = cell_text(value)
    fits = _longest_word(text) <= width - 2 * CELL_PADDING
    return Paragraph(markup(text), (CELL_RIGHT if column.numeric else CELL) if fits else CELL_SPLIT)


@cell.register(ImageCell)
def _image_cell(value: ImageCell, column: Column, width: float) -> Flowable:
    """The picture scaled to fit the column and a row of handwriting; its text when there is no picture."""
    if not value.data or value.width <= 0 or value.height <= 0:
        return Paragraph(markup(value.text), CELL)
    tallest = PHOTO_HEIGHT if value.tall else IMAGE_HEIGHT
    scale = min((width - 2 * CELL_PADDING) / value.width, tallest / value.height)
    picture = Image(io.BytesIO(value.data), width=value.width * scale, height=value.height * scale)
    picture.hAlign = "LEFT"
    return picture


def header(columns: tuple[Column, ...]) -> list[Paragraph]:
    return [Paragraph(markup(column.title), HEAD) for column in columns]


def body(columns: tuple[Column, ...], rows: tuple[tuple[Cell, ...], ...], widths: list[float]) -> list[list[Any]]:
    return [[cell(value, column, w) for column, value, w in zip(columns, row, widths, strict=True)] for row in rows]


def grid(rows: list[list[Any]], widths: list[float], *, with_header: bool, empty_row: bool = True) -> Table:
    """Rows in the report's grid; `with_header`: the first row is the header, repeated on every page."""
    if with_header and empty_row and len(rows) == 1:  # an empty table prints, saying so rather than a bare header
        empty = Paragraph(message("export_no_data"), style("empty", align=TA_CENTER))
        rows = [rows[0], [empty] + [""] * (len(widths) - 1)]
        extra: list[tuple[Any, ...]] = [("SPAN", (0, 1), (-1, 1))]
    else:
        extra = []
    # splitInRow lets a very long problem text continue on the next page instead of failing the layout.
    return Table(rows, colWidths=widths, repeatRows=1 if with_header else 0, splitInRow=1,
                 style=[*GRID_STYLE, *([HEADER_FILL] if with_header else []), *extra])


class HeaderAtTop(Flowable):
    """The table's header row again, drawn only where the kept last rows start a new page; beside the rest of the
    table on the same page it takes no room."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table, self.shown = table, True
        self.hAlign = table.hAlign  # placed as the table itself would be, level with the rows under it

    measuring_in: Any = None  # the frame KeepTail is measured in (a frame sets `_frame` only on what it places)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None) or self.measuring_in
        self.shown = frame is None or bool(getattr(frame, "_atTop", True))
        width, height = self.table.wrap(available_width, available_height)
        return (width, height) if self.shown else (width, 0)

    def draw(self) -> None:
        if self.shown:
            self.table.drawOn(self.canv, 0, 0)


def split_table(columns: tuple[Column, ...], rows: tuple[tuple[Cell, ...], ...], width: float, tallest: float
                ) -> tuple[list[Flowable], list[Flowable]]:
    """The table as (what flows freely, the last rows to keep with what follows them). Rows taller together than
    `tallest` (a long complaint) flow as they are: kept together they would only move to a page of their own."""
    widths = column_widths(columns, rows, width)
    head, cells = header(columns), body(columns, rows, widths)
    whole = grid([head, *cells], widths, with_header=True)
    if len(cells) <= KEPT_ROWS:
        return ([whole], []) if whole.wrap(width, tallest)[1] > tallest else ([], [whole])
    first, last = cells[:-KEPT_ROWS], grid(cells[-KEPT_ROWS:], widths, with_header=False)
    if last.wrap(width, tallest)[1] > tallest:
        return [whole], []
    again = HeaderAtTop(grid([header(columns)], widths, with_header=True, empty_row=False))
    return [grid([head, *first], widths, with_header=True)], [again, last]


class KeepTail(KeepTogether):
    """KeepTogether that measures a HeaderAtTop in it as it will be placed: no room where the group fits under the
    rest of the table, a header row's where it moves to a page of its own."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        headers = [item for item in self._content if isinstance(item, HeaderAtTop)]
        for item in headers:
            item.measuring_in = getattr(self, "_frame", None)
        try:
            return super().wrap(available_width, available_height)
        finally:
            for item in headers:
                item.measuring_in = None
