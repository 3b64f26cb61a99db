"""The front desk pages (SOP step 1, walk-in): a number is taken, called, the guest book is signed and the walk-in
consultation opens, arrived at the ticket's time; the board shows who is served; the signature comes back."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Iterator
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.consultation import Consultation
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.messages import message
from gateways.reports.dates import today
from tests.conftest import FakeClock

PASSWORD = "kata-sandi-uji-123"
OFFICE = "kab-16.13"


def tiny_png() -> bytes:
    """A real 2×1 PNG: one black and one white pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
GUEST = {"name": "Budi Santoso", "phone": "0812-3456-7890", "party_number": "1", "signature": DATA_URL}


def log_in(client: TestClient, node: Node, role: Role, username: str) -> None:
    node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, PASSWORD, "test")
    client.cookies.clear()
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture
def desk(api: TestClient, memory_node: Node) -> Iterator[TestClient]:
    log_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas-meja")
    yield api


def shown(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert found, f"no {name} in the page"
    return found.group(1).strip()


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert found, f"no error beside {field}"
    return found.group(1)


def events(node: Node) -> int:
    return node.helpdesk.recorder.max_notification_id() or 0


def test_a_walk_in_takes_a_number_signs_the_guest_book_and_the_consultation_opens(
    desk: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    helpdesk = memory_node.helpdesk
    page = desk.get("/meja-depan")
    assert page.status_code == 200
    assert "Ambil nomor antrian" in page.text and "Panggil berikutnya" in page.text

    first_taken = clock.now
    taken = desk.post("/meja-depan/tiket", follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == "/meja-depan?tiket=1"
    clock.advance(minutes=3)
    second = desk.post("/meja-depan/tiket")  # followed: the number shown big
    assert second.status_code == 200
    assert shown(second.text, "ticket-number") == "2"
    assert shown(second.text, "waiting-count") == "2"
    assert shown(second.text, "taken-at-1") == "08.30 WIB"

    clock.advance(minutes=9)
    called = desk.post("/meja-depan/panggil", follow_redirects=False)
    assert called.status_code == 303 and called.headers["location"] == "/meja-depan/tamu/1"
    form = desk.get("/meja-depan/tamu/1")
    assert form.status_code == 200
    for text in ('for="name"', 'for="phone"', 'for="email"', 'for="party_number"', 'aria-label="Kotak tanda tangan"',
                 "Hapus tanda tangan", "Simpan daftar hadir", "Partai Kebangkitan Bangsa", "/static/signature.js"):
        assert text in form.text, text
    assert shown(form.text, "guest-time") == "08.42 WIB"
    assert shown(form.text, "guest-taken") == "08.30 WIB"
    # The queue names who called the number by full name, not username.
    assert desk.get("/meja-depan").text.split('data-label="Petugas">', 1)[1].startswith("Petugas petugas-meja<")

    # An invalid phone: its message beside "Nomor HP", the values kept, nothing recorded.
    before = events(memory_node)
    clock.advance(minutes=2)
    wrong = desk.post("/meja-depan/tamu/1", data={**GUEST, "phone": "12"})
    assert wrong.status_code == 422
    assert error_beside(wrong.text, "phone") == message("invalid_phone", "id")
    assert re.search(r'id="phone"[^>]*aria-invalid="true" aria-describedby="phone-error"', wrong.text)
    assert 'value="Budi Santoso"' in wrong.text
    assert f'value="{DATA_URL}"' in wrong.text  # the drawing comes back to the canvas
    assert events(memory_node) == before
    assert memory_node.frontdesk.queue(OFFICE, today(clock.now, memory_node.office)).served_count == 0

    # No signature, no party: both said beside their fields at once.
    unsigned = desk.post("/meja-depan/tamu/1", data={**GUEST, "signature": "", "party_number": ""})
    assert unsigned.status_code == 422
    assert error_beside(unsigned.text, "signature") == "Tanda tangan wajib diisi."
    assert error_beside(unsigned.text, "party_number") == message("party_required", "id")
    assert re.search(r'<canvas[^>]*aria-invalid="true"', unsigned.text)
    # Only a PNG data URL is a signature.
    gif = desk.post("/meja-depan/tamu/1", data={**GUEST, "signature": "data:image/gif;base64,R0lGODlhAQABAAAAACw="})
    assert gif.status_code == 422
    assert error_beside(gif.text, "signature") == message("invalid_signature", "id")
    assert events(memory_node) == before

    saved = desk.post("/meja-depan/tamu/1", data=GUEST, follow_redirects=False)
    assert saved.status_code == 303
    location = saved.headers["location"]
    assert re.fullmatch(r"/konsultasi/[0-9a-f-]{36}", location)
    consultation_id = UUID(location.rsplit("/", 1)[1])
    view = helpdesk.get_consultation(OFFICE, consultation_id)
    assert view.channel is Channel.WALK_IN and view.opened_by == "petugas-meja"
    assert (view.identity.name, view.identity.phone) == ("Budi Santoso", "+6281234567890")
    assert view.identity.party.number == 1
    record: Consultation = helpdesk.repository.get(consultation_id)
    assert record.arrived_at == first_taken
    assert desk.get(location).status_code == 200
    # Signed once: the form now leads to the consultation.
    again = desk.get("/meja-depan/tamu/1", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == location

    # The signature is kept and served back, to this office's staff only.
    guest = memory_node.frontdesk.guest_of_consultation(OFFICE, consultation_id)
    assert guest is not None and guest.number == 1
    image = desk.get(f"/meja-depan/tanda-tangan/{guest.signature_key}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png" and image.content == PNG
    assert desk.get("/meja-depan/tanda-tangan/00/" + "0" * 64 + ".png").status_code == 404
    desk_page = desk.get("/meja-depan")
    assert f'src="/meja-depan/tanda-tangan/{guest.signature_key}"' in desk_page.text
    assert shown(desk_page.text, "served-count") == "1"

    # The board shows who is served and who is next.
    board = desk.get("/antrian")
    assert board.status_code == 200
    assert shown(board.text, "now-serving") == "1"
    assert 'hx-get="/antrian" hx-trigger="every 5s" hx-select="#board"' in board.text
    assert "<li>2</li>" in board.text
    assert "KPU" in board.text and memory_node.office_name in board.text


def test_calling_with_no_one_waiting_says_so_and_skipping_passes_a_number(
    desk: TestClient, memory_node: Node
) -> None:
    empty = desk.post("/meja-depan/panggil")
    assert empty.status_code == 422
    assert shown(empty.text, "notice") == message("queue_empty", "id")
    desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/tiket")
    assert desk.get("/meja-depan/tamu/2").status_code == 200  # shown, but not yet callable
    assert message("ticket_not_called", "id") in desk.get("/meja-depan/tamu/2").text
    refused = desk.post("/meja-depan/tamu/2", data=GUEST)
    assert refused.status_code == 422 and message("ticket_not_called", "id") in refused.text
    assert desk.get("/meja-depan/tamu/9").status_code == 404
    desk.post("/meja-depan/panggil")
    skipped = desk.post("/meja-depan/lewati/1", follow_redirects=False)
    assert skipped.status_code == 303
    assert desk.post("/meja-depan/panggil", follow_redirects=False).headers["location"] == "/meja-depan/tamu/2"
    board = desk.get("/antrian")
    assert shown(board.text, "now-serving") == "2"


def test_the_commissioner_sees_the_board_but_not_the_desk(api: TestClient, memory_node: Node) -> None:
    log_in(api, memory_node, Role.ANGGOTA_KPU, "anggota-kpu")
    assert api.get("/meja-depan").status_code == 403
    assert api.post("/meja-depan/tiket").status_code == 403
    assert api.get("/antrian").status_code == 200


def test_a_visitor_is_sent_to_sign_in(api: TestClient) -> None:
    response = api.get("/meja-depan", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/masuk")


def test_the_guest_book_takes_an_e_mail_address_that_reaches_the_consultation(
    desk: TestClient, memory_node: Node
) -> None:
    desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/panggil")
    form = desk.get("/meja-depan/tamu/1").text
    assert re.search(r'<input id="email" name="email" type="email"', form)
    assert "(tidak wajib)" in form  # C.d.2(d) asks for it; a guest without one still signs

    # A mistyped address: said beside "E-mail" with the other fields kept, nothing recorded.
    before = events(memory_node)
    wrong = desk.post("/meja-depan/tamu/1", data={**GUEST, "email": "budi@"})
    assert wrong.status_code == 422
    assert error_beside(wrong.text, "email") == message("invalid_email", "id")
    assert re.search(r'id="email"[^>]*value="budi@"[^>]*aria-invalid="true" aria-describedby="email-error"',
                     wrong.text)
    assert events(memory_node) == before

    saved = desk.post("/meja-depan/tamu/1", data={**GUEST, "email": " Budi.Santoso@PKB.or.id "},
                      follow_redirects=False)
    assert saved.status_code == 303
    consultation_id = UUID(saved.headers["location"].rsplit("/", 1)[1])
    view = memory_node.helpdesk.get_consultation(OFFICE, consultation_id)
    assert view.identity.email == "Budi.Santoso@pkb.or.id"
    guest = memory_node.frontdesk.guest_of_consultation(OFFICE, consultation_id)
    assert guest is not None and guest.email == "Budi.Santoso@pkb.or.id"
    assert shown_cell(desk.get("/meja-depan").text, "guest-1", 4) == "Budi.Santoso@pkb.or.id"


def shown_cell(html: str, row: str, index: int) -> str:
    """The text of the `index`-th cell (from 0) of the table row marked `row`."""
    found = re.search(rf'<tr data-testid="{row}">(.*?)</tr>', html, re.DOTALL)
    assert found, f"no row {row}"
    return re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.DOTALL)[index].strip()
