"""Small real files for upload tests: a photo as a camera or a phone makes it, and what is no photo at all."""

from __future__ import annotations

import io

from PIL import Image


def png(seed: int = 0) -> bytes:
    """A 2×2 PNG; each seed gives other pixels, so other bytes and another storage key."""
    return _image("PNG", seed)


def jpeg(seed: int = 0) -> bytes:
    return _image("JPEG", seed)


def _image(kind: str, seed: int) -> bytes:
    out = io.BytesIO()
    colour = (seed % 256, (seed // 256) % 256, 200)
    Image.new("RGB", (2, 2), colour).save(out, kind)
    return out.getvalue()


# A Windows program: the MZ header and the PE signature where the header points.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + (
    b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 256)
# A page that would run a script if a browser ever rendered it from the office's address.
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
