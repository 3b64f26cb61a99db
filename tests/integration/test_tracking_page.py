"""The liaison's tracking page over the app, on memory, SQLite and PostgreSQL: the desk takes the link from the
consultation's page, and the page, opened without logging in, follows the consultation from received to answered by
the province in plain words, never showing the consultee, a staff member or a note; a forged, altered or expired link
gets the same Indonesian 404; one address asking too often gets a 429 that says when to come back."""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import UUID, uuid4

import msgspec
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.roles import Role
from domain.values import Channel
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.tracking_tokens import TrackingTokens
from gateways.web.tracking import qr_svg
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.e2e.conftest import PASSWORD
from tests.support.by_hand import KAB, PROV, deliver

NAME, PHONE, EMAIL = "Sulastri Wibowo", "081298765432", "sulastri.w@partai.id"
PROBLEM = "Akun operator SIPOL kami terkunci sejak pagi."
DESK, KPU, PROV_DESK = "petugas.rina", "komisioner.joko", "budi.provinsi"
ANSWER = "Ibu Sulastri, akun dibuka kembali oleh admin SIPOL; hubungi 0813-2222-3333 bila terkunci lagi."
DAY = 24 * 60
REFUSED = ("Tautan ini tidak dikenal atau sudah kedaluwarsa. Minta tautan baru ke helpdesk KPU Kabupaten Musi Rawas"
           " Utara.")


def staff_link(client: TestClient, node: Node, consultation_id: UUID) -> str:
    """Signs in as the desk and reads the link from the consultation's box; the path of the link."""
    node.accounts.register_user("meja", "Petugas Meja", Role.ANGGOTA_HELPDESK, KAB, PASSWORD, "test")
    signed_in = client.post("/masuk", data={"username": "meja", "password": PASSWORD, "next": "/"},
                            follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    workspace = client.get(f"/konsultasi/{consultation_id}")
    assert 'data-testid="tracking-box"' in workspace.text  # the box loads the link from the route below
    box = client.get(f"/konsultasi/{consultation_id}/pelacakan")
    assert box.status_code == 200
    url = re.search(r'value="([^"]+)" data-testid="tracking-url"', box.text)
    assert url is not None, box.text
    # The QR code beside it is this very link (drawn on the server: segno is deterministic for the same text).
    assert 'data-testid="tracking-qr"' in box.text and str(qr_svg(url.group(1))) in box.text
    client.cookies.clear()  # the liaison is nobody signed in
    assert url.group(1).startswith("http://testserver.local/lacak/")
    return url.group(1).removeprefix("http://testserver.local")


def main_of(html: str) -> str:
    return html.split('<main id="isi" class="tracking-main">', 1)[1].split("</main>", 1)[0]


def status_of(html: str) -> str:
    found = re.search(r'data-testid="tracking-status">([^<]+)<', html)
    assert found is not None, html
    return found.group(1)


def shown_to_nobody(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    # Nothing of the consultee, of the staff, of the problem or of the notes is in the source.
    for private in (NAME, "Sulastri", "Wibowo", PHONE, EMAIL, "2222-3333", DESK, KPU, PROV_DESK, "Petugas Meja",
                    PROBLEM, "Di luar FAQ", "Mohon arahan provinsi"):
        assert private.lower() not in html.lower(), private
    # No script at all, and nothing fetched from anywhere but this node.
    assert "<script" not in html
    assert all(ref.startswith(("/", "data:")) for ref in re.findall(r'(?:src|href)="([^"]*)"', html))
    assert "http://" not in html and "https://" not in html
    return html


def test_the_liaison_follows_the_consultation_to_the_provinces_answer(office: Callable[[str], Node],
                                                                      clock: FakeClock) -> None:
    kab, prov = office(KAB), office(PROV)
    desk = kab.helpdesk
    who = IdentityInput(name=NAME, party_number=1, phone=PHONE, email=EMAIL)
    cid = desk.open_consultation(KAB, Channel.WALK_IN, who, DESK)
    with TestClient(create_app(kab)) as client:
        # The desk gives the link at the front desk; the liaison opens it on their phone: received.
        link = staff_link(client, kab, cid)
        html = shown_to_nobody(client, link)
        assert status_of(html) == "Diterima"
        assert f"HD-{cid.hex[:8]}" in html and "Tatap muka" in html and "Partai Kebangkitan Bangsa" in html
        assert 'data-testid="tracking-answer"' not in html
        # The problem told, restated and confirmed: being answered.
        desk.record_problem(KAB, cid, PROBLEM, DESK)
        assert status_of(shown_to_nobody(client, link)) == "Diterima"
        desk.restate_problem(KAB, cid, "Jadi akun operator terkunci?", DESK)
        desk.confirm_problem(KAB, cid, DESK)
        assert status_of(shown_to_nobody(client, link)) == "Sedang dijawab"
        # Handed to the commissioner, then forwarded to the province.
        desk.hand_to_commissioner(KAB, cid, "Di luar FAQ", DESK)
        assert status_of(shown_to_nobody(client, link)) == "Diteruskan ke Anggota KPU Kabupaten Musi Rawas Utara"
        desk.forward_up(KAB, cid, "Mohon arahan provinsi.", KPU)
        html = shown_to_nobody(client, link)
        assert status_of(html) == "Diteruskan ke KPU Provinsi Sumatera Selatan"
        assert "Jawabannya ditunggu dari KPU Provinsi Sumatera Selatan" in html
        # The province answers; the answer comes back down: answered, with its basis and the office that gave it.
        deliver(kab, prov)
        case = case_id(KAB, cid)
        prov.helpdesk.accept_case(PROV, case, PROV_DESK)
        prov.helpdesk.answer_case(PROV, case, ANSWER, [("pkpu", "PKPU 4/2022 Pasal 85")], PROV_DESK)
        deliver(prov, kab)
        html = shown_to_nobody(client, link)
        assert status_of(html) == "Sudah dijawab"
        assert "[nama], akun dibuka kembali oleh admin SIPOL; hubungi [nomor telepon] bila terkunci lagi." in html
        assert "PKPU (Peraturan KPU): PKPU 4/2022 Pasal 85" in html
        assert "Dijawab oleh KPU Provinsi Sumatera Selatan" in html
        # The desk goes on with the script; the liaison still reads "answered".
        desk.check_understanding(KAB, cid, True, DESK)
        desk.log_in_report(KAB, cid, DESK)
        assert status_of(shown_to_nobody(client, link)) == "Sudah dijawab"
        # In English, from the same catalogue.
        client.cookies.set("helpdesk_lang", "en")
        english = shown_to_nobody(client, link)
        assert status_of(english) == "Answered" and "Basis of the answer" in english
        client.cookies.clear()
        # Thirty days after the link was given it still works in its last minute, then no more.
        clock.advance(minutes=30 * DAY - 1)
        assert client.get(link).status_code == 200
        clock.advance(minutes=1)
        expired = client.get(link)
        assert expired.status_code == 404 and REFUSED in expired.text
        assert NAME not in expired.text


def test_a_forged_or_altered_link_is_refused_like_an_expired_one(office: Callable[[str], Node],
                                                                 clock: FakeClock) -> None:
    kab = office(KAB)
    cid = kab.helpdesk.open_consultation(KAB, Channel.EMAIL, IdentityInput(name=NAME, party_number=1, email=EMAIL),
                                         DESK)
    genuine, _ = TrackingTokens(kab.secret_key, 30, clock).issue(cid)
    forged, _ = TrackingTokens(b"kunci-lain-yang-panjang-sekali-32b", 30, clock).issue(cid)
    altered = genuine[:20] + ("A" if genuine[20] != "A" else "B") + genuine[21:]
    stranger, _ = TrackingTokens(kab.secret_key, 30, clock).issue(uuid4())  # genuine, but no such consultation here
    with TestClient(create_app(kab)) as client:
        assert client.get(f"/lacak/{genuine}").status_code == 200
        refusals = [client.get(f"/lacak/{token}") for token in (forged, altered, stranger, "bukan-token", "x" * 500)]
        clock.advance(minutes=30 * DAY)
        refusals.append(client.get(f"/lacak/{genuine}"))
    # One status, one page: nobody learns whether the link was forged, altered, unknown or expired.
    assert [r.status_code for r in refusals] == [404] * 6
    assert {main_of(r.text) for r in refusals} == {main_of(refusals[0].text)}
    assert "Tautan pelacakan tidak berlaku" in refusals[0].text and REFUSED in refusals[0].text
    assert all(r.headers["cache-control"] == "no-store" for r in refusals)


def test_one_address_asking_too_often_waits(backend_settings: Settings, open_node: Callable[[Settings], Node],
                                            clock: FakeClock) -> None:
    kab = open_node(msgspec.structs.replace(backend_settings, tracking_requests_per_minute=3))
    cid = kab.helpdesk.open_consultation(KAB, Channel.EMAIL, IdentityInput(name=NAME, party_number=1, email=EMAIL),
                                         DESK)
    token, _ = TrackingTokens(kab.secret_key, 30, clock).issue(cid)
    with TestClient(create_app(kab)) as client:
        # Three a minute, whatever they ask for (a made-up token counts too).
        assert [client.get(path).status_code for path in (f"/lacak/{token}", "/lacak/tebakan", f"/lacak/{token}")] \
            == [200, 404, 200]
        waiting = client.get(f"/lacak/{token}")
        assert waiting.status_code == 429
        assert "Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam 1 menit." in waiting.text
        assert waiting.headers["retry-after"] == "60"
        assert NAME not in waiting.text
        # A minute later the page opens again.
        clock.advance(minutes=1)
        assert client.get(f"/lacak/{token}").status_code == 200
