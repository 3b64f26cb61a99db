"""Small ports the services need from the outside world; gateways implement them, tests fake them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol, runtime_checkable
from uuid import UUID

from domain.login_limits import Failures
from domain.personal_data import SubjectRecord


class Clock(Protocol):
    def __call__(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class TotpCodes(Protocol):
    """Time-based one-time codes (RFC 6238) of an authenticator app: gateways/totp.py (pyotp)."""

    def new_secret(self) -> str: ...

    def verify(self, secret: str, code: str, at: datetime) -> bool: ...

    def uri(self, secret: str, account: str, issuer: str) -> str:
        """The otpauth:// address an app reads (from a QR code or typed)."""
        ...


class LoginAttempts(Protocol):
    """Wrong logins counted per account and per address (gateways/login_attempts.py keeps them in memory)."""

    def get(self, key: str) -> Failures | None: ...

    def update(self, key: str, change: Callable[[Failures | None], Failures | None]) -> Failures | None:
        """Sets the key to change(current) atomically (None removes it); returns the new value."""
        ...


class StoredFiles(Protocol):
    def holds(self, storage_key: str, sha256: str) -> bool:
        """Whether the office keeps a file under `storage_key` whose content has exactly this SHA-256 (hex)."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes kept under `key` (evidence sent with an escalation); FileNotFoundError when there are none."""
        ...

    def put(self, data: bytes, media_type: str) -> tuple[str, str]:
        """Keeps the bytes (evidence arrived with an escalation), checked by their content; (storage key, sha256)."""
        ...


class SubjectKeys(Protocol):
    """Each data subject's key and blind indexes, kept outside the event store (gateways/subject_keys.py): destroying
    a key makes that person's fields unreadable in every copy of the log (crypto-shredding)."""

    def key_for_writing(self, subject_id: str, kind: str, lookups: Iterable[str] = ()) -> tuple[str, bytes]:
        """(key id, 32-byte key) of the subject's live key, created on first use (and anew after an erasure), with
        the blind indexes `lookups` added in the same transaction (none written when they are all there already)."""
        ...

    def keys_for_writing(self, wanted: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, tuple[str, bytes]]:
        """`key_for_writing` for many (subject id, kind, lookups) at once: subject id → (key id, key)."""
        ...

    def key(self, key_id: str) -> bytes | None:
        """The key's bytes; None once destroyed, or if this store never held it."""
        ...

    def add_lookups(self, subject_id: str, digests: Iterable[str]) -> None:
        """Blind indexes (domain.personal_data.blind_index) that find the subject again by phone or e-mail."""
        ...

    def find(self, digest: str) -> list[SubjectRecord]:
        """The subjects (live or erased) a blind index was recorded for; erased ones have lost theirs."""
        ...

    def subjects(self, subject_ids: Iterable[str] = (), created_before: datetime | None = None) -> list[SubjectRecord]:
        """The subjects named (or all), those created before a moment only; oldest first."""
        ...

    def destroy(self, subject_ids: Iterable[str], at: datetime) -> list[str]:
        """Overwrites the subjects' key bytes and drops their blind indexes; returns the ids whose live key it
        destroyed (an unknown or already erased subject is not among them)."""
        ...

    def close(self) -> None: ...


class MessageDigest(NamedTuple):
    """One applied message from another office: who sent it, at which (epoch, position), and the SHA-256 (hex) of
    its bytes, so a message at a position already applied is told apart as a repeat or a conflict; and the case it
    was about ("<origin office>:<origin id>", or ""), so the cases a restored sender lost can be named."""

    sender: str
    epoch: int
    seq: int
    sha256: str
    ref: str = ""


@runtime_checkable
class BatchRecorder(Protocol):
    """What the inbox needs of its process recorder beyond eventsourcing's (gateways/recorders.py): `insert_events`
    takes `trackings=[Tracking, ...]` and `digests=[MessageDigest, ...]` and writes them in the events' transaction
    (the inbox hands them over as keyword arguments of the public `Application.save`, which passes them on);
    it keeps each applied message's digest and says which aggregates exist. Checked at start-up (bootstrap)."""

    records_several_trackings: bool  # marks a recorder whose insert_events takes the two keyword arguments above

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]: ...

    def message_digest(self, sender: str, epoch: int, seq: int) -> str | None:
        """The digest of the message applied from `sender` at (epoch, seq), or None."""
        ...

    def digest_head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        """(highest epoch, highest position) of the messages applied from `sender` (within `epoch` when given);
        (0, 0) when none."""
        ...

    def digests_since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        """The messages applied from `sender` after (epoch, seq), in that order."""
        ...
