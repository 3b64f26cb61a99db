"""The checks of the file-store settings (gateways/config.py calls them when the settings are read): a node with a
wrong storage setting refuses to start, naming the key, rather than failing on the first photo."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gateways.config import PREFIX, ConfigError

STORAGE_BACKENDS = ("local", "s3")
ADDRESSING = ("path", "virtual")
# S3's rules for bucket names (3-63 lowercase letters, digits, dots and dashes, a letter or digit at each end).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


def check_storage(settings: Any) -> None:
    """Raises ConfigError naming the key of the first wrong storage setting."""
    if settings.storage_backend not in STORAGE_BACKENDS:
        raise ConfigError(f"{PREFIX}STORAGE_BACKEND", "config_storage_backend", value=settings.storage_backend)
    if settings.storage_backend != "s3":
        return
    if not _BUCKET.match(settings.s3_bucket):
        raise ConfigError(f"{PREFIX}S3_BUCKET", "config_s3_bucket", value=settings.s3_bucket)
    if settings.s3_endpoint:
        parts = urlsplit(settings.s3_endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{PREFIX}S3_ENDPOINT", "config_http_address", value=settings.s3_endpoint)
    if settings.s3_addressing not in ADDRESSING:
        raise ConfigError(f"{PREFIX}S3_ADDRESSING", "config_s3_addressing", value=settings.s3_addressing)
    prefix = settings.s3_prefix.strip("/")
    if prefix and (not _PREFIX.match(prefix) or {".", ".."} & set(prefix.split("/"))):
        raise ConfigError(f"{PREFIX}S3_PREFIX", "config_s3_prefix", value=settings.s3_prefix)
    if not settings.s3_region:
        raise ConfigError(f"{PREFIX}S3_REGION", "config_s3_region")
    _check_credentials(settings)


def _check_credentials(settings: Any) -> None:
    if not settings.s3_access_key:
        raise ConfigError(f"{PREFIX}S3_ACCESS_KEY", "config_s3_access_key")
    if settings.s3_secret_key_file:
        if not Path(settings.s3_secret_key_file).is_file():
            raise ConfigError(f"{PREFIX}S3_SECRET_KEY_FILE", "config_unreadable", path=settings.s3_secret_key_file)
    elif not settings.s3_secret_key:
        raise ConfigError(f"{PREFIX}S3_SECRET_KEY, {PREFIX}S3_SECRET_KEY_FILE", "config_s3_secret_key")
