"""The front desk's skip asks first and can be undone (issue 17): the skip form says what will happen (the dialog of
static/confirm.js shows it), the notice of a skip offers "Batalkan lewati", and the number comes back to the desk;
an undo the domain refuses is said on the page. The guest book shows the phone the way people write it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import message
from gateways.reports.dates import today
from tests.conftest import FakeClock
from tests.e2e.test_web_frontdesk import GUEST, OFFICE, log_in, shown, shown_cell


@pytest.fixture
def desk(api: TestClient, memory_node: Node) -> Iterator[TestClient]:
    log_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas-meja")
    yield api


def skip_form(page: str, number: int) -> str:
    found = re.search(rf'<form method="post" action="/meja-depan/lewati/{number}"[^>]*>', page)
    assert found, f"no skip form for {number}"
    return found.group(0)


def test_skipping_asks_first_and_the_notice_offers_the_undo(
    desk: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/panggil")

    # The skip form carries what will happen, for the dialog to show.
    form = skip_form(desk.get("/meja-depan").text, 1)
    asked = re.search(r'data-confirm="([^"]+)"', form)
    assert asked, form
    assert html.unescape(asked.group(1)) == (
        "Nomor antrian 1 akan dilewati: orangnya dianggap sudah pergi dan nomor ini keluar dari antrian. "
        "Bila keliru, lewati dapat dibatalkan hari ini.")

    # Skipped: the notice and, beside it, the undo.
    skipped = desk.post("/meja-depan/lewati/1")
    assert skipped.status_code == 200
    assert shown(skipped.text, "notice") == "Nomor antrian 1 dilewati."
    assert re.search(r'<form method="post" action="/meja-depan/lewati/1/batal"[^>]*>\s*'
                     r'<button type="submit" data-testid="undo-skip">Batalkan lewati</button>', skipped.text)

    # Undone: number 1 is at the desk again, the board shows it, the guest book can be signed.
    undone = desk.post("/meja-depan/lewati/1/batal", follow_redirects=False)
    assert undone.status_code == 303 and undone.headers["location"] == "/meja-depan?kembali=1"
    page = desk.get(undone.headers["location"]).text
    assert shown(page, "notice") == "Nomor antrian 1 tidak jadi dilewati."
    assert 'data-testid="called-1"' in page and 'data-testid="undo-skip"' not in page
    assert shown(desk.get("/antrian").text, "now-serving") == "1"
    signed = desk.post("/meja-depan/tamu/1", data=GUEST, follow_redirects=False)
    assert signed.status_code == 303

    # Undoing again finds nothing skipped: said on the page, nothing changes.
    refused = desk.post("/meja-depan/lewati/1/batal")
    assert refused.status_code == 422
    assert message("ticket_not_skipped", "id") in refused.text
    assert desk.post("/meja-depan/lewati/9/batal").status_code == 404
    view = memory_node.frontdesk.queue(OFFICE, today(clock.now, memory_node.office))
    assert [t.number for t in view.served] == [1] and view.skipped == []

    # The guest book line shows the phone as people write it, stored as +62.
    assert shown_cell(desk.get("/meja-depan").text, "guest-1", 3) == "0812-3456-7890"


def test_a_number_that_left_and_came_back_is_called_back_from_the_skipped_list(desk: TestClient) -> None:
    for _ in range(3):
        desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/panggil")
    desk.post("/meja-depan/lewati/1")
    desk.post("/meja-depan/lewati/2")  # skipped while still waiting
    page = desk.get("/meja-depan").text  # later: no notice, the skipped numbers each with their undo
    assert 'data-testid="notice"' not in page
    for number in (1, 2):
        assert re.search(rf'action="/meja-depan/lewati/{number}/batal"[^>]*>\s*<button type="submit" '
                         rf'data-testid="undo-skip-{number}">Batalkan lewati nomor {number}</button>', page)
    desk.post("/meja-depan/lewati/2/batal")
    page = desk.get("/meja-depan").text
    assert 'data-testid="waiting-2"' in page and 'data-testid="undo-skip-2"' not in page
    assert 'data-testid="undo-skip-1"' in page


def test_in_english_the_confirmation_and_the_undo_are_english(desk: TestClient) -> None:
    desk.get("/bahasa/en")
    desk.post("/meja-depan/tiket")
    desk.post("/meja-depan/panggil")
    form = skip_form(desk.get("/meja-depan").text, 1)
    assert "Queue number 1 will be skipped" in html.unescape(form)
    skipped = desk.post("/meja-depan/lewati/1").text
    assert ">Undo skip</button>" in skipped
