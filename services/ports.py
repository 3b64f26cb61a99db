"""Small ports the services need from the outside world; gateways implement them, tests fake them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def __call__(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class StoredFiles(Protocol):
    def holds(self, storage_key: str, sha256: str) -> bool:
        """Whether the office keeps a file under `storage_key` whose content has exactly this SHA-256 (hex)."""
        ...
