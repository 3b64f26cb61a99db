"""The file store's contract, one test body per behaviour run on both adapters (the node's folder and a real
SeaweedFS bucket), each built by the composition root from settings alone; then what only the bucket does: the office's
prefix, a second put that writes nothing, and a store that refuses the node or cannot be reached."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateways.bootstrap import FILE_STORES
from gateways.config import load_settings
from gateways.objectstore import S3FileStore
from gateways.storage import DocumentStore, FileDamaged, FileRefused, StorageUnavailable
from tests.support.ports import free_port
from tests.support.s3server import S3Server
from tests.support.samples import EXE, HTML, jpeg, png


@dataclass
class Backend:
    """A store under test, and how a test sees (and damages) what it keeps, from outside the store."""

    store: DocumentStore
    kept: Callable[[], list[str]]  # the keys kept, as the store's own medium lists them
    overwrite: Callable[[str, bytes], None]  # puts other bytes under a key, behind the store's back


def open_store(data_dir: Path, **storage: str) -> DocumentStore:
    """The store the settings name, built as a node builds it (gateways/bootstrap.py FILE_STORES)."""
    settings = load_settings({}, node_id="kab-16.13", database="memory", data_dir=str(data_dir), nats_url="",
                             **storage)
    return FILE_STORES[settings.storage_backend](settings)


def local_backend(tmp_path: Path) -> Backend:
    store = open_store(tmp_path / "node")
    root = tmp_path / "node" / "files"

    def kept() -> list[str]:
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

    return Backend(store, kept, lambda key, data: (root / key).write_bytes(data))


def s3_backend(tmp_path: Path, server: S3Server) -> Backend:
    prefix = f"t-{uuid.uuid4().hex[:12]}"  # this test's own folder in the shared bucket
    store = open_store(tmp_path / "node", **server.settings(prefix))

    def kept() -> list[str]:
        return [name.removeprefix(f"{prefix}/") for name in server.object_names(f"{prefix}/")]

    def overwrite(key: str, data: bytes) -> None:
        server.client().put_object(Bucket=server.bucket, Key=f"{prefix}/{key}", Body=data)

    return Backend(store, kept, overwrite)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "local":
        yield local_backend(tmp_path)
    else:
        yield s3_backend(tmp_path, request.getfixturevalue("s3_server"))


# The contract every store keeps.

def test_a_file_is_kept_under_its_hash_and_read_back_verified(backend: Backend) -> None:
    photo = png(41)
    digest = hashlib.sha256(photo).hexdigest()

    # The desk stores a photo: the key names its hash and the extension its bytes have.
    key, sha256 = backend.store.put(photo, "image/png")
    assert (key, sha256) == (f"{digest[:2]}/{digest}.png", digest)
    assert backend.kept() == [key]

    # It reads back whole, and the store holds exactly these bytes under that key, and nothing under another hash.
    assert backend.store.get(key) == photo
    assert backend.store.holds(key, digest)
    assert backend.store.exists(key)
    assert not backend.store.holds(key, hashlib.sha256(b"other").hexdigest())
    other = hashlib.sha256(png(42)).hexdigest()
    assert not backend.store.holds(f"{other[:2]}/{other}.png", other)
    with pytest.raises(FileNotFoundError):
        backend.store.get(f"{other[:2]}/{other}.png")


def test_storing_the_same_bytes_twice_keeps_one_file(backend: Backend) -> None:
    photo = jpeg(43)
    first = backend.store.put(photo, "image/jpeg")
    # The same photo again, declared with a type that says nothing: the same key, still one file.
    assert backend.store.put(photo, "application/octet-stream") == first
    assert backend.kept() == [first[0]]


@pytest.mark.parametrize(("content", "declared", "reason"), [
    (EXE, "image/jpeg", "media_type"),  # a program named a photo
    (HTML, "image/png", "media_type"),  # a page declared a PNG
    (jpeg(44), "audio/mpeg", "mismatch"),  # a photo sent as a recording
    (b"", "image/png", "empty"),
])
def test_refused_content_never_reaches_the_store(backend: Backend, content: bytes, declared: str, reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        backend.store.put(content, declared)
    assert refused.value.reason == reason
    assert backend.kept() == []


def test_a_file_larger_than_the_limit_is_refused_before_it_is_stored(backend: Backend) -> None:
    backend.store.max_bytes = 1024
    with pytest.raises(FileRefused) as refused:
        backend.store.put(png(45) + b"\0" * 2048, "image/png")
    assert (refused.value.reason, refused.value.limit) == ("size", 1024)
    assert backend.kept() == []


def test_bytes_altered_behind_the_store_document_nothing(backend: Backend) -> None:
    key, digest = backend.store.put(png(46), "image/png")
    # Someone replaces the file in the folder or the bucket: it is no longer the file the record names.
    backend.overwrite(key, png(47))
    assert not backend.store.holds(key, digest)
    with pytest.raises(FileDamaged):
        backend.store.get(key)


def test_a_deleted_file_is_gone_and_deleting_it_again_says_so(backend: Backend) -> None:
    key, digest = backend.store.put(png(48), "image/png")
    assert backend.store.delete(key)
    assert not backend.store.exists(key) and not backend.store.holds(key, digest)
    assert not backend.store.delete(key)
    assert backend.kept() == []


# What only the bucket does.

def test_the_office_prefix_is_its_cloud_folder_in_the_bucket(tmp_path: Path, s3_server: S3Server) -> None:
    # No prefix set: the office's node id with dashes names its folder.
    store = open_store(tmp_path / "node", **s3_server.settings())
    assert isinstance(store, S3FileStore) and store.prefix == "kab-16-13"
    photo = png(50 + uuid.uuid4().int % 1000)
    key, _ = store.put(photo, "image/png")
    assert s3_server.object_bytes(f"kab-16-13/{key}") == photo
    head = s3_server.client().head_object(Bucket=s3_server.bucket, Key=f"kab-16-13/{key}")
    assert head["ContentType"] == "image/png"


def test_a_second_put_of_kept_bytes_sends_nothing_to_the_bucket(tmp_path: Path, s3_server: S3Server) -> None:
    store = open_store(tmp_path / "node", **s3_server.settings(f"t-{uuid.uuid4().hex[:12]}"))
    assert isinstance(store, S3FileStore)
    uploads: list[str] = []
    store.client.meta.events.register("before-call.s3.PutObject", lambda **_: uploads.append("put"))
    photo = png(51)
    store.put(photo, "image/png")
    store.put(photo, "image/png")
    assert uploads == ["put"]


def test_a_put_racing_another_of_the_same_bytes_is_not_an_error(tmp_path: Path, s3_server: S3Server) -> None:
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    store = open_store(tmp_path / "node", **s3_server.settings(prefix))
    assert isinstance(store, S3FileStore)
    photo = png(52)
    digest = hashlib.sha256(photo).hexdigest()
    key = f"{digest[:2]}/{digest}.png"

    def kept_meanwhile(**_: object) -> None:  # a handler that returned something would stand in for the answer
        s3_server.client().put_object(Bucket=s3_server.bucket, Key=f"{prefix}/{key}", Body=photo)

    # Another request kept the same bytes between this one's HEAD and its PUT: the conditional PUT is refused (412).
    store.client.meta.events.register("before-call.s3.PutObject", kept_meanwhile)
    answers: list[int] = []
    store.client.meta.events.register("after-call.s3.PutObject",
                                      lambda http_response, **_: answers.append(http_response.status_code))
    assert store.put(photo, "image/png") == (key, digest)
    assert answers == [412]  # If-None-Match: * kept the other request's object; nothing was written twice
    assert store.get(key) == photo


def test_a_wrong_secret_is_a_clear_refusal_and_stores_nothing(tmp_path: Path, s3_server: S3Server) -> None:
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    store = open_store(tmp_path / "node", **{**s3_server.settings(prefix), "s3_secret_key": "bukan-kunci-yang-benar"})
    with pytest.raises(StorageUnavailable) as failed:
        store.put(png(53), "image/png")
    assert (failed.value.reason, failed.value.code) == ("refused", "file_store_refused")
    assert "bukan-kunci" not in str(failed.value)  # the secret is never part of what is logged or shown
    assert s3_server.object_names(f"{prefix}/") == []
    # Reading is refused as clearly: not a missing file (which would be a 404), the store said no.
    with pytest.raises(StorageUnavailable):
        store.get(f"{'0' * 2}/{'0' * 64}.png")


def test_a_secret_read_from_a_file_opens_the_bucket(tmp_path: Path, s3_server: S3Server) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text(s3_server.secret_key + "\n", encoding="utf-8")
    settings = {**s3_server.settings(f"t-{uuid.uuid4().hex[:12]}"), "s3_secret_key": "",
                "s3_secret_key_file": str(secret)}
    store = open_store(tmp_path / "node", **settings)
    key, digest = store.put(png(54), "image/png")
    assert store.holds(key, digest)


def test_an_unreachable_store_is_a_clear_error(tmp_path: Path, s3_server: S3Server) -> None:
    nowhere = {**s3_server.settings("t-none"), "s3_endpoint": f"http://127.0.0.1:{free_port()}"}
    store = open_store(tmp_path / "node", **nowhere)
    with pytest.raises(StorageUnavailable) as failed:
        store.put(png(55), "image/png")
    assert (failed.value.reason, failed.value.code) == ("unreachable", "file_store_unavailable")
    with pytest.raises(StorageUnavailable):
        store.holds(*store_key(png(55)))


def store_key(data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest}.png", digest
