"""The file store keeps what a file is, not what it was called: the bytes decide, a mismatch of kinds is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gateways.storage import FileRefused, FileStore, media_type_of, sniff
from tests.support.samples import EXE, HTML, jpeg, png

# The first bytes of the recordings a phone or a browser makes; the magic numbers are all a store reads.
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42\x00\x00\x00\x00" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 100
WEBM = bytes.fromhex("1a45dfa3") + bytes.fromhex("9f4286810142f7810142f2810442f381084282") + b"\x84webm"
OGG = b"OggS\x00\x02" + b"\x00" * 100
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.mark.parametrize(("content", "declared", "kept_as"), [
    (jpeg(), "image/jpeg", "image/jpeg"),
    (png(), "image/png", "image/png"),
    (PDF, "application/pdf", "application/pdf"),
    (MP3, "audio/mpeg", "audio/mpeg"),
    (M4A, "audio/x-m4a", "audio/mp4"),
    (MP4, "video/mp4", "video/mp4"),
    (MP4, "audio/mp4", "audio/mp4"),  # an MPEG-4 holding sound alone, as declared
    (WEBM, "audio/webm", "audio/webm"),  # a browser's voice recording
    (WEBM, "video/webm; codecs=vp8", "video/webm"),
    (OGG, "audio/ogg", "audio/ogg"),
    (jpeg(), "application/octet-stream", "image/jpeg"),  # declared as nothing in particular
    (png(), "image/jpeg", "image/png"),  # the right kind, the wrong type
])
def test_the_bytes_decide_what_a_file_is_kept_as(content: bytes, declared: str, kept_as: str) -> None:
    assert sniff(content, declared) == kept_as


@pytest.mark.parametrize(("content", "declared", "reason"), [
    (EXE, "image/jpeg", "media_type"),  # photo.jpg that is a program
    (HTML, "image/png", "media_type"),  # a page declared as a PNG
    (b"just some words", "image/png", "media_type"),
    (png(), "audio/mpeg", "mismatch"),  # a photo sent as a recording
    (PDF, "image/jpeg", "mismatch"),
    (jpeg(), "application/x-msdownload", "mismatch"),
])
def test_what_is_no_photo_recording_or_pdf_or_not_the_kind_declared_is_refused(content: bytes, declared: str,
                                                                               reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        sniff(content, declared)
    assert refused.value.reason == reason
    assert refused.value.code == {"media_type": "file_type_refused", "mismatch": "file_type_mismatch"}[reason]


def test_a_file_is_kept_under_its_hash_with_the_extension_its_content_has(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    photo = png(5)
    key, digest = store.put(photo, "image/jpeg")  # declared a JPEG, is a PNG
    assert digest == hashlib.sha256(photo).hexdigest()
    assert key == f"{digest[:2]}/{digest}.png" and media_type_of(key) == "image/png"
    assert store.get(key) == photo
    # Stored again: the same key, nothing new.
    assert store.put(photo, "image/png") == (key, digest)
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == [f"{digest}.png"]


def test_a_refused_file_leaves_nothing_behind(tmp_path: Path) -> None:
    store = FileStore(tmp_path, max_bytes=1000)
    for content, declared, reason in [(EXE, "image/jpeg", "media_type"), (b"", "image/png", "empty"),
                                      (png() + b"\x00" * 1000, "image/png", "size")]:
        with pytest.raises(FileRefused) as refused:
            store.put(content, declared)
        assert refused.value.reason == reason
    assert refused.value.limit == 1000  # what the person is told
    assert not any(tmp_path.rglob("*"))


def test_a_signature_must_be_a_png_in_fact(tmp_path: Path) -> None:
    # The guest book's drawn signatures go through the same put: a page declared image/png is not kept.
    store = FileStore(tmp_path)
    with pytest.raises(FileRefused):
        store.put(HTML, "image/png")
    assert store.put(png(), "image/png")[0].endswith(".png")


def test_the_store_holds_a_file_only_with_its_exact_content(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    key, digest = store.put(png(6), "image/png")
    assert store.holds(key, digest)
    other = hashlib.sha256(png(7)).hexdigest()
    assert not store.holds(key, other)  # another file's hash
    assert not store.holds(f"{other[:2]}/{other}.png", other)  # never stored
    assert not store.holds("../" + key, digest) and not store.holds("foto.jpg", digest)  # not a key at all
    assert not store.holds(key, digest.upper())  # the domain hands hashes over in small letters
    # A file damaged on disk documents nothing any more.
    (tmp_path / key).write_bytes(png(8))
    assert not store.holds(key, digest)


def test_a_kept_file_and_its_name_are_flushed_to_disk_before_put_returns(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # The record naming the file is written after put returns: the bytes, and then the folder holding the renamed
    # name, must be on the disk by then (a crash must not leave a record of a file that vanished).
    import os

    flushed: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    def replace(source: str, target: Path) -> None:
        flushed.append("renamed")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    key, _ = FileStore(tmp_path).put(png(), "image/png")
    folder = str((tmp_path / key).parent)
    assert flushed[-2:] == ["renamed", folder] and flushed[0].startswith(folder + "/tmp")
