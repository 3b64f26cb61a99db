"""Session tokens: signed (HMAC-SHA256) user id, session generation and expiry; no server-side table.

A token stops working when it expires, or when the user's session generation moves on (logout,
password or role change, deactivation, a second factor turned on or off): the generation lives in the User aggregate.
A token says what it is for: a session, or a login waiting for its authenticator code (a few minutes, never a
session).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

SESSION = "session"
PENDING_LOGIN = "totp"  # the password was right; the code is still to come
PENDING_MINUTES = 5


class TokenClaims(msgspec.Struct, frozen=True):
    uid: UUID
    gen: int
    exp: int  # unix seconds
    use: str = SESSION  # tokens issued before this field were sessions


def issue_token(secret: bytes, user_id: UUID, generation: int, now: datetime, hours: int) -> tuple[str, datetime]:
    return _issue(secret, user_id, generation, now + timedelta(hours=hours), SESSION)


def issue_pending_login(secret: bytes, user_id: UUID, generation: int, now: datetime) -> str:
    """Carried by the login page's code step: proves the password was right, for a few minutes."""
    return _issue(secret, user_id, generation, now + timedelta(minutes=PENDING_MINUTES), PENDING_LOGIN)[0]


def _issue(secret: bytes, user_id: UUID, generation: int, expires: datetime, use: str) -> tuple[str, datetime]:
    payload = _b64(msgspec.json.encode(TokenClaims(user_id, generation, int(expires.timestamp()), use)))
    return f"{payload}.{_sign(secret, payload)}", expires


def read_token(secret: bytes, token: str, now: datetime, use: str = SESSION) -> TokenClaims | None:
    """The claims of a genuine, unexpired token made for `use`; None for anything else."""
    if not token.isascii():
        return None  # a token is base64url and a dot; a byte beyond ASCII (in a header or cookie) forged nothing
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        claims = msgspec.json.decode(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)), type=TokenClaims)
    except (ValueError, msgspec.DecodeError):
        return None
    return claims if claims.exp > now.timestamp() and claims.use == use else None


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
