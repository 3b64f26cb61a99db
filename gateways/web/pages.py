"""Signing in and out, the language switch, and the home page that sends each role where it works."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain.errors import (
    AccountOfOtherOffice,
    DomainError,
    InvalidCredentials,
    LoginThrottled,
    TotpInvalid,
    TotpRequired,
)
from gateways.edge.client_address import client_address
from gateways.edge.deps import (
    AccountsDep,
    ClockDep,
    Here,
    HereDep,
    MonitoringDep,
    RosterDep,
    SessionsDep,
    SignInDep,
)
from gateways.edge.errors import STATUS_OF_KIND, say
from gateways.edge.sessions import ended_cookie
from gateways.web.error_page import login_wait
from gateways.web.forms import Form, safe_next
from gateways.web.i18n import LANG_COOKIE, LANGUAGES
from gateways.web.monitoring import STATE_NAMES
from gateways.web.render import language, page
from gateways.web.roster import DUTY_NAMES
from gateways.web.today import today_of

# The refusals a login shows on its form (with the status the API gives each, gateways/edge/errors.py).
_LOGIN_REFUSALS = (InvalidCredentials, TotpInvalid, AccountOfOtherOffice, LoginThrottled)


class SessionPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/masuk", sync_to_thread=False)
    def login_form(self, request: Request[Any, Any, Any], here: HereDep, lanjut: FromQuery[str | None] = None
                   ) -> Template:
        return page(request, here, "login.html", next=safe_next(lanjut), errors={}, username="")

    @post("/masuk", sync_to_thread=True)
    def login(self, request: Request[Any, Any, Any], here: HereDep, sign_in: SignInDep, sessions: SessionsDep,
              data: Form) -> Response[Any] | Template:
        """The password step, or (with `pending`, the signed proof the password was right) the authenticator code
        step; wrong logins are limited per account and per address (services/sign_in.py)."""
        username, password = str(data.get("username", "")), str(data.get("password", ""))
        pending, code = str(data.get("pending", "")), str(data.get("code", ""))
        target = safe_next(data.get("next"))
        address = client_address(request)
        try:
            if pending:
                claims = sessions.read_pending_login(pending)
                if claims is None:  # the code step waited too long: start again from the password
                    raise InvalidCredentials()
                user, generation = sign_in.second_factor(claims.uid, claims.gen, address, code)
            else:
                user, generation = sign_in.sign_in(username, password, address)
        except TotpRequired as asked:
            proof = sessions.issue_pending_login(asked.params["user_id"], asked.params["generation"])
            return page(request, here, "login.html", next=target, errors={}, username=username, pending=proof)
        except _LOGIN_REFUSALS as refused:
            return _refused_login(request, here, refused, target, username, pending if pending else "")
        token, _ = sessions.issue(user.id, generation)
        return Redirect(target, status_code=303, cookies=[sessions.cookie(token)])

    @post("/keluar", sync_to_thread=True)
    def logout(self, request: Request[Any, Any, Any], accounts: AccountsDep) -> Response[Any]:
        user = request.scope.get("user")
        if user is not None:
            accounts.revoke_sessions(user.id, user.username)
        return Redirect("/masuk", status_code=303, cookies=[ended_cookie()])

    @get("/bahasa/{code:str}", sync_to_thread=False)
    def switch_language(self, code: FromPath[str], kembali: FromQuery[str | None] = None) -> Response[Any]:
        chosen = code if code in LANGUAGES else LANGUAGES[0]
        cookie = Cookie(key=LANG_COOKIE, value=chosen, path="/", samesite="lax", max_age=365 * 24 * 3600)
        return Redirect(safe_next(kembali), status_code=303, cookies=[cookie])

    @get("/", sync_to_thread=True)  # its tiles count what waits for the caller: a read-store query
    def home(self, request: Request[Any, Any, Any], here: HereDep, roster: RosterDep, monitoring: MonitoringDep,
             clock: ClockDep) -> Template:
        today = today_of(request.user, roster, monitoring, clock(), language(request))
        return page(request, here, "home.html", today=today, slot_names=STATE_NAMES,
                    duty_names={duty.value: name for duty, name in DUTY_NAMES.items()})


def _refused_login(request: Request[Any, Any, Any], here: Here, refused: DomainError, target: str, username: str,
                   pending: str) -> Template:
    """The login form again, saying why; a wrong code keeps the code step (its proof is still good for a while)."""
    status = STATUS_OF_KIND[refused.kind]
    retry = refused.params.get("retry_after_seconds")
    by = str(refused.params.get("by", "account"))
    text = login_wait(int(retry), by, language(request)) if retry else say(refused.code, language(request))
    keep = pending if isinstance(refused, TotpInvalid) else ""
    shown = page(request, here, "login.html", status_code=status, next=target, errors={"": text}, username=username,
                 pending=keep)
    if retry:
        shown.headers["Retry-After"] = str(retry)
    return shown
