"""The page a person is shown when a page request fails: the office's usual frame (the header, and the signed-in
person's menu when there is a session), what happened, and what to do next (go back, try again, home, log in).

An exception handler is given no dependencies and runs before the login check on a path no route answers (a 404, a
405): the office and the caller's session are read from what the app hands every page (gateways/app.py
`dependencies`). A failure of the office's store is told without the caller's menu, which would need the store.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request
from litestar.response import Template

from domain.login_limits import minutes_to_wait
from gateways.edge.auth import COOKIE_NAME
from gateways.edge.deps import Here
from gateways.messages import message, plural
from gateways.web.i18n import translator
from gateways.web.render import language, page

MESSAGES = {403: "Anda tidak berhak membuka halaman ini.", 404: "Halaman tidak ditemukan.",
            405: "Alamat ini hanya menerima kiriman formulir; alamat ini tidak bisa dibuka langsung.",
            429: "Terlalu banyak permintaan dalam waktu singkat.",
            503: "Basis data kantor sedang tidak dapat dihubungi. Tidak ada data yang berubah; "
                 "coba lagi sebentar lagi."}
GENERIC = "Terjadi kesalahan. Tidak ada data yang berubah."
TITLES = {400: "Permintaan tidak dapat diproses", 403: "Tidak berhak membuka halaman ini",
          404: "Halaman tidak ditemukan", 405: "Alamat ini tidak bisa dibuka langsung",
          413: "Berkas terlalu besar", 422: "Isian tidak dapat diterima", 429: "Tunggu sebentar",
          503: "Layanan kantor sedang terganggu"}
TITLE = "Terjadi kesalahan"
# What to do next, by status; {minutes} where the answer said how long to wait (Retry-After).
NEXT = {403: "Jika Anda memerlukan halaman ini, minta Ketua Helpdesk kantor Anda memeriksa peran akun Anda.",
        404: "Periksa alamatnya, atau buka halaman yang Anda cari lewat menu.",
        405: "Kembali ke halaman sebelumnya dan kirim formulirnya dari sana.",
        503: "Muat ulang halaman ini dalam satu atau dua menit."}
NEXT_WAIT = "Coba lagi dalam {n} menit."  # counted: "1 minute", "5 minutes" in English
NEXT_SERVER = "Coba lagi sebentar lagi. Jika kesalahan ini terus muncul, beri tahu pengelola node kantor Anda."
NEXT_OTHER = "Kembali ke halaman sebelumnya, periksa isiannya, lalu coba lagi."
STORE_DOWN = 503


def error_page(request: Request[Any, Any, Any], status: int, text: str, retry_after: str | None) -> Template:
    """The error page: `text` says what happened (in the reader's language), the rest is said here."""
    _ = translator(language(request))
    here: Here = _given(request, "here")
    signed_in = _caller(request, status)
    request.scope["user"] = signed_in  # the frame (gateways/web/render.py) shows this person's menu, or none
    wait = minutes_to_wait(int(retry_after)) if retry_after and retry_after.isdecimal() else None
    if wait is not None:
        after = wait_text(wait, language(request))
    elif status >= 500 and status != STORE_DOWN:
        after = _(NEXT_SERVER)
    else:
        after = _(NEXT.get(status, NEXT_OTHER))
    return page(request, here, "error.html", status_code=status, status=status, text=text, next_step=after,
                heading=_(TITLES.get(status, TITLE)), actions=_actions(request, status, signed_in is not None))


def wait_text(minutes: int, lang: str) -> str:
    """"Coba lagi dalam 5 menit." ("Try again in 1 minute." in English: counted)."""
    return plural(NEXT_WAIT, NEXT_WAIT, minutes, lang)


def login_wait(retry_after_seconds: int, by: str, lang: str) -> str:
    """Why a login waits, how long, and what to do: the account locked after wrong passwords (`by` "account"), or
    this address after many wrong logins, which holds every account logging in from it ("address")."""
    code = "login_wait_address" if by == "address" else "login_wait_account"
    return message(code, lang, wait=wait_text(minutes_to_wait(retry_after_seconds), lang))


def _actions(request: Request[Any, Any, Any], status: int, signed_in: bool) -> list[tuple[str, str, str]]:
    """The links of what to do next: (href, words, test id)."""
    _ = translator(language(request))
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    found: list[tuple[str, str, str]] = []
    back = same_site_referer(request)
    if back and back != here:
        found.append((back, _("Kembali ke halaman sebelumnya"), "error-back"))
    if request.method == "GET" and (status == 429 or status >= 500):
        found.append((here, _("Coba lagi"), "error-retry"))
    if signed_in:
        found.append(("/", _("Kembali ke beranda"), "error-home"))
    else:
        found.append((f"/masuk?lanjut={quote(request.url.path)}", _("Masuk"), "error-login"))
    return found


def same_site_referer(request: Request[Any, Any, Any]) -> str | None:
    """The page the person came from, when the browser says it and it is this node's."""
    referer = urlsplit(request.headers.get("referer", ""))
    if not referer.path.startswith("/") or referer.netloc not in ("", request.url.netloc):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _caller(request: Request[Any, Any, Any], status: int) -> Any:
    """Who is signed in: as the login check found them, or (no route ran it) from the session cookie, the same way
    (gateways/edge/auth.py). None without a valid session, and when the store itself failed."""
    if status == STORE_DOWN:
        return None
    found = request.scope.get("user")
    if found is not None:
        return found
    token = request.cookies.get(COOKIE_NAME)
    claims = _given(request, "sessions").read(token) if token else None
    state = _given(request, "accounts").session_state(claims.uid) if claims is not None else None
    return state[0] if state is not None and state[1] == claims.gen else None


def _given(request: Request[Any, Any, Any], name: str) -> Any:
    """What the app hands every page as `name` (each a constant: gateways/app.py `dependencies`)."""
    return request.app.dependencies[name].dependency()
