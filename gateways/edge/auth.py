"""Who is calling: bearer token or session cookie → the user; guards check the SOP role's permission."""

from __future__ import annotations

from typing import Any

from litestar.concurrency import sync_to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from domain.roles import Permission, may
from domain.script import step_permissions
from gateways.edge.sessions import COOKIE_NAME, Sessions
from services.accounts import AccountCommands
from services.views import UserView

__all__ = ["COOKIE_NAME", "PUBLIC_PATHS", "TokenAuthentication", "requires", "step_guard"]
PUBLIC_PATHS = ["^/health$", "^/schema", "^/api/auth/login$", "^/webhook/(telegram|whatsapp)$"]


class TokenAuthentication(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, sessions: Sessions, accounts: AccountCommands, exclude: list[str]) -> None:
        super().__init__(app, exclude=exclude)
        self.sessions, self.accounts = sessions, accounts

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        token = _bearer(connection.headers.get("authorization")) or connection.cookies.get(COOKIE_NAME)
        claims = self.sessions.read(token) if token else None
        if claims is None:
            raise NotAuthorizedException()
        # One hop to the handlers' own worker threads: the check asks the store whether the account changed since
        # its cached state (services/accounts.py), a blocking round trip.
        state = await sync_to_thread(self.accounts.session_state, claims.uid)
        if state is None or state[1] != claims.gen:
            raise NotAuthorizedException()
        return AuthenticationResult(user=state[0], auth=claims)


def _bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def requires(*permissions: Permission):  # noqa: ANN201 - a Litestar guard
    """A guard: the caller's SOP role must carry at least one of `permissions`."""

    # Async though it awaits nothing: Litestar runs a synchronous guard in a worker thread, a thread hop per guard.
    async def guard(connection: ASGIConnection[Any, UserView, Any, Any], _: BaseRouteHandler) -> None:
        if not any(may(connection.user.role, permission) for permission in permissions):
            raise PermissionDeniedException()

    # The route's declared rule, read by gateways/edge/access.py (and the authorization matrix test).
    guard.permissions = frozenset(permissions)  # type: ignore[attr-defined]
    return guard


def step_guard(step: str) -> list[Any]:
    """A route's guard from the domain's one table of who may take each step of the script (domain/script.py)."""
    return [requires(*step_permissions(step))]
