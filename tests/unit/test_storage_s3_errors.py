"""What the bucket answers, read by the S3 adapter without a server (botocore's Stubber stands in for it): a missing
file is a missing file, a refusal of the node's credentials or an outage is StorageUnavailable, never a 404 or a 500,
and a conditional put that finds the same bytes there already is a success."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY, Stubber

from gateways.objectstore import S3FileStore
from gateways.storage import StorageUnavailable
from tests.support.samples import png

PHOTO = png(9)
DIGEST = hashlib.sha256(PHOTO).hexdigest()
KEY = f"{DIGEST[:2]}/{DIGEST}.png"
NAME = f"kab-16-13/{KEY}"


@pytest.fixture
def stubbed(tmp_path: Path) -> Iterator[tuple[S3FileStore, Stubber]]:
    client = boto3.session.Session().client("s3", region_name="us-east-1", aws_access_key_id="k",
                                            aws_secret_access_key="s")
    with Stubber(client) as stub:
        yield S3FileStore(client, "dokumentasi", "kab-16-13", tmp_path), stub
        stub.assert_no_pending_responses()


def test_a_new_file_is_put_once_under_the_office_prefix(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stub = stubbed
    stub.add_client_error("head_object", "404", http_status_code=404,
                          expected_params={"Bucket": "dokumentasi", "Key": NAME})
    stub.add_response("put_object", {}, {"Bucket": "dokumentasi", "Key": NAME, "Body": PHOTO,
                                         "ContentType": "image/png", "IfNoneMatch": "*"})
    assert store.put(PHOTO, "image/png") == (KEY, DIGEST)


def test_a_conditional_put_that_finds_the_file_there_is_a_success(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stub = stubbed
    stub.add_client_error("head_object", "404", http_status_code=404)
    stub.add_client_error("put_object", "PreconditionFailed", http_status_code=412)
    assert store.put(PHOTO, "image/png") == (KEY, DIGEST)


@pytest.mark.parametrize(("code", "status", "reason"), [
    ("AccessDenied", 403, "refused"),
    ("SignatureDoesNotMatch", 403, "refused"),
    ("InvalidAccessKeyId", 403, "refused"),
    ("NoSuchBucket", 404, "refused"),
    ("InternalError", 500, "unreachable"),
    ("SlowDown", 503, "unreachable"),
])
def test_a_put_the_store_refuses_is_storage_unavailable(stubbed: tuple[S3FileStore, Stubber], code: str,
                                                        status: int, reason: str) -> None:
    store, stub = stubbed
    stub.add_client_error("head_object", "404", http_status_code=404)
    stub.add_client_error("put_object", code, http_status_code=status)
    with pytest.raises(StorageUnavailable) as failed:
        store.put(PHOTO, "image/png")
    assert failed.value.reason == reason


def test_a_read_tells_a_missing_file_from_a_refusal(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stub = stubbed
    stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    with pytest.raises(FileNotFoundError):
        store.get(KEY)
    assert not isinstance(StorageUnavailable("refused"), OSError)  # never caught as "not found" by a page
    stub.add_client_error("get_object", "AccessDenied", http_status_code=403)
    with pytest.raises(StorageUnavailable):
        store.get(KEY)


def test_a_read_returns_the_bytes_only_when_they_are_the_keys(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stub = stubbed
    stub.add_response("get_object", {"Body": io.BytesIO(PHOTO)}, {"Bucket": "dokumentasi", "Key": NAME})
    assert store.get(KEY) == PHOTO
    stub.add_response("get_object", {"Body": io.BytesIO(png(10))}, {"Bucket": "dokumentasi", "Key": ANY})
    assert not store.holds(KEY, DIGEST)
    # A key that is not a storage key is never asked for.
    with pytest.raises(FileNotFoundError):
        store.get("../secret.key")
