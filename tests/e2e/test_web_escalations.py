"""The escalation pages: a regency question reaches the province's inbox, is accepted, questioned, forwarded
to the centre, answered there and carried back down to the regency; three in-memory nodes, messages carried
by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.consultation import Status
from domain.escalation import CaseStatus
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import FakeClock, settings_for
from tests.e2e.conftest import client_for
from tests.support.by_hand import KAB, PROV, PUSAT, deliver, handed_over


@pytest.fixture
def nodes(open_node: Callable[[Settings], Node], tmp_path: Path) -> tuple[Node, Node, Node]:
    kab, prov, pusat = (open_node(settings_for("memory", tmp_path / n, node_id=n)) for n in (KAB, PROV, PUSAT))
    return kab, prov, pusat


def carry(*nodes: Node) -> None:
    """Carries every message between the nodes until none is left."""
    while sum(deliver(source, target) for source in nodes for target in nodes if source is not target):
        pass


@pytest.fixture
def province(nodes: tuple[Node, Node, Node]) -> Iterator[TestClient]:
    yield from client_for(nodes[1], Role.ANGGOTA_HELPDESK, "petugas-prov")


@pytest.fixture
def centre(nodes: tuple[Node, Node, Node]) -> Iterator[TestClient]:
    yield from client_for(nodes[2], Role.KOORDINATOR_HARIAN, "petugas-pusat")


def sent_up(nodes: tuple[Node, Node, Node], n: int = 1) -> tuple[UUID, UUID]:
    """A regency consultation the commissioner forwarded to the province, delivered there; its id and case id."""
    kab = nodes[0]
    cid = handed_over(kab, n)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "komisioner-kab")
    carry(*nodes)
    return cid, case_id(KAB, cid)


def status_of(html: str) -> str:
    found = re.search(r'data-testid="case-status">([^<]*)<', html)
    assert found, html
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, str] | None = None) -> None:
    response = client.post(path, data=data or {}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == path.rsplit("/", 1)[0]


def test_a_case_goes_from_the_province_inbox_to_the_centre_and_its_answer_back_to_the_regency(
    nodes: tuple[Node, Node, Node], province: TestClient, centre: TestClient, clock: FakeClock
) -> None:
    kab, prov, pusat = nodes
    cid, case = sent_up(nodes)
    page = f"/eskalasi/kasus/{case}"

    # The province's inbox lists it, with its origin office, party and problem, linked to the case page.
    inbox = province.get("/eskalasi")
    assert inbox.status_code == 200
    waiting = inbox.text.split("Diteruskan ke atas")[0]
    assert f'href="{page}"' in waiting
    assert "kab-16.13" in waiting and "Musi Rawas Utara" in waiting
    assert "Partai Demokrasi Indonesia Perjuangan" in waiting
    assert "Masalah" in waiting
    assert "Belum ada yang diteruskan ke atas." in inbox.text
    assert 'hx-trigger="every 15s"' in inbox.text and 'hx-select="#eskalasi-tabel"' in inbox.text

    # The case page shows the case; only acceptance is offered before a named officer takes it.
    shown = province.get(page)
    assert shown.status_code == 200
    assert status_of(shown.text) == "Baru diterima"
    assert "Mohon arahan provinsi." in shown.text and "Jadi masalahnya?" in shown.text
    assert "Terima kasus" in shown.text and "Kirim jawaban" not in shown.text
    assert "Penghubung" not in shown.text  # the consultee's name stays at the regency

    post(province, f"{page}/terima")
    shown = province.get(page)
    assert status_of(shown.text) == "Sedang ditangani"
    assert prov.helpdesk.get_case(PROV, case).accepted_by == "petugas-prov"
    for label in ("Kirim jawaban", "Jenis dasar", "Rujukan dasar", "Minta klarifikasi", "Teruskan ke KPU RI"):
        assert label in shown.text
    assert 'data-testid="hop-state-down">ditangani<' in shown.text

    # An empty question is refused beside its field; nothing changes.
    version = prov.helpdesk.get_case(PROV, case).version
    refused = province.post(f"{page}/minta-klarifikasi", data={"question": "   "}, follow_redirects=False)
    assert refused.status_code == 422
    assert '<p class="error" id="pertanyaan-error">Kolom ini wajib diisi.</p>' in refused.text
    assert re.search(r'id="pertanyaan"[^>]*aria-invalid="true" aria-describedby="pertanyaan-error"', refused.text)
    assert prov.helpdesk.get_case(PROV, case).version == version

    # An answer without a basis is refused beside "Jenis dasar", keeping what was typed.
    refused = province.post(f"{page}/jawab", data={"text": "Jawaban sementara", "kind": "", "reference": ""},
                            follow_redirects=False)
    assert refused.status_code == 422
    assert 'id="jenis-dasar-error"' in refused.text and ">Jawaban sementara</textarea>" in refused.text
    assert prov.helpdesk.get_case(PROV, case).status is CaseStatus.ACCEPTED

    # Forwarded to the centre with a note: the case says so and the outgoing table lists it as sent.
    post(province, f"{page}/teruskan", {"note": "Perlu tafsir pusat."})
    shown = province.get(page)
    assert status_of(shown.text) == "Diteruskan ke atas"
    assert 'data-testid="hop-state-up">terkirim<' in shown.text
    assert "Kirim jawaban" not in shown.text
    sent = province.get("/eskalasi").text
    outgoing = sent.split('id="judul-diteruskan"')[1]
    assert f'href="{page}"' in outgoing and 'data-testid="hop-state">terkirim<' in outgoing
    assert "KPU RI (pusat)" in outgoing
    assert f'href="{page}"' not in sent.split('id="judul-diteruskan"')[0]  # not waiting for action here

    # The centre receives it; the province sees the hop received.
    carry(*nodes)
    assert 'data-testid="hop-state">diterima<' in province.get("/eskalasi").text
    assert f'href="{page}"' in centre.get("/eskalasi").text
    post(centre, f"{page}/terima")
    at_centre = centre.get(page).text
    assert "Kirim jawaban" in at_centre and "Teruskan ke" not in at_centre  # the top level answers itself
    assert "Perlu tafsir pusat." in at_centre

    # The centre answers with a basis; the answer travels down to the regency consultation.
    post(centre, f"{page}/jawab", {"text": "Keanggotaan ganda gugur bila surat sah.", "kind": "pkpu",
                                   "reference": "PKPU 4/2022 Pasal 85"})
    answered = centre.get(page).text
    assert status_of(answered) == "Dijawab"
    assert "PKPU: PKPU 4/2022 Pasal 85" in answered
    carry(*nodes)
    consultation = kab.helpdesk.get_consultation(KAB, cid)
    assert consultation.status is Status.ANSWERED
    assert consultation.answer == "Keanggotaan ganda gugur bila surat sah."
    assert 'data-testid="hop-state">dikembalikan<' in province.get("/eskalasi").text
    assert prov.helpdesk.get_case(PROV, case).status is CaseStatus.RETURNED


def test_the_badge_shows_when_a_case_waited_longer_than_the_escalated_answer_standard(
    nodes: tuple[Node, Node, Node], province: TestClient, clock: FakeClock
) -> None:
    sent_up(nodes)
    fresh = province.get("/eskalasi").text
    assert 'data-testid="sop-badge"' not in fresh
    assert 'data-testid="waited">0 menit<' in fresh

    clock.advance(minutes=8)
    assert 'data-testid="sop-badge">lewat 50 %<' in province.get("/eskalasi").text
    clock.advance(minutes=8)
    late = province.get("/eskalasi", headers={"HX-Request": "true"})  # the 15-second refresh: the tables only
    assert late.status_code == 200
    assert "<html" not in late.text and 'id="eskalasi-tabel"' in late.text
    assert 'class="badge bad" data-testid="sop-badge">melewati standar<' in late.text
    assert 'data-testid="waited">16 menit<' in late.text


def test_the_commissioner_sees_the_consultation_handed_over_and_links_to_it(
    nodes: tuple[Node, Node, Node]
) -> None:
    kab = nodes[0]
    cid = handed_over(kab, 1)
    for client in client_for(kab, Role.ANGGOTA_KPU, "komisioner-kab"):
        inbox = client.get("/eskalasi").text
        assert f'href="/konsultasi/{cid}"' in inbox and "Pada Anggota KPU" in inbox

        # Forwarded to the province, it leaves the inbox and shows among what went up, with its hop.
        kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "komisioner-kab")
        listed = client.get("/eskalasi").text
        waiting, outgoing = listed.split('id="judul-diteruskan"')
        assert f'href="/konsultasi/{cid}"' not in waiting and "Tidak ada yang menunggu tindakan." in waiting
        assert f'href="/konsultasi/{cid}"' in outgoing and 'data-testid="hop-state">terkirim<' in outgoing
        assert "KPU Provinsi Sumatera Selatan (prov-16)" in outgoing


@pytest.mark.parametrize("role", [Role.SEKRETARIS_HELPDESK, Role.KETUA_HELPDESK, Role.KOORDINATOR])
def test_the_roles_that_follow_the_desk_read_the_escalation_pages_without_forms(
    nodes: tuple[Node, Node, Node], role: Role
) -> None:
    kab, prov, _ = nodes
    waiting = handed_over(kab, 9)  # with the regency's commissioner
    _, case = sent_up(nodes)
    for client in client_for(kab, role, f"{role.value.replace('_', '-')}-kab"):
        # The menu offers the page; the regency's inbox shows what waits for its commissioner (a link, no form).
        inbox = client.get("/eskalasi")
        assert inbox.status_code == 200 and 'href="/eskalasi"' in inbox.text
        assert f'href="/konsultasi/{waiting}"' in inbox.text and "Pada Anggota KPU" in inbox.text
        assert 'data-testid="history-link"' not in inbox.text  # a regency receives no cases
    for client in client_for(prov, role, f"{role.value.replace('_', '-')}-prov"):
        assert f'href="/eskalasi/kasus/{case}"' in client.get("/eskalasi").text
        # The case reads in full, without a form to act on it.
        shown = client.get(f"/eskalasi/kasus/{case}")
        assert shown.status_code == 200 and status_of(shown.text) == "Baru diterima"
        assert "Mohon arahan provinsi." in shown.text
        assert "Terima kasus" not in shown.text and "<form" not in shown.text.split("</header>")[1].replace(
            'action="/keluar"', "")
        # A form posted by hand is refused, and nothing changes.
        assert client.post(f"/eskalasi/kasus/{case}/terima", follow_redirects=False).status_code == 403
    assert prov.helpdesk.get_case(PROV, case).status is CaseStatus.RECEIVED


def test_an_unknown_case_is_not_found(nodes: tuple[Node, Node, Node], province: TestClient) -> None:
    missing = province.get("/eskalasi/kasus/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "Halaman tidak ditemukan." in missing.text


def test_in_english_the_labels_are_translated(nodes: tuple[Node, Node, Node], province: TestClient) -> None:
    _, case = sent_up(nodes)
    province.cookies.set("helpdesk_lang", "en")
    assert "Waiting for action" in province.get("/eskalasi").text
    assert "Accept case" in province.get(f"/eskalasi/kasus/{case}").text


def test_a_refused_step_shows_its_message_at_the_top(nodes: tuple[Node, Node, Node], province: TestClient) -> None:
    _, case = sent_up(nodes)
    page = f"/eskalasi/kasus/{case}"
    refused = province.post(f"{page}/teruskan", data={"note": "Terlalu cepat."}, follow_redirects=False)
    assert refused.status_code == 422
    assert '<p class="error" role="alert" id="form-error">Terima kasus ini terlebih dahulu' in refused.text
    assert ">Terlalu cepat.</textarea>" in refused.text
    post(province, f"{page}/terima")
    again = province.post(f"{page}/terima", follow_redirects=False)
    assert again.status_code == 422 and "Kasus ini sudah diterima." in again.text


def test_a_question_from_the_centre_is_passed_down_or_answered_at_the_province(
    nodes: tuple[Node, Node, Node], province: TestClient, centre: TestClient
) -> None:
    kab, prov, _ = nodes
    cid, case = sent_up(nodes)
    page = f"/eskalasi/kasus/{case}"
    post(province, f"{page}/terima")
    post(province, f"{page}/teruskan", {"note": "Perlu tafsir pusat."})
    carry(*nodes)
    post(centre, f"{page}/terima")
    post(centre, f"{page}/minta-klarifikasi", {"question": "Kapan surat dibuat?"})
    carry(*nodes)

    # The province is asked: the question waits in its inbox and the case offers both ways on.
    inbox = province.get("/eskalasi").text.split('id="judul-diteruskan"')[0]
    assert f'href="{page}"' in inbox and "Kapan surat dibuat?" in inbox
    shown = province.get(page).text
    assert status_of(shown) == "Klarifikasi diminta dari atas"
    assert 'data-testid="case-question-from-above">Kapan surat dibuat?<' in shown
    assert "Kirim klarifikasi" in shown and "Teruskan pertanyaan ke bawah" in shown

    # Passed down, it reaches the regency consultation; the regency's clarification comes back to the province.
    post(province, f"{page}/teruskan-pertanyaan")
    assert status_of(province.get(page).text) == "Pertanyaan dari atas diteruskan ke bawah"
    carry(*nodes)
    assert kab.helpdesk.get_consultation(KAB, cid).clarification_question == "Kapan surat dibuat?"
    kab.helpdesk.clarify_consultation(KAB, cid, "Tanggal 2 Juli 2024.", "komisioner-kab")
    carry(*nodes)
    assert status_of(province.get(page).text) == "Klarifikasi diminta dari atas"

    # An empty clarification is refused beside its field; the real one goes up.
    refused = province.post(f"{page}/klarifikasi", data={"text": ""}, follow_redirects=False)
    assert refused.status_code == 422 and 'id="klarifikasi-error"' in refused.text
    post(province, f"{page}/klarifikasi", {"text": "Tanggal 2 Juli 2024, sebelum pendaftaran."})
    assert prov.helpdesk.get_case(PROV, case).status is CaseStatus.FORWARDED
    assert "Tanggal 2 Juli 2024, sebelum pendaftaran." in province.get(page).text
