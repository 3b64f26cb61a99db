"""The documentation files (photos, recordings, screenshots, guest-book signatures), named by content: the port every
caller uses (`DocumentStore`), the checks a file passes before any store keeps it, and the local-folder adapter.

A file is stored once under its SHA-256 (`ab/abcdef….jpg`: in `files/` of the node's folder here, under the office's
prefix in a bucket with gateways/objectstore.py), so the key and hash an event records prove which bytes were meant,
wherever they are kept; storing the same bytes again changes nothing. What a file is comes from its own
bytes (their magic numbers, read by puremagic), never from the type the browser declared: an `.exe` named
photo.jpg, or a page of HTML declared image/png, is refused, and the extension a file is kept and served under is
the one its content has.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

import puremagic

# The kinds the desk keeps, by media type, and the extension each is kept (and served) under.
ALLOWED = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/webm": ".weba", "video/mp4": ".mp4",
    "video/webm": ".webm",
}
MEDIA_OF_EXTENSION = {extension: media for media, extension in ALLOWED.items()}
# What puremagic calls each kept type (its MIME type, or the extension where it gives none) → the media types such
# bytes may be kept as. MPEG-4 and WebM are containers: the bytes say which container, and the declared type only
# whether it holds sound alone (the first listed when the declaration says nothing about it).
_SNIFFED: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("image/jpeg",),
    "image/png": ("image/png",),
    "image/webp": ("image/webp",),
    "application/pdf": ("application/pdf",),
    "audio/mpeg": ("audio/mpeg",),
    "video/mp4": ("video/mp4", "audio/mp4"),
    "audio/mp4": ("audio/mp4", "video/mp4"),
    ".m4a": ("audio/mp4", "video/mp4"),
    "application/ogg": ("audio/ogg",),
    "audio/ogg": ("audio/ogg",),
    "video/webm": ("video/webm", "audio/webm"),
}
# Other names browsers and phones give the same types.
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "audio/mp3": "audio/mpeg",
            "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4", "application/x-pdf": "application/pdf"}
# A declaration that says nothing about the content: any kept kind may arrive under it. (text/plain is what a
# multipart part without a Content-Type is taken to be, RFC 7578 §4.4.)
_UNDECLARED = {"", "application/octet-stream", "binary/octet-stream", "application/unknown", "text/plain"}
MAX_FILE_BYTES = 20 * 1024 * 1024
# A request carrying one file: the file and the form around it.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{2,5}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


# Why a file is refused → the message catalogue's code.
_REFUSALS = {"empty": "file_empty", "size": "file_too_large", "media_type": "file_type_refused",
             "mismatch": "file_type_mismatch"}


class FileRefused(ValueError):
    """The file is empty, too large, of a kind the desk does not keep, or not the kind it was declared as."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit  # the largest file kept, in bytes: what a person is told when theirs is larger

    @property
    def code(self) -> str:
        """The message catalogue's code for the refusal."""
        return _REFUSALS[self.reason]


class StorageUnavailable(Exception):
    """The store that keeps the files could not be used (not reachable, or it refused this node's credentials): nothing
    was stored, so nothing may be recorded as stored. Deliberately not an OSError: a file that cannot be fetched now is
    not a file that is missing."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # "unreachable" | "refused"
        self.detail = detail  # for the log: what the store answered (never a secret)

    @property
    def code(self) -> str:
        """The message catalogue's code."""
        return "file_store_refused" if self.reason == "refused" else "file_store_unavailable"


class FileDamaged(FileNotFoundError):
    """The bytes kept under a key are not those its SHA-256 names: they document nothing, as if the file were gone."""


class DocumentStore(Protocol):
    """Where the office keeps its documentation files (the local folder or an S3 bucket, chosen by settings). Keys are
    `ab/<sha256>.<ext>` wherever the bytes live, so a key recorded at one office names the same file at another."""

    root: Path  # the node's own folder for what never leaves it (the mails as received: gateways/mail/mime.py)
    max_bytes: int

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        """Checks the bytes (type by content, size), then keeps them once; (storage key, sha256 hex). Raises
        FileRefused before anything is stored, StorageUnavailable when the store cannot be used."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes, verified against the key's SHA-256: FileNotFoundError (FileDamaged) when missing or altered."""
        ...

    def holds(self, storage_key: str, sha256: str) -> bool:
        """Whether exactly these bytes are kept under this key."""
        ...

    def exists(self, key: str) -> bool:
        """Whether anything is kept under this key (without reading it)."""
        ...

    def delete(self, key: str) -> bool:
        """Deletes the file (a signature whose retention has passed); False when there was none."""
        ...


def admitted(data: bytes, media_type: str, max_bytes: int) -> tuple[str, str]:
    """(storage key, sha256 hex) of bytes the desk keeps, checked before any store sees them: not empty, not larger
    than `max_bytes`, and a kept kind by their own content. `media_type` is what the sender declared."""
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("size", max_bytes)
    extension = ALLOWED[sniff(data, media_type)]
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest}{extension}", digest


def is_key(key: str) -> bool:
    return bool(_KEY.match(key))


def verified(key: str, data: bytes) -> bytes:
    """The bytes read under `key`, if they are the ones its SHA-256 names."""
    if hashlib.sha256(data).hexdigest() != key[3:67]:
        raise FileDamaged(key)
    return data


def names_content(storage_key: str, sha256: str) -> bool:
    """Whether the key is well formed and names this SHA-256 (a key is only a name: the bytes are checked apart)."""
    return bool(_KEY.match(storage_key)) and bool(_SHA256.match(sha256)) and storage_key[3:67] == sha256


class FileStore:
    """The node's own folder (`<data_dir>/files`): the default store."""

    def __init__(self, root: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        """Stores the bytes; returns (storage key, sha256 hex). `media_type` is what the sender declared."""
        key, digest = admitted(data, media_type, self.max_bytes)
        write_once(self.root / key, data)
        return key, digest

    def get(self, key: str) -> bytes:
        if not _KEY.match(key):
            raise FileNotFoundError(key)
        return verified(key, (self.root / key).read_bytes())

    def holds(self, storage_key: str, sha256: str) -> bool:
        """Whether a file is kept under this key with exactly this content (its bytes are hashed again: a key is only
        a name, and a file damaged on disk documents nothing)."""
        if not names_content(storage_key, sha256):
            return False
        try:
            self.get(storage_key)
        except OSError:
            return False
        return True

    def exists(self, key: str) -> bool:
        return bool(_KEY.match(key)) and (self.root / key).is_file()

    def delete(self, key: str) -> bool:
        if not _KEY.match(key):
            return False
        try:
            (self.root / key).unlink()
        except FileNotFoundError:
            return False
        return True


def write_once(path: Path, data: bytes) -> None:
    """Writes a content-addressed file unless it is there: whole under a temporary name, then renamed, so a crash
    never leaves half a file; the folder is flushed after the rename, so the name survives a crash too (the record
    that names the file is written after this returns)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    flush_folder(path.parent)


def flush_folder(folder: Path) -> None:
    """Makes the folder's entries (a file renamed into it) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def media_type_of(key: str) -> str:
    """The media type a stored file is served as, from the extension its content gave it."""
    return MEDIA_OF_EXTENSION.get("." + key.rsplit(".", 1)[-1], "application/octet-stream")


def sniff(data: bytes, declared: str) -> str:
    """The kept media type these bytes are. Refused when they are none of the kept kinds, or when the sender
    declared another kind (an image declared, a program or a page sent); a declaration of the right kind but the
    wrong type (a PNG sent as image/jpeg) or of no type at all is harmless, and the bytes decide."""
    named = declared.split(";")[0].strip().lower()
    claimed = _ALIASES.get(named, named)
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        matches = []
    # Only the strongest signatures count: an executable also matches a few weak ones of other formats.
    strongest = [match for match in matches if match.confidence == matches[0].confidence]
    for match in strongest:
        choices = _SNIFFED.get(match.mime_type) or _SNIFFED.get(match.extension)
        if choices:
            found = claimed if claimed in choices else choices[0]
            if claimed not in _UNDECLARED and _kind(claimed) != _kind(found):
                raise FileRefused("mismatch")
            return found
    raise FileRefused("media_type")


def _kind(media_type: str) -> str:
    """Image, recording (sound or video) or document; anything else is a kind of its own that matches nothing kept."""
    top = media_type.split("/")[0]
    if top == "image":
        return "image"
    if top in ("audio", "video"):
        return "recording"
    return "document" if media_type == "application/pdf" else media_type
