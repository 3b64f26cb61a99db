"""Files kept locally (documentation photos, recordings, screenshots, guest-book signatures), named by content.

A file is stored once under its SHA-256 (`files/ab/abcdef….jpg`), so the key and hash an event records
prove which bytes were meant; storing the same bytes again changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

ALLOWED = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/webm": ".weba", "video/mp4": ".mp4",
    "video/webm": ".webm",
}
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{2,5}$")


class FileRefused(ValueError):
    """The file is empty, too large or of a kind the desk does not keep."""


class FileStore:
    def __init__(self, root: Path, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        """Stores the bytes; returns (storage key, sha256 hex)."""
        extension = ALLOWED.get(media_type.split(";")[0].strip().lower())
        if extension is None:
            raise FileRefused("media_type")
        if not data or len(data) > self.max_bytes:
            raise FileRefused("size")
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest}{extension}"
        path = self.root / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole under a temporary name, then renamed: a crash never leaves half a file.
            handle, temporary = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        return key, digest

    def get(self, key: str) -> bytes:
        if not _KEY.match(key):
            raise FileNotFoundError(key)
        return (self.root / key).read_bytes()
