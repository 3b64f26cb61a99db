"""Evidence that travels with an escalation: which of the desk's documents may leave the office, how they are named
on the way (kind, SHA-256, media type, size), and how their bytes are cut for the wire and checked on arrival.

What leaves is what the question is about: screenshots and documents, as images or PDFs. Photos of a meeting and
recordings show or voice the consultee, and the guest-book signature is the consultee's own hand (UU 27/2022):
they stay at the office, whatever kind the desk filed them under.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import msgspec

from domain.errors import DomainError
from domain.offices import OfficeId
from domain.routing import RouteRejected, check_route, check_seal
from domain.values import Documentation, DocumentationKind

# The kinds that may travel; the others carry personal data (faces, voices).
TRAVELLING_KINDS = frozenset({DocumentationKind.SCREENSHOT, DocumentationKind.DOCUMENT})
# The media types a travelling document may have, by the extension its stored key ends with (the store names a file
# by its content: gateways/storage.py).
TRAVELLING_MEDIA = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "pdf": "application/pdf"}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # the largest file the desk keeps
# Bytes of one chunk on the wire: well under NATS's default max_payload (1 MiB) with the chunk's own fields.
CHUNK_BYTES = 256 * 1024


class Evidence(msgspec.Struct, frozen=True):
    """A document named in a case file: what it is, the SHA-256 of its bytes, its media type and its size."""

    kind: DocumentationKind
    sha256: str
    media_type: str
    size: int

    @property
    def chunks(self) -> int:
        return chunk_count(self.size)

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


class DocumentRefused(DomainError):
    """Bytes that arrived for a document are not the document the case file names."""

    code = "document_refused"
    kind = "invalid"

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason  # document_hash_mismatch, document_size_mismatch, document_too_large


def travels(documentation: Documentation, signatures: frozenset[str]) -> bool:
    """Whether a document may leave the office with its case: a screenshot or a document, an image or a PDF, and
    never a file that is a guest-book signature (`signatures`: their SHA-256s), whatever kind it was filed as."""
    return (documentation.kind in TRAVELLING_KINDS and documentation.sha256 not in signatures
            and media_type_of(documentation.storage_key) is not None)


def media_type_of(storage_key: str) -> str | None:
    """The media type of a stored file that may travel, by its key's extension; None for any other."""
    return TRAVELLING_MEDIA.get(storage_key.rsplit(".", 1)[-1].lower()) if "." in storage_key else None


def evidence_of(documentation: Iterable[Documentation], signatures: frozenset[str],
                size_of: Callable[[str], int | None]) -> tuple[Evidence, ...]:
    """The evidence a case file names: the documents that travel, each content once, in the order attached.
    `size_of(storage_key)` is the stored file's size in bytes; None when the office no longer has it (nothing of it
    could be sent, so the case file does not name it)."""
    named: dict[str, Evidence] = {}
    for item in documentation:
        media_type = media_type_of(item.storage_key)
        if media_type is None or not travels(item, signatures) or item.sha256 in named:
            continue
        size = size_of(item.storage_key)
        if size:
            named[item.sha256] = Evidence(item.kind, item.sha256, media_type, size)
    return tuple(named.values())


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK_BYTES))


def cut(data: bytes) -> list[bytes]:
    """The bytes in chunks of CHUNK_BYTES, in order (at least one)."""
    return [data[i:i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)] or [b""]


def check_chunk(evidence: Evidence, index: int, length: int) -> None:
    """A chunk must fit its document: a size the desk keeps, an index within the count, the length its place gives."""
    if not 0 < evidence.size <= MAX_EVIDENCE_BYTES:
        raise DocumentRefused("document_too_large")
    expected = min(CHUNK_BYTES, evidence.size - index * CHUNK_BYTES)
    if not 0 <= index < evidence.chunks or length != expected:
        raise DocumentRefused("document_size_mismatch")


def check_arrived(evidence: Evidence, data: bytes) -> bytes:
    """The assembled bytes, if they are exactly the document named: its size and its SHA-256."""
    if len(data) != evidence.size:
        raise DocumentRefused("document_size_mismatch")
    if hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise DocumentRefused("document_hash_mismatch")
    return data


def admit_chunk(receiver: OfficeId, sender: str, to: str, seal: str, evidence: Evidence, index: int,
                length: int) -> str:
    """Why a chunk of a document must not be kept ("" when it may): documents travel up only, from a child office
    addressed to this one, signed by the sender, and each chunk fits the document it names."""
    try:
        check_route(receiver, sender, to, True, sender)
        check_seal(seal)
        check_chunk(evidence, index, length)
    except (RouteRejected, DocumentRefused) as refusal:
        return refusal.reason
    return ""
