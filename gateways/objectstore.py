"""The documentation files in an S3-compatible bucket (MinIO, SeaweedFS, a cloud provider): the SOP's "cloud folder".

Each office keeps its files under its own prefix (`kab-16-13/ab/abcdef….jpg`); the key the events record stays
`ab/abcdef….jpg`, so it names the same bytes at every office. A file is checked (its type by its bytes, its size)
before the bucket sees it, written once (`If-None-Match: *`, after a HEAD: a second put of the same bytes writes
nothing), and verified against its SHA-256 whenever it is read. A store that cannot be reached, or that refuses the
node's credentials, is a StorageUnavailable the edge turns into a clear 503 (gateways/edge/errors.py): the file is
stored before any event names it, so a failed put leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import structlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gateways.config import Settings
from gateways.storage import (
    MAX_FILE_BYTES,
    StorageUnavailable,
    admitted,
    is_key,
    media_type_of,
    names_content,
    verified,
)

log = structlog.get_logger("helpdesk.objectstore")

# What the store answers when the object is not there (GET, HEAD) and when a conditional write found it there.
_MISSING = {"404", "NoSuchKey", "NotFound"}
_ALREADY_THERE = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
# Answers that say the node's credentials or rights are wrong: an administrator must act, trying again will not help.
_REFUSED = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
            "AuthorizationHeaderMalformed", "NoSuchBucket", "AllAccessDisabled", "InvalidBucketName"}


class S3FileStore:
    """The DocumentStore (gateways/storage.py) over one bucket and the office's prefix in it."""

    def __init__(self, client: Any, bucket: str, prefix: str, root: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.client = client  # a boto3 S3 client (thread-safe: the web handlers run in threads)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.root = root  # the node's own folder, for what never leaves it (the mails as received)
        self.max_bytes = max_bytes

    def object_name(self, key: str) -> str:
        """Where a key lives in the bucket."""
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        key, digest = admitted(data, media_type, self.max_bytes)  # refused bytes never reach the bucket
        if self.exists(key):
            return key, digest
        try:
            self._call("put_object", Bucket=self.bucket, Key=self.object_name(key), Body=data,
                       ContentType=media_type_of(key), IfNoneMatch="*")
        except ClientError as error:
            if _code(error) not in _ALREADY_THERE:  # kept meanwhile by another request: the same bytes
                raise self._unavailable("put", error) from error
        return key, digest

    def get(self, key: str) -> bytes:
        if not is_key(key):
            raise FileNotFoundError(key)
        try:
            answer = self._call("get_object", Bucket=self.bucket, Key=self.object_name(key))
            data = answer["Body"].read()
        except ClientError as error:
            if _code(error) in _MISSING:
                raise FileNotFoundError(key) from None
            raise self._unavailable("get", error) from error
        except BotoCoreError as error:  # the connection broke while the body was read
            raise self._unavailable("get", error) from error
        return verified(key, data)

    def holds(self, storage_key: str, sha256: str) -> bool:
        if not names_content(storage_key, sha256):
            return False
        try:
            self.get(storage_key)
        except FileNotFoundError:
            return False
        return True

    def exists(self, key: str) -> bool:
        if not is_key(key):
            return False
        try:
            self._call("head_object", Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                return False
            raise self._unavailable("head", error) from error
        return True

    def delete(self, key: str) -> bool:
        if not self.exists(key):
            return False
        try:
            self._call("delete_object", Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as error:
            raise self._unavailable("delete", error) from error
        return True

    def _call(self, operation: str, **arguments: Any) -> Any:
        """One S3 request; a store that cannot be reached is StorageUnavailable, an answer is left to the caller."""
        try:
            return getattr(self.client, operation)(**arguments)
        except BotoCoreError as error:  # no connection, a timeout, an endpoint that is not an S3 server
            raise self._unavailable(operation, error) from error

    def _unavailable(self, operation: str, error: Exception) -> StorageUnavailable:
        code = _code(error) if isinstance(error, ClientError) else type(error).__name__
        reason = "refused" if code in _REFUSED else "unreachable"
        # For the administrator: which store answered what (the secret is never part of it).
        log.warning("file_store_failed", operation=operation, bucket=self.bucket, reason=reason, error=code,
                    detail=str(error))
        return StorageUnavailable(reason, f"{operation} {self.bucket}: {code}")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def s3_file_store(settings: Settings) -> S3FileStore:
    """The bucket the settings name (checked when they were read: gateways/config.py)."""
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=settings.s3_endpoint or None,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key,
        aws_secret_access_key=s3_secret_key(settings),
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": settings.s3_addressing},
            connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3},
            # Checksums only where S3 requires them: stores other than AWS (older MinIO, Ceph, SeaweedFS releases)
            # refuse the CRC32 trailers boto3 adds by default; the SHA-256 in the key is checked on every read anyway.
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        ),
    )
    prefix = settings.s3_prefix or settings.node_id.replace(".", "-")
    return S3FileStore(client, settings.s3_bucket, prefix, settings.data_path / "files")


def s3_secret_key(settings: Settings) -> str:
    """The secret from the environment (HELPDESK_S3_SECRET_KEY) or a file only the node reads (s3_secret_key_file)."""
    if settings.s3_secret_key_file:
        return Path(settings.s3_secret_key_file).read_text(encoding="utf-8").strip()
    return settings.s3_secret_key
