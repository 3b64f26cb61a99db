"""The caller's own account page: change the password, set up two-step verification (an authenticator app)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from domain.errors import DomainError
from domain.login_limits import minutes_to_wait
from gateways.bootstrap import Node
from gateways.http.client_address import client_address
from gateways.http.deps import NodeDep
from gateways.http.errors import STATUS_OF_KIND, say
from gateways.http.session import session_cookie
from gateways.http.tokens import issue_token
from gateways.messages import message
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from services.accounts import TotpEnrolment


class AccountPages(Controller):
    path = "/akun"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request[Any, Any, Any], node: NodeDep) -> Template:
        return _account_page(request, node)

    @post("/kata-sandi", sync_to_thread=True)
    def change_password(self, request: Request[Any, Any, Any], node: NodeDep, data: Form) -> Response[Any]:
        user = request.user
        current, new, repeat = (str(data.get(key, "")) for key in ("current_password", "new_password", "repeat"))
        try:
            node.sign_in.confirm_password(user, current, client_address(request))
            if new != repeat:
                return _account_page(request, node, status_code=422,
                                     errors={"repeat": message("password_repeat_differs", language(request))})
            node.accounts.change_password(user.id, new, user.username)
        except DomainError as error:
            return _refused(request, node, error)
        # Every other session of the account ended with the change; this one goes on with a new cookie.
        return _with_new_session(_account_page(request, node, done="Kata sandi diganti. Sesi lain akun ini berakhir."),
                                 node, user.id)

    @post("/totp", sync_to_thread=True)
    def start_totp(self, request: Request[Any, Any, Any], node: NodeDep) -> Template:
        try:
            enrolment = node.accounts.start_totp(request.user.id)
        except DomainError as error:
            return _refused(request, node, error)
        return _account_page(request, node, enrolment=enrolment)

    @post("/totp/konfirmasi", sync_to_thread=True)
    def confirm_totp(self, request: Request[Any, Any, Any], node: NodeDep, data: Form) -> Response[Any]:
        try:
            node.accounts.confirm_totp(request.user.id, str(data.get("code", "")))
        except DomainError as error:
            return _refused(request, node, error)
        done = "Verifikasi dua langkah aktif: setiap kali masuk, kode dari aplikasi akan diminta."
        return _with_new_session(_account_page(request, node, done=done), node, request.user.id)


def _account_page(request: Request[Any, Any, Any], node: Node, status_code: int = 200,
                  errors: dict[str, str] | None = None, enrolment: TotpEnrolment | None = None, done: str = ""
                  ) -> Template:
    user = request.user
    security = node.accounts.account_security(user.id)
    if enrolment is None and security.totp_pending:
        enrolment = node.accounts.pending_totp(user.id)  # shown again until its first code confirms it
    shown = page(request, node, "account/index.html", status_code=status_code, errors=errors or {}, done=done,
                 security=security, enrolment=enrolment,
                 secret_groups=" ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
                 if enrolment else "")
    # The page may show the authenticator secret: no cache on a shared tablet keeps it.
    shown.headers["Cache-Control"] = "no-store"
    return shown


def _with_new_session(shown: Template, node: Node, user_id: Any) -> Template:
    state = node.accounts.session_state(user_id)
    if state is not None:
        token, _ = issue_token(node.secret_key, state[0].id, state[1], node.clock(), node.settings.session_hours)
        shown.cookies.append(session_cookie(node, token))
    return shown


def _refused(request: Request[Any, Any, Any], node: Node, error: DomainError) -> Template:
    """The page again with the refusal beside its field; its status the API's for the same error."""
    retry = error.params.get("retry_after_seconds")
    if retry is None:
        return _account_page(request, node, status_code=STATUS_OF_KIND[error.kind],
                             errors=field_errors(error, language(request)))
    # Too many wrong current passwords: how long to wait, as the login says it.
    shown = _account_page(request, node, status_code=STATUS_OF_KIND[error.kind],
                          errors={"": say(error.code, language(request), minutes=minutes_to_wait(int(retry)))})
    shown.headers["Retry-After"] = str(retry)
    return shown
