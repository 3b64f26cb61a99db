"""The caller's own account page: change the password, record the NIP printed under their signature on reports, set
up two-step verification (an authenticator app)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from domain.errors import DomainError
from domain.login_limits import minutes_to_wait
from gateways.edge.client_address import client_address
from gateways.edge.deps import AccountsDep, Here, HereDep, SessionsDep, SignInDep
from gateways.edge.errors import STATUS_OF_KIND, say
from gateways.edge.sessions import Sessions
from gateways.messages import message
from gateways.web.forms import Form, field_errors
from gateways.web.render import language, page
from services.accounts import AccountCommands, TotpEnrolment


class AccountPages(Controller):
    path = "/akun"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request[Any, Any, Any], here: HereDep, accounts: AccountsDep) -> Template:
        return _account_page(request, here, accounts)

    @post("/kata-sandi", sync_to_thread=True)
    def change_password(self, request: Request[Any, Any, Any], here: HereDep, accounts: AccountsDep,
                        sign_in: SignInDep, sessions: SessionsDep, data: Form) -> Response[Any]:
        user = request.user
        current, new, repeat = (str(data.get(key, "")) for key in ("current_password", "new_password", "repeat"))
        try:
            sign_in.confirm_password(user, current, client_address(request))
            if new != repeat:
                return _account_page(request, here, accounts, status_code=422,
                                     errors={"repeat": message("password_repeat_differs", language(request))})
            accounts.change_password(user.id, new, user.username)
        except DomainError as error:
            return _refused(request, here, accounts, error)
        # Every other session of the account ended with the change; this one goes on with a new cookie.
        done = "Kata sandi diganti. Sesi lain akun ini berakhir."
        return _with_new_session(_account_page(request, here, accounts, done=done), accounts, sessions, user.id)

    @post("/nip", sync_to_thread=True)
    def record_nip(self, request: Request[Any, Any, Any], here: HereDep, accounts: AccountsDep, data: Form
                   ) -> Template:
        try:
            accounts.record_nip(request.user.id, str(data.get("nip", "")), request.user.username)
        except DomainError as error:
            return _refused(request, here, accounts, error, typed_nip=str(data.get("nip", "")))
        return _account_page(request, here, accounts, done="NIP disimpan: dicetak di bawah nama Anda pada laporan.")

    @post("/totp", sync_to_thread=True)
    def start_totp(self, request: Request[Any, Any, Any], here: HereDep, accounts: AccountsDep) -> Template:
        try:
            enrolment = accounts.start_totp(request.user.id)
        except DomainError as error:
            return _refused(request, here, accounts, error)
        return _account_page(request, here, accounts, enrolment=enrolment)

    @post("/totp/konfirmasi", sync_to_thread=True)
    def confirm_totp(self, request: Request[Any, Any, Any], here: HereDep, accounts: AccountsDep,
                     sessions: SessionsDep, data: Form) -> Response[Any]:
        try:
            accounts.confirm_totp(request.user.id, str(data.get("code", "")))
        except DomainError as error:
            return _refused(request, here, accounts, error)
        done = "Verifikasi dua langkah aktif: setiap kali masuk, kode dari aplikasi akan diminta."
        return _with_new_session(_account_page(request, here, accounts, done=done), accounts, sessions,
                                 request.user.id)


def _account_page(request: Request[Any, Any, Any], here: Here, accounts: AccountCommands, status_code: int = 200,
                  errors: dict[str, str] | None = None, enrolment: TotpEnrolment | None = None, done: str = "",
                  typed_nip: str | None = None) -> Template:
    user = request.user
    security = accounts.account_security(user.id)
    if enrolment is None and security.totp_pending:
        enrolment = accounts.pending_totp(user.id)  # shown again until its first code confirms it
    shown = page(request, here, "account/index.html", status_code=status_code, errors=errors or {}, done=done,
                 security=security, enrolment=enrolment,
                 nip=(accounts.nip(user.id) or "") if typed_nip is None else typed_nip,
                 secret_groups=" ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
                 if enrolment else "")
    # The page may show the authenticator secret: no cache on a shared tablet keeps it.
    shown.headers["Cache-Control"] = "no-store"
    return shown


def _with_new_session(shown: Template, accounts: AccountCommands, sessions: Sessions, user_id: Any) -> Template:
    state = accounts.session_state(user_id)
    if state is not None:
        token, _ = sessions.issue(state[0].id, state[1])
        shown.cookies.append(sessions.cookie(token))
    return shown


def _refused(request: Request[Any, Any, Any], here: Here, accounts: AccountCommands, error: DomainError,
             typed_nip: str | None = None) -> Template:
    """The page again with the refusal beside its field; its status the API's for the same error."""
    retry = error.params.get("retry_after_seconds")
    if retry is None:
        return _account_page(request, here, accounts, status_code=STATUS_OF_KIND[error.kind],
                             errors=field_errors(error, language(request)), typed_nip=typed_nip)
    # Too many wrong current passwords: how long to wait, as the login says it.
    shown = _account_page(request, here, accounts, status_code=STATUS_OF_KIND[error.kind],
                          errors={"": say(error.code, language(request), minutes=minutes_to_wait(int(retry)))})
    shown.headers["Retry-After"] = str(retry)
    return shown
