"""The evidence rules: which documents leave the office with a case (never a guest-book signature, a photo or a
recording), how they are named and cut, how a chunk and the bytes that arrive are judged; and the held document that
sends its bytes once to each office that is owed them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import uuid4

import msgspec
import pytest

from domain.casefile import CaseFile
from domain.evidence import (
    CHUNK_BYTES,
    DocumentRefused,
    Evidence,
    admit_chunk,
    check_arrived,
    chunk_count,
    cut,
    evidence_of,
    travels,
)
from domain.held_document import HeldDocument
from domain.offices import OfficeId
from domain.parties import Party
from domain.values import Channel, Documentation, DocumentationKind
from services.evidence import document_sends

AT = datetime(2026, 12, 3, 9, tzinfo=UTC)
SHOT = Documentation(DocumentationKind.SCREENSHOT, f"ab/{'a' * 64}.png", "a" * 64)
PDF = Documentation(DocumentationKind.DOCUMENT, f"bb/{'b' * 64}.pdf", "b" * 64)
PHOTO = Documentation(DocumentationKind.PHOTO, f"cc/{'c' * 64}.jpg", "c" * 64)
VOICE = Documentation(DocumentationKind.RECORDING, f"dd/{'d' * 64}.m4a", "d" * 64)
SIGNATURE = Documentation(DocumentationKind.SCREENSHOT, f"ee/{'e' * 64}.png", "e" * 64)  # filed as a screenshot
SIGNATURES = frozenset({SIGNATURE.sha256})


def test_screenshots_and_documents_travel_and_personal_data_stays() -> None:
    assert travels(SHOT, SIGNATURES) and travels(PDF, SIGNATURES)
    # A photo shows the consultee, a recording is their voice, the signature is their hand, whatever it is filed as.
    assert not travels(PHOTO, SIGNATURES) and not travels(VOICE, SIGNATURES) and not travels(SIGNATURE, SIGNATURES)
    # A screenshot kept as a recording (its key says so) is not an image or a PDF: it stays too.
    assert not travels(Documentation(DocumentationKind.SCREENSHOT, f"ff/{'f' * 64}.mp4", "f" * 64), frozenset())


def test_the_case_file_names_each_travelling_document_once_with_type_and_size() -> None:
    sizes = {SHOT.storage_key: 1000, PDF.storage_key: 2_000_000}
    lost = Documentation(DocumentationKind.DOCUMENT, f"99/{'9' * 64}.pdf", "9" * 64)  # no longer in the store
    named = evidence_of([SHOT, PHOTO, SIGNATURE, PDF, SHOT, VOICE, lost], SIGNATURES, sizes.get)
    assert named == (Evidence(DocumentationKind.SCREENSHOT, SHOT.sha256, "image/png", 1000),
                     Evidence(DocumentationKind.DOCUMENT, PDF.sha256, "application/pdf", 2_000_000))
    assert named[1].chunks == chunk_count(2_000_000) == 8


def test_a_case_file_without_evidence_is_written_as_before() -> None:
    bare = CaseFile(origin_office="kab-16.13", origin_id=uuid4(), channel=Channel.WALK_IN,
                    party=Party("Partai Contoh", number=8), problem="p", restatement="r", opened_at=AT)
    assert b"evidence" not in msgspec.json.encode(bare) and bare.documents == ()
    one = Evidence(DocumentationKind.SCREENSHOT, SHOT.sha256, "image/png", 10)
    carried = msgspec.structs.replace(bare, evidence=(one,))
    # Masking and notes keep the evidence; it reads back as written.
    assert msgspec.json.decode(msgspec.json.encode(carried.masked()), type=CaseFile).documents == (one,)


def test_bytes_are_cut_into_chunks_and_checked_whole() -> None:
    data = bytes(range(256)) * (CHUNK_BYTES // 256) + b"tail"
    parts = cut(data)
    assert [len(p) for p in parts] == [CHUNK_BYTES, 4] and b"".join(parts) == data
    named = Evidence(DocumentationKind.DOCUMENT, hashlib.sha256(data).hexdigest(), "application/pdf", len(data))
    assert check_arrived(named, data) == data
    with pytest.raises(DocumentRefused) as wrong:
        check_arrived(named, data[:-1] + b"X")
    assert wrong.value.reason == "document_hash_mismatch"
    with pytest.raises(DocumentRefused) as short:
        check_arrived(named, data[:-1])
    assert short.value.reason == "document_size_mismatch"


@pytest.mark.parametrize(("sender", "to", "seal", "index", "length", "reason"), [
    ("kab-16.13", "prov-16", "signed", 1, 4, ""),
    ("kab-16.13", "prov-16", "bad_signature", 1, 4, "bad_signature"),
    ("kab-16.13", "prov-16", "unsigned", 0, CHUNK_BYTES, "unsigned"),
    ("kab-16.13", "pusat", "signed", 0, CHUNK_BYTES, "misaddressed"),
    ("pusat", "prov-16", "signed", 0, CHUNK_BYTES, "wrong_direction"),  # documents travel up only
    ("kab-17.01", "prov-16", "signed", 0, CHUNK_BYTES, "not_a_neighbour"),
    ("kab-16.13", "prov-16", "signed", 2, 4, "document_size_mismatch"),  # beyond the last chunk
    ("kab-16.13", "prov-16", "signed", 0, 5, "document_size_mismatch"),  # a first chunk must be full
])
def test_a_chunk_is_admitted_only_from_below_signed_and_fitting(sender: str, to: str, seal: str, index: int,
                                                                 length: int, reason: str) -> None:
    named = Evidence(DocumentationKind.DOCUMENT, "a" * 64, "application/pdf", CHUNK_BYTES + 4)
    assert admit_chunk(OfficeId("prov-16"), sender, to, seal, named, index, length) == reason


def test_a_document_larger_than_the_desk_keeps_is_refused() -> None:
    huge = Evidence(DocumentationKind.DOCUMENT, "a" * 64, "application/pdf", 50 * 1024 * 1024)
    assert admit_chunk(OfficeId("prov-16"), "kab-16.13", "prov-16", "signed", huge, 0, CHUNK_BYTES) == \
        "document_too_large"


def sent(held: HeldDocument) -> list[tuple[str, str]]:
    """What each of the document's new events sends, judged on the document as it stood right after that event."""
    state, sends = None, []
    for event in held.collect_events():
        state = event.mutate(state)
        sends += [(s.to, s.storage_key) for s in document_sends(event, lambda _e, now=state: now)]
    return sends


def test_the_bytes_go_once_to_each_office_owed_whichever_comes_first() -> None:
    named = Evidence(DocumentationKind.SCREENSHOT, SHOT.sha256, "image/png", 10)
    # At the province: owed to the centre before the bytes arrived; their arrival sends them.
    held = HeldDocument.note("prov-16", named, AT)
    held.owe("pusat", AT)
    held.owe("pusat", AT)  # a second case naming the same document owes nothing more
    assert held.keep("ab/key.png", "kab-16.13", AT)
    assert not held.keep("ab/other.png", "kab-16.13", AT)  # delivered twice: kept once
    assert sent(held) == [("pusat", "ab/key.png")]
    # At the origin: kept first, then owed: the debt sends them.
    origin = HeldDocument.note("kab-16.13", named, AT)
    origin.keep(SHOT.storage_key, "", AT)
    origin.owe("prov-16", AT)
    assert sent(origin) == [("prov-16", SHOT.storage_key)]
