"""Tracking links' tokens: a consultation's id and the moment the link was issued, signed (HMAC-SHA256) with a key
derived from the node's secret key; stateless, nothing stored.

A token is 50 characters of base64url: 16 bytes of the consultation id, 5 bytes of the issuing moment (Unix seconds)
and the first 16 bytes of the HMAC over both. 128 bits of signature cannot be guessed, and a token cannot be altered
without the key. The key is not the session key itself but an HMAC of it under this module's own label, so a session
token and a tracking token can never stand in for each other; changing `secret_key` (or deleting `secret.key`) ends
every session and every tracking link alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec

LABEL = b"helpdesk-sipol tracking link v1"
_ID_BYTES, _TIME_BYTES, _MAC_BYTES = 16, 5, 16
TOKEN_BYTES = _ID_BYTES + _TIME_BYTES + _MAC_BYTES
TOKEN_LENGTH = 50  # base64url of TOKEN_BYTES, unpadded


class TrackingClaim(msgspec.Struct, frozen=True):
    """What a genuine, unexpired token says: the consultation, and until when the link lasts."""

    consultation_id: UUID
    expires_at: datetime


class TrackingTokens:
    """Issues and reads the tokens of tracking links, each good for `days` days from its issuing."""

    def __init__(self, secret_key: bytes, days: int, clock: Callable[[], datetime]) -> None:
        self._key = hmac.new(secret_key, LABEL, hashlib.sha256).digest()
        self.lifetime = timedelta(days=days)
        self._clock = clock

    def issue(self, consultation_id: UUID) -> tuple[str, datetime]:
        """A new token for the consultation, and when it expires."""
        now = self._clock()
        return issue(self._key, consultation_id, now), now.replace(microsecond=0) + self.lifetime

    def read(self, token: str) -> TrackingClaim | None:
        """None for a forged, altered or expired token, alike: the caller cannot tell which."""
        return read(self._key, token, self._clock(), self.lifetime)


def issue(key: bytes, consultation_id: UUID, now: datetime) -> str:
    payload = consultation_id.bytes + int(now.timestamp()).to_bytes(_TIME_BYTES, "big")
    return _encode(payload + _mac(key, payload))


def read(key: bytes, token: str, now: datetime, lifetime: timedelta) -> TrackingClaim | None:
    if len(token) != TOKEN_LENGTH or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    # Only the one canonical spelling: base64 skips stray characters and ignores the last character's spare bits,
    # and a token changed there must not read as the same token.
    if len(raw) != TOKEN_BYTES or _encode(raw) != token:
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    expires = datetime.fromtimestamp(int.from_bytes(payload[_ID_BYTES:], "big"), UTC) + lifetime
    if now >= expires:
        return None
    return TrackingClaim(UUID(bytes=payload[:_ID_BYTES]), expires)


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
