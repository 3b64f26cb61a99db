"""Session tokens: signed (HMAC-SHA256) user id, session generation and expiry; no server-side table.

A token stops working when it expires, or when the user's session generation moves on (logout,
password or role change, deactivation): the generation lives in the User aggregate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from uuid import UUID

import msgspec


class TokenClaims(msgspec.Struct, frozen=True):
    uid: UUID
    gen: int
    exp: int  # unix seconds


def issue_token(secret: bytes, user_id: UUID, generation: int, now: datetime, hours: int) -> tuple[str, datetime]:
    expires = now + timedelta(hours=hours)
    payload = _b64(msgspec.json.encode(TokenClaims(user_id, generation, int(expires.timestamp()))))
    return f"{payload}.{_sign(secret, payload)}", expires


def read_token(secret: bytes, token: str, now: datetime) -> TokenClaims | None:
    """The claims of a genuine, unexpired token; None for anything else."""
    if not token.isascii():
        return None  # a token is base64url and a dot; a byte beyond ASCII (in a header or cookie) forged nothing
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        claims = msgspec.json.decode(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)), type=TokenClaims)
    except (ValueError, msgspec.DecodeError):
        return None
    return claims if claims.exp > now.timestamp() else None


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
