"""Answering from the FAQ Sipol on the desk's pages and in the API (issue 15): the entries matching a colloquial
problem beside its form, an answer citing an entry (its id and version on the record and in the report's basis
column), a draft or unknown entry refused, a handover recording what the FAQ showed, an escalated case answered at the
province citing an entry and then drafted as an FAQ entry once, without the phone number it carried. Each on SQLite
and PostgreSQL read models; the centre's entries reach the regency by the messages carried by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from litestar.testing import TestClient

from domain.casefile import CaseFile
from domain.escalation import EscalationCase
from domain.faq_values import Citation, FaqSearch
from domain.parties import Party
from domain.roles import Role
from domain.values import Channel
from domain.views import UserView
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from services.consultations import IdentityInput
from services.faq import FaqInput
from tests.support.by_hand import KAB, PROV, PUSAT, deliver
from tests.support.settings import settings_for

PASSWORD = "kata-sandi-uji-123"
DAY = "2024-07-29"  # the fake clock's day (tests/conftest.py START), in WIB

ACCOUNT = FaqInput(
    question="Akun SIPOL tidak bisa masuk (login)",
    phrasings=["Lupa kata sandi akun SIPOL", "Akun operator terkunci"],
    answer="Gunakan menu Lupa Kata Sandi pada halaman masuk SIPOL; tautan pemulihan dikirim ke surel operator. "
           "Bila akun terkunci setelah salah kata sandi berulang kali, tunggu 30 menit lalu coba lagi.",
    topics=["account"], bases=[("keputusan_kpu", "Juknis SIPOL Bab II")],
)
UPLOAD = FaqInput(
    question="Cara mengunggah KTA anggota partai",
    phrasings=["Upload kartu tanda anggota"],
    answer="Unggah KTA dalam format PDF atau JPG paling besar 2 MB pada menu Keanggotaan, satu berkas per anggota.",
    topics=["upload", "membership"],
)
BOARD = FaqInput(
    question="Syarat keterwakilan perempuan dalam kepengurusan",
    answer="Kepengurusan tingkat pusat memuat paling sedikit 30 persen keterwakilan perempuan.",
    topics=["board"], bases=[("uu", "UU 7/2017 Pasal 173 ayat (2) huruf e")],
)
# How a liaison writes it in WhatsApp: no punctuation, chat words, the affixed form.
COLLOQUIAL = "min akunnya gak bisa login dari pagi"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def open_office(request: pytest.FixtureRequest, tmp_path: Path, open_node: Callable[[Settings], Node]
                ) -> Callable[[str], Node]:
    """Opens an office by node id on the test's backend (SQLite files, or a PostgreSQL schema of its own)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    return lambda node_id: open_node(settings_for(request.param, tmp_path / node_id, url, node_id=node_id))


def keeper(office: str) -> UserView:
    """A Koordinator Harian, who keeps the FAQ (Permission.MANAGE_FAQ)."""
    return UserView(uuid4(), f"koord-{office}", "Koordinator", Role.KOORDINATOR_HARIAN, office, True)


def published(node: Node, given: FaqInput) -> UUID:
    caller = keeper(node.office.value)
    entry_id = node.helpdesk.draft_faq(caller, given)
    node.helpdesk.publish_faq(caller, entry_id)
    return entry_id


def carry(*nodes: Node) -> None:
    """Carries every message between the nodes until none is left (the centre's entries, down and passed on)."""
    while sum(deliver(source, target) for source in nodes for target in nodes if source is not target):
        pass


@pytest.fixture
def signed_in() -> Iterator[Callable[[Node, Role, str], TestClient]]:
    """`signed_in(node, role, username)`: a test client of its own over `node`, signed in through the login form."""
    clients: list[TestClient] = []

    def open_client(node: Node, role: Role, username: str) -> TestClient:
        node.accounts.register_user(username, f"Petugas {username}", role, node.office.value, PASSWORD, "test")
        client = TestClient(create_app(node))
        client.__enter__()
        clients.append(client)
        response = client.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        return client

    yield open_client
    for client in reversed(clients):
        client.__exit__(None, None, None)


def confirmed(node: Node, problem: str, restated: str, phone: str = "081234567890") -> UUID:
    """A walk-in consultation at the node's office with its problem recorded, restated and confirmed."""
    office, helpdesk = node.office.value, node.helpdesk
    cid = helpdesk.open_consultation(office, Channel.WALK_IN, IdentityInput(name="Ani", party_number=5, phone=phone),
                                     "desk")
    helpdesk.record_problem(office, cid, problem, "desk")
    helpdesk.restate_problem(office, cid, restated, "desk")
    helpdesk.confirm_problem(office, cid, "desk")
    return cid


def entries_in(html: str) -> list[str]:
    """The entry ids a page lists, in order (each match's `data-entry`)."""
    return re.findall(r'data-entry="([0-9a-f-]{36})"', html)


def test_the_panel_beside_the_problem_suggests_the_entry_for_a_colloquial_problem(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    kab, prov, pusat = (open_office(n) for n in (KAB, PROV, PUSAT))
    # The centre's entries reach the regency through its province; the regency keeps a local note of its own.
    account, upload = published(pusat, ACCOUNT), published(pusat, UPLOAD)
    carry(kab, prov, pusat)
    board = published(kab, BOARD)
    draft = kab.helpdesk.draft_faq(keeper(KAB), FaqInput(question="Akun SIPOL login gagal terus",
                                                         answer="Draf belum diperiksa.", topics=["account"]))
    desk = signed_in(kab, Role.ANGGOTA_HELPDESK, "desk")

    # As the desk types the problem, the fragment lists the account entry first, the centre's, with its version
    # and a link to its page opening in a new tab; the draft is never suggested.
    fragment = desk.get("/konsultasi/faq-cocok", params={"q": COLLOQUIAL})
    assert fragment.status_code == 200, fragment.text
    found = entries_in(fragment.text)
    assert found and found[0] == str(account) and str(draft) not in found
    assert "<html" not in fragment.text  # a fragment, not a page
    first = fragment.text.split('data-entry="')[1].split("</li>")[0]
    assert unescape(ACCOUNT.question) in unescape(first)
    assert f'href="/faq-sipol/{account}" target="_blank"' in first and "versi 1" in first
    # The other entries are found by their own words; the owner is named: the centre's, this office's own note.
    assert entries_in(desk.get("/konsultasi/faq-cocok", params={"q": "gimana upload kta"}).text)[0] == str(upload)
    local = desk.get("/konsultasi/faq-cocok", params={"q": "keterwakilan perempuan pengurus"}).text
    assert entries_in(local)[0] == str(board) and "Kantor ini" in local
    # htmx sends the textarea's own field; nothing typed shows the invitation to type, a NUL is no error.
    assert entries_in(desk.get("/konsultasi/faq-cocok", params={"text": COLLOQUIAL}).text)[0] == str(account)
    assert entries_in(desk.get("/konsultasi/faq-cocok", params={"q": "  "}).text) == []
    assert desk.get("/konsultasi/faq-cocok", params={"q": "akun\x00login"}).status_code == 200

    # Without script: the restatement's form shows the matches for the problem as recorded when the page comes,
    # the panel wired to refresh from the textarea as the desk types.
    office, helpdesk = KAB, kab.helpdesk
    cid = helpdesk.open_consultation(office, Channel.WALK_IN, IdentityInput(name="Ani", party_number=5,
                                                                           phone="081234567890"), "desk")
    helpdesk.record_problem(office, cid, COLLOQUIAL, "desk")
    page = desk.get(f"/konsultasi/{cid}").text
    panel = page.split('data-testid="faq-panel"')[1].split("</aside>")[0]
    assert entries_in(panel)[0] == str(account)
    assert 'hx-get="/konsultasi/faq-cocok"' in panel and 'hx-include="#restate_problem-text"' in panel
    assert "keyup changed delay:" in panel


def test_an_answer_cites_an_entry(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    kab = open_office(KAB)
    account = published(kab, ACCOUNT)
    desk = signed_in(kab, Role.ANGGOTA_HELPDESK, "desk")
    cid = confirmed(kab, COLLOQUIAL, "Akun operator tidak bisa login sejak pagi?")

    # The answer form offers the matching entry to cite.
    page = desk.get(f"/konsultasi/{cid}").text
    form = page.split(f'action="/konsultasi/{cid}/jawaban"')[1].split("</form>")[0]
    assert f'name="faq" value="{account}"' in form and "Kutip entri ini" in form

    # Answered citing it, the basis rows left empty: the record holds the entry's id and version.
    answered = desk.post(f"/konsultasi/{cid}/jawaban", data={"text": "Silakan gunakan menu Lupa Kata Sandi.",
                                                             "faq": str(account), "basis_kind_1": "",
                                                             "basis_reference_1": ""}, follow_redirects=False)
    assert answered.status_code == 303, answered.text
    view = desk.get(f"/api/consultations/{cid}").json()
    assert view["status"] == "answered"
    assert view["bases"] == [{"kind": "faq_sipol", "reference": ACCOUNT.question,
                              "entry_id": str(account), "version": 1}]
    # The workspace names the citation and links the entry.
    citation = f"FAQ Sipol #{str(account)[:8]} v1: {ACCOUNT.question}"
    assert citation in unescape(desk.get(f"/konsultasi/{cid}").text)

    # A revised entry is cited at its new version, beside a basis of another kind (through the API).
    kab.helpdesk.revise_faq(keeper(KAB), account, FaqInput(**{**_fields(ACCOUNT), "answer": "Jawaban baru."}))
    second = confirmed(kab, "akun terkunci", "Akun terkunci?")
    response = desk.post(f"/api/consultations/{second}/answer", json={
        "text": "Tunggu 30 menit.", "faq_cited": [str(account)],
        "bases": [{"kind": "keputusan_kpu", "reference": "Juknis SIPOL Bab II"}]})
    assert response.status_code == 200, response.text
    assert [(b["kind"], b.get("entry_id"), b.get("version")) for b in response.json()["bases"]] == [
        ("faq_sipol", str(account), 2), ("keputusan_kpu", None, None)]



def test_the_report_basis_column_names_the_cited_entry(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    kab = open_office(KAB)
    account = published(kab, ACCOUNT)
    desk = signed_in(kab, Role.ANGGOTA_HELPDESK, "desk")
    cid = confirmed(kab, COLLOQUIAL, "Akun operator tidak bisa login?")
    response = desk.post(f"/api/consultations/{cid}/answer", json={
        "text": "Tunggu 30 menit.", "faq_cited": [str(account)],
        "bases": [{"kind": "keputusan_kpu", "reference": "Juknis SIPOL Bab II"}]})
    assert response.status_code == 200, response.text

    # The day's Jawaban/Solusi list: the basis column names the entry by id and version, with its question, then
    # the other basis as before.
    report = desk.get("/api/reports/daily/jawaban_solusi", params={"day": DAY})
    assert report.status_code == 200, report.text
    (row,) = report.json()["rows"]
    assert f"FAQ Sipol #{str(account)[:8]} v1: {ACCOUNT.question}; Keputusan KPU/Juknis: Juknis SIPOL Bab II" in row


def _fields(given: FaqInput) -> dict[str, object]:
    return {"question": given.question, "answer": given.answer, "topics": given.topics,
            "phrasings": given.phrasings, "bases": given.bases}


def test_a_draft_or_an_unknown_entry_is_not_cited(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    kab = open_office(KAB)
    draft = kab.helpdesk.draft_faq(keeper(KAB), ACCOUNT)
    desk = signed_in(kab, Role.ANGGOTA_HELPDESK, "desk")
    cid = confirmed(kab, COLLOQUIAL, "Akun tidak bisa login?")
    refusal = "Hanya entri FAQ Sipol yang sudah terbit dan berlaku di kantor ini yang dapat dikutip."

    for entry in (draft, uuid4()):
        # The page: refused beside the citations, the typed answer kept; nothing recorded.
        page = desk.post(f"/konsultasi/{cid}/jawaban", data={"text": "Jawaban saya.", "faq": str(entry)},
                         follow_redirects=False)
        assert page.status_code == 422, page.text
        assert refusal in page.text and "Jawaban saya." in page.text
        # The API: 422 with the code and the Indonesian message.
        api = desk.post(f"/api/consultations/{cid}/answer", json={"text": "Jawaban saya.", "faq_cited": [str(entry)]})
        assert api.status_code == 422, api.text
        assert (api.json()["code"], api.json()["message"]) == ("faq_not_citable", refusal)
    # A value no form writes is a bad request, on the page and in the API.
    assert desk.post(f"/konsultasi/{cid}/jawaban", data={"text": "x", "faq": "bukan-id"},
                     follow_redirects=False).status_code == 400
    for wrong in (["bukan-id"], "bukan-daftar", {"g": []}):
        assert desk.post(f"/api/consultations/{cid}/answer", json={"text": "x", "faq_cited": wrong}).status_code == 400
    view = desk.get(f"/api/consultations/{cid}").json()
    assert (view["status"], view["answer"], view["bases"]) == ("problem_confirmed", None, [])


def test_a_handover_records_what_the_faq_showed(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    kab = open_office(KAB)
    account = published(kab, ACCOUNT)
    desk = signed_in(kab, Role.ANGGOTA_HELPDESK, "desk")

    # The problem the FAQ covers: the handover form shows the entry, and posting it records what was shown.
    covered = confirmed(kab, COLLOQUIAL, "Akun operator tidak bisa login?")
    form = _handover_form(desk, covered)
    assert "Sudah dicari di FAQ Sipol:" in form and "Tidak ada di FAQ Sipol" not in form
    shown = re.findall(r'name="faq_shown" value="([^"]+)"', form)
    assert shown == [f"{account}:1"]
    _post_handover(desk, covered, shown)
    assert kab.helpdesk.repository.get(covered).handover_faq == FaqSearch((Citation(account, 1),))

    # A problem it does not cover: "not in the FAQ", an empty search recorded.
    uncovered = confirmed(kab, "pengurus kami meninggal dunia apakah sk harus diubah", "Pergantian pengurus?")
    form = _handover_form(desk, uncovered)
    assert "Tidak ada di FAQ Sipol" in form and 'name="faq_shown"' not in form
    _post_handover(desk, uncovered, [])
    assert kab.helpdesk.repository.get(uncovered).handover_faq == FaqSearch(())

    # Each consultation's page says what the handover recorded.
    assert "tidak ada yang cocok" in _handover_record(desk, uncovered)
    assert ACCOUNT.question in unescape(_handover_record(desk, covered))

    # The API records the same; a version below 1 is refused before anything is recorded.
    third = confirmed(kab, "akun terkunci", "Akun terkunci?")
    refused = desk.post(f"/api/consultations/{third}/handover",
                        json={"reason": "Perlu keputusan.", "faq_shown": [{"entry_id": str(account), "version": 0}]})
    assert refused.status_code == 400, refused.text
    handed = desk.post(f"/api/consultations/{third}/handover",
                       json={"reason": "Perlu keputusan.", "faq_shown": [{"entry_id": str(account), "version": 1}]})
    assert handed.status_code == 200, handed.text
    assert kab.helpdesk.repository.get(third).handover_faq == FaqSearch((Citation(account, 1),))


def _handover_form(client: TestClient, cid: UUID) -> str:
    page = client.get(f"/konsultasi/{cid}")
    assert page.status_code == 200, page.text
    return page.text.split(f'action="/konsultasi/{cid}/serahkan"')[1].split("</form>")[0]


def _post_handover(client: TestClient, cid: UUID, shown: list[str]) -> None:
    response = client.post(f"/konsultasi/{cid}/serahkan", data={"reason": "Perlu keputusan Anggota KPU.",
                                                                "faq_shown": shown}, follow_redirects=False)
    assert response.status_code == 303, response.text


def _handover_record(client: TestClient, cid: UUID) -> str:
    page = client.get(f"/konsultasi/{cid}").text
    assert 'data-testid="handover-faq"' in page, "the record does not say what the handover searched"
    return page.split('data-testid="handover-faq"')[1].split("</dd>")[0]


def test_an_escalated_case_answered_citing_an_entry_becomes_a_draft_once(
    open_office: Callable[[str], Node], signed_in: Callable[[Node, Role, str], TestClient]
) -> None:
    prov = open_office(PROV)
    account = published(prov, ACCOUNT)
    case = _received_case(prov, "Akun operator kami gak bisa login, hubungi saya di 0812-3456-7890")
    team = signed_in(prov, Role.ANGGOTA_HELPDESK, "petugas-prov")
    keeper_client = signed_in(prov, Role.KOORDINATOR_HARIAN, "koord-prov")
    page = f"/eskalasi/kasus/{case}"

    # The province accepts it; its answer form offers the matching entry to cite.
    assert team.post(f"{page}/terima", follow_redirects=False).status_code == 303
    form = team.get(page).text.split(f'action="{page}/jawab"')[1].split("</form>")[0]
    assert f'name="faq" value="{account}"' in form
    # A draft is refused beside the citations; then answered citing the entry, with a basis of its own.
    draft = prov.helpdesk.draft_faq(keeper(PROV), UPLOAD)
    refused = team.post(f"{page}/jawab", data={"text": "x", "faq": str(draft)}, follow_redirects=False)
    assert refused.status_code == 422 and "Hanya entri FAQ Sipol yang sudah terbit" in refused.text
    answer = "Reset kata sandi lewat menu Lupa Kata Sandi; bila gagal telepon admin di 0813-1111-2222."
    answered = team.post(f"{page}/jawab", data={"text": answer, "faq": str(account), "kind": "keputusan_kpu",
                                                "reference": "Juknis SIPOL Bab II"}, follow_redirects=False)
    assert answered.status_code == 303, answered.text
    bases = prov.helpdesk.get_case(PROV, case).answer.bases
    assert [(b.kind.value, b.entry_id, b.version) for b in bases] == [("faq_sipol", account, 1),
                                                                      ("keputusan_kpu", None, None)]

    # The button shows to whoever keeps the FAQ, not to the desk.
    assert "Jadikan FAQ Sipol" not in team.get(page).text
    assert team.post(f"{page}/jadikan-faq", follow_redirects=False).status_code == 403
    assert "Jadikan FAQ Sipol" in keeper_client.get(page).text

    # Made a draft: prefilled from the case, the phone numbers masked, the FAQ citation left out of its bases.
    made = keeper_client.post(f"{page}/jadikan-faq", follow_redirects=False)
    assert made.status_code == 303, made.text
    entry_id = UUID(made.headers["location"].removeprefix("/faq-sipol/").removesuffix("/ubah"))
    assert made.headers["location"] == f"/faq-sipol/{entry_id}/ubah"
    entry = prov.helpdesk.faq_entry_view(keeper(PROV), entry_id)
    assert (entry.status, entry.from_case) == ("draft", case)
    assert "Akun operator kami gak bisa login" in entry.content.question
    assert "Lupa Kata Sandi" in entry.content.answer
    for text in (entry.content.question, entry.content.answer):
        assert not re.search(r"\d{4}-\d{4}", text), text
    assert [(b.kind.value, b.reference) for b in entry.content.bases] == [("keputusan_kpu", "Juknis SIPOL Bab II")]

    # A second click: the Indonesian refusal, with a link to the draft; no second draft.
    again = keeper_client.post(f"{page}/jadikan-faq", follow_redirects=False)
    assert again.status_code == 409, again.text
    assert "Jawaban kasus ini sudah dijadikan draf FAQ Sipol; sunting draf tersebut." in again.text
    assert f'href="/faq-sipol/{entry_id}/ubah"' in again.text

    # The API's case answer cites the same way.
    other = _received_case(prov, "akun sipol terkunci")
    assert team.post(f"/api/escalations/cases/{other}/acceptance").status_code == 200
    response = team.post(f"/api/escalations/cases/{other}/answer",
                         json={"text": "Tunggu 30 menit.", "faq_cited": [str(account)]})
    assert response.status_code == 200, response.text
    assert response.json()["answer"]["bases"][0]["entry_id"] == str(account)


def _received_case(node: Node, problem: str) -> UUID:
    """A case a regency sent up, as the province holds it (saved straight to its log)."""
    now = node.helpdesk.clock()
    file = CaseFile(KAB, uuid4(), Channel.EMAIL, Party("Partai Contoh", number=5), problem, problem, now)
    case = EscalationCase.receive(office_id=PROV, case=file, from_office=KAB, sent_at=now, at=now)
    node.helpdesk.save(case)
    return case.id
