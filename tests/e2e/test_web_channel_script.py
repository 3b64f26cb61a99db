"""The script of each channel as the pages and the API follow it: an e-mail answered without restating, a walk-in
refused the same, the consultee's identity put right from the page, the province's own step-4 clock on its case, and
the office's party register."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.casefile import case_id
from domain.roles import Role
from domain.script import Status
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import Login, client_for
from tests.e2e.test_web_consultations import OFFICE, forms_on, open_by_hand, sign_in, status_of, step
from tests.e2e.test_web_escalations import carry, nodes  # noqa: F401 - the three offices' fixture
from tests.e2e.test_web_frontdesk import DATA_URL
from tests.support.by_hand import KAB, PROV, handed_over

BASIS = {"basis_kind_1": "faq_sipol", "basis_reference_1": "FAQ SIPOL nomor 3"}


def test_an_email_is_answered_without_restating_and_logged_without_asking_about_understanding(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "eka")
    cid = open_by_hand(api, "email", email="penghubung@partai.example", phone="")
    page = api.get(f"/konsultasi/{cid}").text
    # The page says what the e-mail script asks (SOP C.a) and names step 1 for the channel: the inbox check.
    assert 'data-testid="script-note"' in page and "Pengecekan kotak masuk dan spam" in page

    clock.advance(minutes=3)
    step(api, cid, "permasalahan", {"text": "Operator partai tidak menerima e-mail aktivasi akun SIPOL."})
    # Restating is offered, not required: the answer and the handover are offered at once, and first.
    page = api.get(f"/konsultasi/{cid}").text
    assert forms_on(page) == {"pengulangan", "jawaban", "serahkan", "dokumentasi"}
    order = re.findall(r'<form method="post" action="/konsultasi/[0-9a-f-]+/([a-z-]+)"', page)
    assert order.index("jawaban") < order.index("serahkan") < order.index("pengulangan")
    clock.advance(minutes=5)
    step(api, cid, "jawaban", {"text": "Periksa folder spam; kirim ulang aktivasi dari menu Akun.", **BASIS})
    assert status_of(memory_node, cid) is Status.ANSWERED
    # The report is offered straight after the answer; asking about understanding stays possible.
    assert {"laporan", "pemahaman"} <= forms_on(api.get(f"/konsultasi/{cid}").text)
    step(api, cid, "laporan")
    step(api, cid, "tutup")  # no photo is required of an e-mail
    assert status_of(memory_node, cid) is Status.CLOSED
    figures = {f.step: f for f in memory_node.clocks.step_figures(OFFICE, clock().date(), clock().date())}
    assert (figures["problem"].average_seconds, figures["answer"].average_seconds) == (180, 300)


def test_a_walk_in_cannot_skip_the_confirmed_restatement_on_the_page_or_the_api(
    api: TestClient, memory_node: Node, as_role: Login
) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "eka")
    cid = open_by_hand(api, "walk_in")
    step(api, cid, "permasalahan", {"text": "Cara mengganti operator."})
    assert forms_on(api.get(f"/konsultasi/{cid}").text) == {"pengulangan", "dokumentasi"}
    refused = api.post(f"/konsultasi/{cid}/jawaban", data={"text": "Ganti di menu Operator.", **BASIS})
    assert refused.status_code == 422 and "setelah pihak yang berkonsultasi menyatakan" in refused.text
    headers = as_role(Role.ANGGOTA_HELPDESK)
    body = {"text": "Ganti di menu Operator.", "bases": [{"kind": "faq_sipol", "reference": "FAQ 3"}]}
    response = api.post(f"/api/consultations/{cid}/answer", json=body, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "answer_before_confirmation"
    assert status_of(memory_node, cid) is Status.PROBLEM_RECORDED


def test_the_api_answers_a_message_from_a_group_without_restating(api: TestClient, as_role: Login) -> None:
    headers = as_role(Role.ANGGOTA_HELPDESK)
    opened = api.post("/api/consultations", headers=headers, json={
        "channel": "messaging", "consultee": {"name": "Budi", "party_number": 2, "phone": "081234567891"}})
    cid = opened.json()["id"]
    api.post(f"/api/consultations/{cid}/problem", json={"text": "Unggah KTA gagal."}, headers=headers)
    answered = api.post(f"/api/consultations/{cid}/answer", headers=headers, json={
        "text": "Kompres berkas di bawah 2 MB.", "bases": [{"kind": "faq_sipol", "reference": "FAQ 9"}]})
    assert answered.status_code == 200, answered.text
    assert answered.json()["next_steps"][:2] == ["log_in_report", "check_understanding"]
    logged = api.post(f"/api/consultations/{cid}/report-entry", headers=headers)
    assert logged.status_code == 200 and logged.json()["status"] == "logged"


def test_the_identity_is_put_right_from_the_page_and_a_party_not_on_the_list_is_accepted(
    api: TestClient, memory_node: Node
) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "eka")
    cid = open_by_hand(api, "online_meeting")
    page = api.get(f"/konsultasi/{cid}").text
    assert 'action="/konsultasi/' + cid + '/identitas"' in page and 'value="Siti Aminah"' in page
    # A typo in the phone is refused beside its field, with what was typed kept.
    bad = api.post(f"/konsultasi/{cid}/identitas", data={
        "name": "Siti Aminah", "party_number": "5", "party_name": "", "phone": "12", "email": ""})
    assert bad.status_code == 422 and 'value="12"' in bad.text and 'aria-invalid="true"' in bad.text
    # A calon peserta not on the 2024 ballot is typed in, with an e-mail address.
    step(api, cid, "identitas", {"name": "Siti Aminah Lubis", "party_number": "", "party_name": "Partai Harapan Desa",
                                 "phone": "0812-3456-7890", "email": "siti@harapan.example"})
    identity = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid)).identity
    assert (identity.name, identity.party.name, identity.party.number, identity.email) == (
        "Siti Aminah Lubis", "Partai Harapan Desa", None, "siti@harapan.example")
    history = [e.event for e in memory_node.helpdesk.history(OFFICE, UUID(cid))]
    assert history == ["Opened", "IdentityCorrected"]
    # The list shows the corrected name.
    assert "Siti Aminah Lubis" in api.get("/konsultasi").text


@pytest.fixture
def province_desk(nodes: tuple[Node, Node, Node]) -> Iterator[TestClient]:  # noqa: F811 - the fixture above
    yield from client_for(nodes[1], Role.ANGGOTA_HELPDESK, "petugas-prov")


def test_the_province_sees_its_own_step_4_clock_on_the_case_and_the_regency_the_time_above(
    nodes: tuple[Node, Node, Node], province_desk: TestClient, clock: FakeClock  # noqa: F811
) -> None:
    kab, prov, _ = nodes
    cid = handed_over(kab, 1)
    clock.advance(minutes=2)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "komisioner-kab")
    carry(*nodes)
    case = case_id(KAB, cid)

    clock.advance(minutes=12)  # 12 of the province's 15 minutes
    page = province_desk.get(f"/eskalasi/kasus/{case}").text
    assert 'data-testid="case-clock"' in page and "menjawab dalam 15 menit" in page
    assert re.search(r'data-testid="case-time-left">Sisa waktu 3:00<', page) and "75% waktu terpakai" in page
    # The regency's own step 4 (the commissioner's) ended when it was forwarded, within its standard.
    kab_timeline = kab.clocks.timeline(cid)
    assert kab_timeline is not None and kab_timeline.current is None
    assert [c.kind for c in prov.clocks.open_now(PROV, clock())] == ["case"]

    prov.helpdesk.accept_case(PROV, case, "petugas-prov")
    clock.advance(minutes=5)
    prov.helpdesk.answer_case(PROV, case, "Jawaban provinsi", [("pkpu", "PKPU 4/2022")], "petugas-prov")
    fragment = province_desk.get(f"/eskalasi/kasus/{case}/jam").text
    assert "<html" not in fragment and "Bagian kantor ini selesai dalam 17:00" in fragment
    assert "Melewati standar 15 menit" in fragment

    carry(*nodes)
    for client in client_for(kab, Role.ANGGOTA_HELPDESK, "desk-kab"):
        page = client.get(f"/konsultasi/{cid}").text
        assert 'data-testid="time-above">Waktu di tingkat atas: 17:00<' in page
        # The answer is back; an e-mail needs no "understood?", so its report step runs now: the clock and the
        # script name the same step (no step 4 still marked as running).
        assert 'data-testid="sop-step">Langkah 5 dari 6' in page and page.count(">sedang berjalan<") == 1
        current = re.search(r'aria-current="step">.*?class="step-label">([^<]+)<', page, re.S)
        assert current is not None and current.group(1) == "Mencatat ke dalam laporan helpdesk"


def test_the_ketua_adds_a_calon_peserta_and_the_desk_picks_it(api: TestClient, memory_node: Node,
                                                              as_role: Login) -> None:
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    assert api.get("/partai").status_code == 200
    added = api.post("/partai", data={"name": "Partai Harapan Desa", "abbreviation": "PHD"}, follow_redirects=False)
    assert added.status_code == 303
    again = api.post("/partai", data={"name": "partai harapan desa", "abbreviation": ""})
    assert again.status_code == 422 and "sudah ada di daftar" in again.text
    assert 'data-testid="office-parties"' in api.get("/partai").text

    desk = as_role(Role.ANGGOTA_HELPDESK)
    names = [p["name"] for p in api.get("/api/reference/parties", headers=desk).json()]
    assert names[-1] == "Partai Harapan Desa" and len(names) == 25
    # The desk may not change the register; the API answers in Bahasa Indonesia.
    refused = api.post("/api/reference/parties", json={"name": "Partai Lain"}, headers=desk)
    assert refused.status_code == 403
    ketua = as_role(Role.KETUA_HELPDESK)
    conflict = api.post("/api/reference/parties", json={"name": "PHD"}, headers=ketua)
    assert conflict.status_code == 409 and conflict.json()["code"] == "party_already_known"
    removed = api.delete("/api/reference/parties/Partai Harapan Desa", headers=ketua)
    assert removed.status_code == 200 and removed.json() == []


def test_the_forms_take_a_party_not_on_the_list_and_suggest_the_offices_own(
    api: TestClient, memory_node: Node
) -> None:
    memory_node.helpdesk.add_party(OFFICE, "Partai Harapan Desa", "PHD", "ketua.sri")
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "eka")
    form = api.get("/konsultasi/baru").text
    assert '<option value="Partai Harapan Desa">' in form  # suggested while typing the other party's name
    # A calon peserta typed in: neither on the 2024 ballot nor added by the office.
    cid = open_by_hand(api, "email", party_number="", party_name="Partai Suara Rakyat Baru",
                       email="psrb@partai.example")
    party = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid)).identity.party
    assert (party.name, party.number) == ("Partai Suara Rakyat Baru", None)
    # Typed by its abbreviation, the office's addition is recognised.
    cid = open_by_hand(api, "email", party_number="", party_name="phd", email="phd@partai.example")
    assert memory_node.helpdesk.get_consultation(OFFICE, UUID(cid)).identity.party.name == "Partai Harapan Desa"

    # At the front desk too: a number is called and the guest signs for a party typed in.
    api.post("/meja-depan/tiket")
    called = api.post("/meja-depan/panggil", follow_redirects=False)
    guest = {"name": "Rudi", "phone": "0812-1111-2222", "party_number": "", "party_name": "Partai Harapan Desa",
             "signature": DATA_URL}
    signed = api.post(called.headers["location"], data=guest, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    walk_in = UUID(signed.headers["location"].rsplit("/", 1)[1])
    assert memory_node.helpdesk.get_consultation(OFFICE, walk_in).identity.party.abbreviation == "PHD"
    # Neither picked nor typed: one message beside the list says both ways.
    api.post("/meja-depan/tiket")
    called = api.post("/meja-depan/panggil", follow_redirects=False)
    refused = api.post(called.headers["location"], data={**guest, "party_name": ""})
    assert refused.status_code == 422 and "atau tulis nama partai lain" in refused.text
