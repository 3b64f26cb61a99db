"""The list pages: the consultation list searched, filtered and paged ("Menampilkan 1–50 dari 60"), and the case
history of a province, which keeps the answered cases findable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from services.consultations import IdentityInput
from tests.conftest import FakeClock, settings_for
from tests.e2e.conftest import client_for
from tests.support.by_hand import KAB, PROV, deliver, handed_over


def linked(html: str) -> list[str]:
    """The consultations or cases a page links to, in its order."""
    return re.findall(r'href="/(?:konsultasi|eskalasi/kasus)/([0-9a-f-]{36})"', html)


def showing(html: str) -> str | None:
    found = re.search(r'data-testid="showing">([^<]*)<', html)
    return found.group(1) if found else None


@pytest.fixture
def desk(memory_node: Node) -> Iterator[TestClient]:
    yield from client_for(memory_node, Role.KOORDINATOR, "koordinator")


def opened(node: Node, n: int, channel: Channel = Channel.EMAIL, problem: str | None = None) -> UUID:
    who = IdentityInput(name=f"Penghubung {n}", party_number=1 + n % 17, phone="(0733) 451234")
    cid = node.helpdesk.open_consultation(KAB, channel, who, "desk.ani" if n % 2 else "desk.budi")
    if problem:
        node.helpdesk.record_problem(KAB, cid, problem, "desk.ani")
    return cid


def test_the_list_pages_fifty_at_a_time_and_says_how_many(memory_node: Node, desk: TestClient, clock: FakeClock
                                                           ) -> None:
    made = []
    for n in range(60):
        made.append(str(opened(memory_node, n)))
        clock.advance(minutes=1)
    newest_first = made[::-1]

    first = desk.get("/konsultasi").text
    assert showing(first) == "Menampilkan 1–50 dari 60"
    assert linked(first) == newest_first[:50]
    assert 'href="/konsultasi?halaman=2" rel="next"' in first and 'rel="prev"' not in first
    second = desk.get("/konsultasi?halaman=2").text
    assert showing(second) == "Menampilkan 51–60 dari 60"
    assert linked(second) == newest_first[50:]
    assert 'href="/konsultasi?halaman=1" rel="prev"' in second and 'rel="next"' not in second
    # Past the end: nothing listed, the total and a way back.
    beyond = desk.get("/konsultasi?halaman=9").text
    assert linked(beyond) == [] and "ada 60 konsultasi yang cocok" in beyond
    # In English.
    desk.cookies.set("helpdesk_lang", "en")
    assert showing(desk.get("/konsultasi").text) == "Showing 1–50 of 60"


def test_the_list_is_searched_and_filtered_and_the_filters_stay_on_every_page(
    memory_node: Node, desk: TestClient, clock: FakeClock
) -> None:
    tono = opened(memory_node, 1, Channel.WALK_IN, "Keanggotaan ganda di SIPOL.")
    clock.advance(minutes=1)
    for n in range(2, 60):
        opened(memory_node, n, Channel.EMAIL, f"Sandi akun nomor {n} terkunci.")
        clock.advance(minutes=1)

    # A word of the problem, or the start of the consultee's name.
    assert linked(desk.get("/konsultasi?cari=ganda").text) == [str(tono)]
    assert len(linked(desk.get("/konsultasi?cari=penghub").text)) == 50
    # The filters combine, and the next page keeps them.
    page = desk.get("/konsultasi?cari=sandi&saluran=email&status=problem_recorded").text
    assert showing(page) == "Menampilkan 1–50 dari 58"
    assert 'href="/konsultasi?cari=sandi&amp;status=problem_recorded&amp;saluran=email&amp;halaman=2"' in page
    assert 'value="sandi"' in page and '<option value="email" selected>' in page
    assert linked(desk.get("/konsultasi?saluran=walk_in").text) == [str(tono)]
    assert linked(desk.get("/konsultasi?petugas=desk.ani&cari=ganda").text) == [str(tono)]
    assert linked(desk.get("/konsultasi?partai=PDI Perjuangan&cari=ganda").text) == []
    nothing = desk.get("/konsultasi?cari=tidakada")
    assert nothing.status_code == 200 and "Tidak ada konsultasi yang cocok." in nothing.text
    # A day that cannot be read is said beside its field; nothing is listed.
    refused = desk.get("/konsultasi?dari=29-07-2024")
    assert refused.status_code == 422
    assert '<p class="error" id="dari-error">Tanggal tidak valid. Gunakan format TTTT-BB-HH.</p>' in refused.text
    assert linked(refused.text) == []
    assert linked(desk.get("/konsultasi?dari=2024-07-29&sampai=2024-07-29&saluran=walk_in").text) == [str(tono)]
    # What no person types (a NUL, a very long text, an unknown status) finds nothing or is ignored: never a 500.
    for odd in ("cari=%00", "cari=" + "a" * 5000, "status=bukan", "halaman=99999999999", "halaman=%C2%B2"):
        assert desk.get(f"/konsultasi?{odd}").status_code == 200, odd


@pytest.fixture
def offices(open_node: Callable[[Settings], Node], tmp_path: Path) -> tuple[Node, Node]:
    return open_node(settings_for("memory", tmp_path / KAB, node_id=KAB)), \
        open_node(settings_for("memory", tmp_path / PROV, node_id=PROV))


def test_the_province_finds_its_answered_cases_in_the_history(offices: tuple[Node, Node], clock: FakeClock) -> None:
    kab, prov = offices
    cases = []
    for n in range(3):
        cid = handed_over(kab, n)
        kab.helpdesk.forward_up(KAB, cid, f"Catatan {n}: mohon arahan.", "kpu")
        cases.append(case_id(KAB, cid))
        deliver(kab, prov)  # received a minute apart
        clock.advance(minutes=1)
    # The first is answered and the answer applied at the regency: it leaves the inbox.
    prov.helpdesk.accept_case(PROV, cases[0], "budi.prov")
    prov.helpdesk.answer_case(PROV, cases[0], "Surat pengunduran diri berlaku.", [("pkpu", "PKPU 4/2022")], "budi")
    deliver(prov, kab)
    deliver(kab, prov)

    for client in client_for(prov, Role.KOORDINATOR, "koordinator-prov"):
        inbox = client.get("/eskalasi").text
        assert str(cases[0]) not in inbox and 'href="/eskalasi/riwayat"' in inbox
        history = client.get("/eskalasi/riwayat")
        assert history.status_code == 200
        assert linked(history.text) == [str(c) for c in reversed(cases)]
        assert showing(history.text) == "Menampilkan 1–3 dari 3"
        assert "Surat pengunduran diri berlaku." in history.text and "Selesai" in history.text
        # Found by a word of its answer or of a note, by status, by origin office and by the day received.
        assert linked(client.get("/eskalasi/riwayat?cari=pengunduran").text) == [str(cases[0])]
        assert linked(client.get("/eskalasi/riwayat?cari=catatan 1").text) == [str(cases[1])]
        assert linked(client.get("/eskalasi/riwayat?status=returned").text) == [str(cases[0])]
        assert len(linked(client.get(f"/eskalasi/riwayat?kantor={KAB}&dari=2024-07-29").text)) == 3
        assert "Tidak ada kasus yang cocok." in client.get("/eskalasi/riwayat?kantor=kab-16.01").text
        refused = client.get("/eskalasi/riwayat?dari=2024-07-30&sampai=2024-07-29")
        assert refused.status_code == 422 and "Tanggal akhir tidak boleh sebelum tanggal awal." in refused.text
        # Read-only for the Koordinator: the answered case opens, with no form.
        case_page = client.get(f"/eskalasi/kasus/{cases[0]}").text
        assert "Surat pengunduran diri berlaku." in case_page and "Terima kasus" not in case_page
