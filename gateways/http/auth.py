"""Who is calling: bearer token or session cookie → the user; guards check the SOP role's permission."""

from __future__ import annotations

from typing import Any

import anyio
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from domain.roles import Permission, may
from domain.script import step_permissions
from gateways.bootstrap import Node
from gateways.http.tokens import read_token
from services.views import UserView

COOKIE_NAME = "helpdesk_session"
PUBLIC_PATHS = ["^/health$", "^/schema", "^/api/auth/login$"]


class TokenAuthentication(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, node: Node, exclude: list[str]) -> None:
        super().__init__(app, exclude=exclude)
        self.node = node

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        node = self.node
        token = _bearer(connection.headers.get("authorization")) or connection.cookies.get(COOKIE_NAME)
        claims = read_token(node.secret_key, token, node.clock()) if token else None
        if claims is None:
            raise NotAuthorizedException()
        state = await anyio.to_thread.run_sync(node.accounts.session_state, claims.uid)
        if state is None or state[1] != claims.gen:
            raise NotAuthorizedException()
        return AuthenticationResult(user=state[0], auth=claims)


def _bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def requires(*permissions: Permission):  # noqa: ANN201 - a Litestar guard
    """A guard: the caller's SOP role must carry at least one of `permissions`."""

    def guard(connection: ASGIConnection[Any, UserView, Any, Any], _: BaseRouteHandler) -> None:
        if not any(may(connection.user.role, permission) for permission in permissions):
            raise PermissionDeniedException()

    # The route's declared rule, read by gateways/http/access.py (and the authorization matrix test).
    guard.permissions = frozenset(permissions)  # type: ignore[attr-defined]
    return guard


def step_guard(step: str) -> list[Any]:
    """A route's guard from the domain's one table of who may take each step of the script (domain/script.py)."""
    return [requires(*step_permissions(step))]
