"""A signed-in session: its token (gateways/edge/tokens.py) and the cookie that carries it, for the API and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from litestar.datastructures import Cookie

from gateways.edge.tokens import PENDING_LOGIN, SESSION, TokenClaims, issue_pending_login, issue_token, read_token
from services.ports import Clock

COOKIE_NAME = "helpdesk_session"


@dataclass(frozen=True)
class Sessions:
    """The node's session key and rules: how long a session lasts, whether its cookie needs HTTPS."""

    secret_key: bytes
    clock: Clock
    hours: int
    cookie_secure: bool

    def issue(self, user_id: UUID, generation: int) -> tuple[str, datetime]:
        return issue_token(self.secret_key, user_id, generation, self.clock(), self.hours)

    def issue_pending_login(self, user_id: UUID, generation: int) -> str:
        return issue_pending_login(self.secret_key, user_id, generation, self.clock())

    def read(self, token: str, use: str = SESSION) -> TokenClaims | None:
        return read_token(self.secret_key, token, self.clock(), use=use)

    def read_pending_login(self, token: str) -> TokenClaims | None:
        return self.read(token, use=PENDING_LOGIN)

    def cookie(self, token: str) -> Cookie:
        return Cookie(key=COOKIE_NAME, value=token, httponly=True, samesite="strict", path="/",
                      secure=self.cookie_secure, max_age=self.hours * 3600)


def ended_cookie() -> Cookie:
    """The session cookie emptied: the browser forgets it."""
    return Cookie(key=COOKIE_NAME, value="", max_age=0, path="/", httponly=True, samesite="strict")
