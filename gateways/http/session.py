"""Login, logout and the caller's own account: a bearer token for the API and a cookie for the web app; the caller's
authenticator app (second factor) is set up here too."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from gateways.edge.client_address import client_address
from gateways.edge.deps import AccountsDep, Caller, SessionsDep, SignInDep
from gateways.edge.sessions import ended_cookie
from gateways.http.account_dto import LoginRequest, TotpConfirmRequest
from gateways.http.dto import ChangePasswordRequest, LoginResponse
from gateways.messages import message
from services.accounts import AccountSecurity, TotpEnrolment
from services.views import UserView


class SessionController(Controller):
    path = "/api"
    tags = ["Sesi"]

    @post("/auth/login", sync_to_thread=True,
          summary="Masuk: token bearer dan cookie sesi (dengan kode autentikator bila akun memakainya)")
    def login(self, request: Request[Any, Any, Any], sign_in: SignInDep, sessions: SessionsDep,
              data: JSONBody[LoginRequest]) -> Response[LoginResponse]:
        # Wrong logins are limited per account and per address (services/sign_in.py); a 429 says how long to wait.
        user, generation = sign_in.sign_in(data.username, data.password, client_address(request), data.totp_code)
        token, expires = sessions.issue(user.id, generation)
        return Response(LoginResponse(token, "bearer", expires, user), status_code=201,
                        cookies=[sessions.cookie(token)])

    @post("/auth/logout", status_code=200, sync_to_thread=True, summary="Keluar: semua token akun ini berhenti berlaku")
    def logout(self, request: Caller, accounts: AccountsDep) -> Response[dict[str, str]]:
        accounts.revoke_sessions(request.user.id, request.user.username)
        return Response({"status": "keluar"}, cookies=[ended_cookie()])

    @get("/me", sync_to_thread=False, summary="Akun saya")
    def me(self, request: Caller) -> UserView:
        return request.user

    @post("/me/password", status_code=200, sync_to_thread=True, summary="Ganti kata sandi saya")
    def change_password(self, request: Caller, sign_in: SignInDep, accounts: AccountsDep,
                        data: JSONBody[ChangePasswordRequest]) -> dict[str, str]:
        sign_in.confirm_password(request.user, data.current_password, client_address(request))
        accounts.change_password(request.user.id, data.new_password, request.user.username)
        return {"status": "kata sandi diganti; silakan masuk kembali"}

    @get("/me/security", sync_to_thread=True, summary="Verifikasi dua langkah akun saya: ditawarkan, aktif, menunggu")
    def account_security(self, request: Caller, accounts: AccountsDep) -> AccountSecurity:
        return accounts.account_security(request.user.id)

    @post("/me/totp", status_code=201, sync_to_thread=True,
          summary="Mulai verifikasi dua langkah: rahasia dan alamat otpauth untuk aplikasi autentikator")
    def start_totp(self, request: Caller, accounts: AccountsDep) -> Response[TotpEnrolment]:
        enrolment = accounts.start_totp(request.user.id)
        # The secret is shown once, to its owner: never kept by a cache on the way.
        return Response(enrolment, status_code=201, headers={"Cache-Control": "no-store"})

    @post("/me/totp/confirmation", status_code=200, sync_to_thread=True,
          summary="Aktifkan verifikasi dua langkah dengan kode dari aplikasi; sesi lain berakhir")
    def confirm_totp(self, request: Caller, accounts: AccountsDep, data: JSONBody[TotpConfirmRequest]
                     ) -> dict[str, str]:
        accounts.confirm_totp(request.user.id, data.code)
        return {"status": message("totp_enabled")}

