"""Pictures for report cells: a stored signature made into a small PNG on white that every renderer can print."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable

from PIL import Image, UnidentifiedImageError

from gateways.messages import message
from services.documents import ImageCell

# A drawn signature is a few hundred pixels each way (the canvas times the screen's density); printed, it is a
# thumbnail. Larger drawings are scaled down here once, so the PDF and the workbook stay small.
PRINT_BOX = (480, 160)
# A documentation photo or screenshot printed as a thumbnail beside its consultation (the Dokumentasi Foto).
THUMBNAIL_BOX = (360, 270)
# A PNG of at most 500 KB can still unpack into a huge bitmap (a "decompression bomb"): such a file is not read.
MAX_PIXELS = 12_000_000


def picture_cell(key: str, text: str, read_file: Callable[[str], bytes], box: tuple[int, int] = PRINT_BOX,
                 href: str = "") -> ImageCell:
    """The stored picture under `key` as a cell, scaled into `box`; without data (the text shows instead) when it
    cannot be read. `href` is where the page shows the picture from (empty: the front desk's signature route)."""
    try:
        data = read_file(key)
    except OSError:
        return ImageCell(key=key, text=f"{text} (berkas tidak ditemukan)", href=href)
    printable = _printable(data, box)
    if printable is None:
        return ImageCell(key=key, text=message("image_unreadable", text=text), href=href)
    png, width, height = printable
    return ImageCell(key=key, text=text, data=png, width=width, height=height, href=href, tall=box != PRINT_BOX)


def _printable(data: bytes, box: tuple[int, int]) -> tuple[bytes, int, int] | None:
    """The picture flattened onto white (transparent ink would print black on some readers), scaled into `box`,
    as PNG bytes with its size; None when the bytes are not a picture Pillow can read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.width * source.height > MAX_PIXELS:
                    return None
                source.load()
                picture = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        # What Pillow raises for a truncated or malformed file (SyntaxError is its "not a PNG after all").
        return None
    paper = Image.new("RGB", picture.size, "white")
    paper.paste(picture, mask=picture.getchannel("A"))
    paper.thumbnail(box)
    out = io.BytesIO()
    paper.save(out, format="PNG", optimize=True)
    return out.getvalue(), paper.width, paper.height
