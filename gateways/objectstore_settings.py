"""The checks of the file-store settings (gateways/config.py calls them when the settings are read): a node with a
wrong storage setting refuses to start, naming the key, rather than failing on the first photo."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STORAGE_BACKENDS = ("local", "s3")
ADDRESSING = ("path", "virtual")
# S3's rules for bucket names (3-63 lowercase letters, digits, dots and dashes, a letter or digit at each end).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


def check_storage(settings: Any) -> None:
    """Raises ValueError("KEY: why") for the first wrong storage setting."""
    if settings.storage_backend not in STORAGE_BACKENDS:
        raise ValueError(f"STORAGE_BACKEND: '{settings.storage_backend}' is not local or s3")
    if settings.storage_backend != "s3":
        return
    if not _BUCKET.match(settings.s3_bucket):
        raise ValueError(f"S3_BUCKET: '{settings.s3_bucket}' is not a bucket name (3-63 of a-z 0-9 . -)")
    if settings.s3_endpoint:
        parts = urlsplit(settings.s3_endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"S3_ENDPOINT: '{settings.s3_endpoint}' is not an http(s) address")
    if settings.s3_addressing not in ADDRESSING:
        raise ValueError(f"S3_ADDRESSING: '{settings.s3_addressing}' is not path or virtual")
    prefix = settings.s3_prefix.strip("/")
    if prefix and (not _PREFIX.match(prefix) or {".", ".."} & set(prefix.split("/"))):
        raise ValueError(f"S3_PREFIX: '{settings.s3_prefix}' is not a folder name (A-Z a-z 0-9 . _ - and /)")
    if not settings.s3_region:
        raise ValueError("S3_REGION: the store's region is required (us-east-1 where the store has none)")
    _check_credentials(settings)


def _check_credentials(settings: Any) -> None:
    if not settings.s3_access_key:
        raise ValueError("S3_ACCESS_KEY: the bucket needs the node's access key")
    if settings.s3_secret_key_file:
        if not Path(settings.s3_secret_key_file).is_file():
            raise ValueError(f"S3_SECRET_KEY_FILE: {settings.s3_secret_key_file} cannot be read")
    elif not settings.s3_secret_key:
        raise ValueError("S3_SECRET_KEY or S3_SECRET_KEY_FILE: the bucket needs the node's secret key")
