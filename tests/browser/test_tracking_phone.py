"""The liaison's tracking link on the regency of `make run`: the desk finds it in the consultation's box on the
tablet and copies it with the button; the liaison opens it on a phone without logging in and sees "Diterima", then
the answer with its basis, in Bahasa Indonesia and in English, with nothing of the consultee in the page; a forged and
an expired link are refused on the phone with the same Indonesian page. Screenshots:
test-artifacts/browser/test_the_liaison_follows_.../."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import httpx
import pytest
from playwright.sync_api import Page, expect

from gateways.cli.local import DEMO_PASSWORD
from gateways.tracking_tokens import TrackingTokens
from tests.browser.browsing import log_in
from tests.browser.conftest import ACTION_TIMEOUT_MS, ALLOWED_HOSTS, DEVICES

RUN = uuid4().hex[:6]
NAME, EMAIL = f"Sulastri Wibowo {RUN}", f"sulastri.{RUN}@partai-contoh.id"
PROBLEM = "Akun operator SIPOL kami terkunci sejak pagi setelah tiga kali salah kata sandi."
ANSWER = "Akun sudah dibuka kembali oleh admin kabupaten; silakan masuk ulang dan ganti kata sandi."
REFERENCE = "PKPU 4/2022 Pasal 10"
REFUSED = "Tautan ini tidak dikenal atau sudah kedaluwarsa."
# The one console line a refused link may leave: Chromium's network log of the page's own 404.
NOT_FOUND_LOG = re.compile(r"^Failed to load resource: the server responded with a status of 404")


def staff_api(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    login = client.post("/api/auth/login", json={"username": "anggota_helpdesk", "password": DEMO_PASSWORD})
    assert login.status_code == 201, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['token']}"
    client.cookies.clear()
    return client


def opened_by_mail(api: httpx.Client) -> UUID:
    """An e-mail consultation with its problem written down, as the mailbox job would open it."""
    opened = api.post("/api/consultations", json={"channel": "email", "consultee": {
        "name": NAME, "party_number": 1, "email": EMAIL}})
    assert opened.status_code == 201, opened.text
    cid = UUID(opened.json()["id"])
    recorded = api.post(f"/api/consultations/{cid}/problem", json={"text": PROBLEM})
    assert recorded.status_code == 200, recorded.text
    return cid


def no_personal_data(page: Page) -> None:
    source = page.content()
    for private in (NAME, "Sulastri", EMAIL, PROBLEM, "anggota_helpdesk"):
        assert private not in source, private
    assert page.locator("script").count() == 0, "the liaison's page runs no script"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], "sideways scroll"


@pytest.fixture
def bare_phone(browser: Any) -> Iterator[Any]:
    """`bare_phone(base_url)`: a phone page outside `browser_page`'s watch, for links the node must answer with 404
    (which Chromium logs in the console); it fails the test on any other console line, a page error, a response
    >= 500 or a request leaving 127.0.0.1, as the watch does."""
    opened: list[Any] = []
    problems: list[str] = []

    def open_phone(base_url: str) -> Page:
        context = browser.new_context(base_url=base_url, locale="id-ID", timezone_id="Asia/Jakarta",
                                      **DEVICES["phone"])
        context.set_default_timeout(ACTION_TIMEOUT_MS)

        def route(route: Any, request: Any) -> None:
            if urlsplit(request.url).hostname not in ALLOWED_HOSTS:
                problems.append(f"request left 127.0.0.1: {request.url}")
                route.abort("blockedbyclient")
            else:
                route.continue_()

        context.route("**/*", route)
        context.on("response", lambda r: problems.append(f"server error {r.status} {r.url}") if r.status >= 500
                   else None)
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error"
                and not NOT_FOUND_LOG.match(m.text) else None)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        opened.append(context)
        return page

    yield open_phone
    for context in opened:
        context.close()
    assert problems == []


def test_the_liaison_follows_the_consultation_on_a_phone(make_run, browser_page, bare_phone, shot) -> None:
    api = staff_api(make_run.regency)
    cid = opened_by_mail(api)

    # The desk opens the consultation on the front desk's tablet: the box holds the link, the button copies it.
    desk = browser_page(make_run.regency, "tablet")
    desk.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=make_run.regency)
    log_in(desk, "anggota_helpdesk")
    desk.goto(f"/konsultasi/{cid}")
    field = desk.get_by_test_id("tracking-url")
    expect(field).to_have_value(re.compile(rf"^{re.escape(make_run.regency)}/lacak/[A-Za-z0-9_-]{{50}}$"))
    link = field.input_value()
    desk.get_by_role("button", name="Salin tautan", exact=True).click()
    expect(desk.get_by_text("Tautan disalin.", exact=True)).to_be_visible()
    assert desk.evaluate("() => navigator.clipboard.readText()") == link
    desk.get_by_test_id("tracking-box").scroll_into_view_if_needed()
    shot(desk, "desk-tracking-box")

    # The liaison opens it on their phone, signed in nowhere: received.
    phone = browser_page(make_run.regency, "phone")
    response = phone.goto(link)
    assert response is not None and response.status == 200
    assert response.headers["cache-control"] == "no-store"
    expect(phone.get_by_test_id("tracking-status")).to_have_text("Diterima")
    expect(phone.get_by_test_id("tracking-number")).to_have_text(f"HD-{cid.hex[:8]}")
    expect(phone.get_by_test_id("tracking-channel")).to_have_text("Surat elektronik")
    expect(phone.get_by_test_id("tracking-answer")).to_have_count(0)
    no_personal_data(phone)
    shot(phone, "received")

    # The desk answers with its basis; the liaison reloads: answered, the answer and its basis shown.
    answered = api.post(f"/api/consultations/{cid}/answer", json={
        "text": ANSWER, "bases": [{"kind": "pkpu", "reference": REFERENCE}]})
    assert answered.status_code == 200, answered.text
    phone.reload()
    expect(phone.get_by_test_id("tracking-status")).to_have_text("Sudah dijawab")
    expect(phone.get_by_test_id("tracking-answer")).to_contain_text(ANSWER)
    expect(phone.get_by_test_id("tracking-bases")).to_contain_text(REFERENCE)
    expect(phone.get_by_test_id("tracking-expires")).to_contain_text("Tautan ini berlaku sampai")
    no_personal_data(phone)
    shot(phone, "answered")

    # In English, from the same catalogue; and back.
    phone.get_by_role("link", name="EN", exact=True).click()
    expect(phone.get_by_test_id("tracking-status")).to_have_text("Answered")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    shot(phone, "answered-english")
    phone.get_by_role("link", name="ID", exact=True).click()
    expect(phone.get_by_test_id("tracking-status")).to_have_text("Sudah dijawab")

    # A forged link and one issued 31 days ago (signed with the regency's own key) get the same Indonesian page.
    token = urlsplit(link).path.rsplit("/", 1)[1]
    forged = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    secret = (make_run.data / "kab-16.13" / "secret.key").read_text(encoding="ascii").strip().encode()
    expired, _ = TrackingTokens(secret, 30, lambda: datetime.now(UTC) - timedelta(days=31)).issue(cid)
    refused = bare_phone(make_run.regency)
    for name, bad in (("forged", forged), ("expired", expired)):
        answer = refused.goto(f"/lacak/{bad}")
        assert answer is not None and answer.status == 404, name
        expect(refused.get_by_role("heading", level=1)).to_have_text("Tautan pelacakan tidak berlaku")
        expect(refused.get_by_role("alert")).to_contain_text(REFUSED)
        assert NAME not in refused.content() and refused.locator("script").count() == 0
        shot(refused, f"refused-{name}")
