"""Signing in and out, the language switch, and the home page that sends each role where it works."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateways.bootstrap import Node
from gateways.http.auth import COOKIE_NAME
from gateways.http.deps import NodeDep
from gateways.http.tokens import issue_token
from gateways.web.forms import Form, safe_next
from gateways.web.i18n import LANG_COOKIE, LANGUAGES
from gateways.web.render import page

_login_rate_limit = RateLimitConfig(rate_limit=("minute", 30))


class SessionPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/masuk", sync_to_thread=False)
    def login_form(self, request: Request[Any, Any, Any], node: NodeDep, lanjut: FromQuery[str | None] = None
                   ) -> Template:
        return page(request, node, "login.html", next=safe_next(lanjut), errors={}, username="")

    @post("/masuk", sync_to_thread=True, middleware=[_login_rate_limit.middleware])
    def login(self, request: Request[Any, Any, Any], node: NodeDep, data: Form) -> Response[Any] | Template:
        username, password = str(data.get("username", "")), str(data.get("password", ""))
        user = node.accounts.authenticate(username, password) if username and password else None
        state = node.accounts.session_state(user.id) if user else None
        if state is None:
            errors = {"": "Nama pengguna atau kata sandi salah."}
            return page(request, node, "login.html", status_code=401, next=safe_next(data.get("next")),
                        errors=errors, username=username)
        token, _ = issue_token(node.secret_key, state[0].id, state[1], node.clock(), node.settings.session_hours)
        return Redirect(safe_next(data.get("next")), status_code=303, cookies=[_session_cookie(node, token)])

    @post("/keluar", sync_to_thread=True)
    def logout(self, request: Request[Any, Any, Any], node: NodeDep) -> Response[Any]:
        user = request.scope.get("user")
        if user is not None:
            node.accounts.revoke_sessions(user.id, user.username)
        gone = Cookie(key=COOKIE_NAME, value="", max_age=0, path="/", httponly=True, samesite="strict")
        return Redirect("/masuk", status_code=303, cookies=[gone])

    @get("/bahasa/{code:str}", sync_to_thread=False)
    def switch_language(self, code: FromPath[str], kembali: FromQuery[str | None] = None) -> Response[Any]:
        chosen = code if code in LANGUAGES else LANGUAGES[0]
        cookie = Cookie(key=LANG_COOKIE, value=chosen, path="/", samesite="lax", max_age=365 * 24 * 3600)
        return Redirect(safe_next(kembali), status_code=303, cookies=[cookie])

    @get("/", sync_to_thread=False)
    def home(self, request: Request[Any, Any, Any], node: NodeDep) -> Template:
        return page(request, node, "home.html")


def _session_cookie(node: Node, token: str) -> Cookie:
    return Cookie(key=COOKIE_NAME, value=token, httponly=True, samesite="strict", path="/",
                  secure=node.settings.cookie_secure, max_age=node.settings.session_hours * 3600)
