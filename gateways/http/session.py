"""Login, logout and the caller's own account: a bearer token for the API and a cookie for the web app."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import JSONBody

from domain.errors import InvalidCredentials
from gateways.http.auth import COOKIE_NAME
from gateways.http.deps import Caller, NodeDep
from gateways.http.dto import ChangePasswordRequest, LoginRequest, LoginResponse
from gateways.http.tokens import issue_token
from services.views import UserView

# Slows password guessing from one address; a desk of a few people never reaches it.
_login_rate_limit = RateLimitConfig(rate_limit=("minute", 30))


class SessionController(Controller):
    path = "/api"
    tags = ["Sesi"]

    @post("/auth/login", sync_to_thread=True, middleware=[_login_rate_limit.middleware],
          summary="Masuk: token bearer dan cookie sesi")
    def login(self, node: NodeDep, data: JSONBody[LoginRequest]) -> Response[LoginResponse]:
        user = node.accounts.authenticate(data.username, data.password)
        state = node.accounts.session_state(user.id) if user else None
        if state is None:
            raise InvalidCredentials()
        token, expires = issue_token(node.secret_key, state[0].id, state[1], node.clock(),
                                     node.settings.session_hours)
        cookie = Cookie(key=COOKIE_NAME, value=token, httponly=True, samesite="strict", path="/",
                        secure=node.settings.cookie_secure, max_age=node.settings.session_hours * 3600)
        return Response(LoginResponse(token, "bearer", expires, state[0]), status_code=201, cookies=[cookie])

    @post("/auth/logout", status_code=200, sync_to_thread=True, summary="Keluar: semua token akun ini berhenti berlaku")
    def logout(self, request: Caller, node: NodeDep) -> Response[dict[str, str]]:
        node.accounts.revoke_sessions(request.user.id, request.user.username)
        cookie = Cookie(key=COOKIE_NAME, value="", max_age=0, path="/", httponly=True, samesite="strict")
        return Response({"status": "keluar"}, cookies=[cookie])

    @get("/me", sync_to_thread=False, summary="Akun saya")
    def me(self, request: Caller) -> UserView:
        return request.user

    @post("/me/password", status_code=200, sync_to_thread=True, summary="Ganti kata sandi saya")
    def change_password(self, request: Caller, node: NodeDep, data: JSONBody[ChangePasswordRequest]) -> dict[str, str]:
        if node.accounts.authenticate(request.user.username, data.current_password) is None:
            raise InvalidCredentials(field="current_password")
        node.accounts.change_password(request.user.id, data.new_password, request.user.username)
        return {"status": "kata sandi diganti; silakan masuk kembali"}
