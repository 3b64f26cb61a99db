"""The FAQ Sipol pages over the app on every backend (issue 15): the coordinator writes a draft, publishes it, revises
it and retires it on /faq-sipol while the desk only reads; bad input comes back beside its field in Bahasa Indonesia
with a 4xx; the public page /faq needs no login, shows only what is published here and no one's username; an entry of
the centre received as a copy is read, never changed; the public page is rate-limited per address."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape

import pytest
from litestar.testing import TestClient

from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.faq_values import Editor, make_content
from domain.offices import OfficeId
from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.messages import message
from gateways.web.faq_public import PUBLIC_REQUESTS_PER_MINUTE
from tests.conftest import FakeClock
from tests.e2e.conftest import PASSWORD

OFFICE = "kab-16.13"
ENTRY = {
    "question": "Bagaimana cara mengunggah KTA anggota ke SIPOL?",
    "phrasings": "gak bisa upload kta\nkta anggota ditolak sipol\n",
    "answer": "Unggah KTA dalam format PDF paling besar 2 MB per anggota.\nPastikan NIK sesuai KTP.",
    "basis_kind_1": "pkpu", "basis_reference_1": "PKPU 4/2022 Pasal 12",
    "basis_kind_2": "", "basis_reference_2": "", "basis_kind_3": "", "basis_reference_3": "",
    "topics": ["membership", "upload"],
}


@pytest.fixture
def regency(office: Callable[[str], Node]) -> Node:
    return office(OFFICE)


@pytest.fixture
def web(regency: Node) -> Iterator[TestClient]:
    with TestClient(create_app(regency)) as client:
        yield client


def sign_in(web: TestClient, node: Node, role: Role) -> str:
    """Signs in through the login form as a new account with `role` (once); the session cookie authenticates."""
    username = f"faq-{role.value.replace('_', '-')}"
    if not any(u.username == username for u in node.users.list(node.office.value)):
        node.accounts.register_user(username, f"Petugas {role.value}", role, node.office.value, PASSWORD, "test")
    web.cookies.clear()
    response = web.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    return username


def write_entry(web: TestClient, fields: dict[str, object] | None = None) -> str:
    created = web.post("/faq-sipol", data=fields or ENTRY, follow_redirects=False)
    assert created.status_code == 303, created.text
    return created.headers["location"].rsplit("/", 1)[1]


def as_public(web: TestClient) -> TestClient:
    web.cookies.clear()
    return web


def test_the_coordinator_writes_publishes_revises_and_retires_while_the_desk_reads(web: TestClient, regency: Node
                                                                                    ) -> None:
    # The desk finds FAQ Sipol in the menu, reads the lists, and is refused every form.
    sign_in(web, regency, Role.ANGGOTA_HELPDESK)
    assert 'href="/faq-sipol"' in web.get("/").text
    listing = web.get("/faq-sipol")
    assert listing.status_code == 200 and "Tulis entri baru" not in listing.text
    assert web.get("/faq-sipol/baru").status_code == 403
    assert web.post("/faq-sipol", data=ENTRY).status_code == 403

    # The coordinator writes a draft: the entry page shows every part of it, as version 1.
    coordinator = sign_in(web, regency, Role.KOORDINATOR)
    entry_id = write_entry(web)
    page = unescape(web.get(f"/faq-sipol/{entry_id}").text)
    for part in ("Bagaimana cara mengunggah KTA anggota ke SIPOL?", "gak bisa upload kta", "kta anggota ditolak sipol",
                 "PKPU 4/2022 Pasal 12", "Keanggotaan", "Unggah dokumen", "Draf", "Versi 1", "Kantor ini"):
        assert part in page, part
    # A draft is not on the public page, nor is it found there.
    assert ENTRY["question"] not in as_public(web).get("/faq").text
    assert web.get(f"/faq/{entry_id}").status_code == 404
    assert ENTRY["question"] not in web.get("/faq", params={"q": "upload kta"}).text

    # Publishing asks first, saying at a regency that the entry stays here; then it is published.
    sign_in(web, regency, Role.KOORDINATOR)
    confirm = web.get(f"/faq-sipol/{entry_id}/terbitkan")
    assert "hanya berlaku di kantor ini" in confirm.text
    assert web.post(f"/faq-sipol/{entry_id}/terbitkan", follow_redirects=False).status_code == 303
    assert "Terbit" in web.get(f"/faq-sipol/{entry_id}").text

    # The public page, without login, lists and opens it: the office as owner, never a username.
    public = as_public(web).get("/faq")
    assert public.status_code == 200 and ENTRY["question"] in unescape(public.text)
    opened = unescape(web.get(f"/faq/{entry_id}").text)
    assert "Unggah KTA dalam format PDF" in opened and "KPU Kabupaten Musi Rawas Utara" in opened
    assert coordinator not in opened and coordinator not in public.text and "Versi" not in opened

    # A revision is a new version; the one it replaced stays in the history with who wrote it.
    sign_in(web, regency, Role.KOORDINATOR)
    form = web.get(f"/faq-sipol/{entry_id}/ubah").text
    assert f'action="/faq-sipol/{entry_id}/revisi"' in form and "gak bisa upload kta" in form
    revised = web.post(f"/faq-sipol/{entry_id}/revisi", data={**ENTRY, "answer": "Unggah KTA sebagai PDF, 2 MB."},
                       follow_redirects=False)
    assert revised.status_code == 303, revised.text
    page = unescape(web.get(f"/faq-sipol/{entry_id}").text)
    assert "Versi 2" in page and "Unggah KTA sebagai PDF, 2 MB." in page
    history = page.split("Riwayat versi", 1)[1]
    assert "Versi 1" in history and coordinator in history
    assert "Unggah KTA sebagai PDF, 2 MB." in as_public(web).get(f"/faq/{entry_id}").text

    # Retiring needs a reason (said beside the field), then the entry leaves the public page.
    sign_in(web, regency, Role.KOORDINATOR)
    assert "tidak lagi ditampilkan" in web.get(f"/faq-sipol/{entry_id}/tarik").text
    no_reason = web.post(f"/faq-sipol/{entry_id}/tarik", data={"reason": "  "})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert "Kolom ini wajib diisi." in no_reason.text
    retired = web.post(f"/faq-sipol/{entry_id}/tarik", data={"reason": "Diganti PKPU baru."}, follow_redirects=False)
    assert retired.status_code == 303
    assert "Ditarik" in web.get(f"/faq-sipol/{entry_id}").text
    assert 'href="/faq-sipol/' + entry_id + '/ubah"' not in web.get(f"/faq-sipol/{entry_id}").text
    assert as_public(web).get(f"/faq/{entry_id}").status_code == 404
    assert ENTRY["question"] not in web.get("/faq").text


def test_bad_input_comes_back_beside_its_field_in_indonesian_and_nothing_is_written(web: TestClient, regency: Node
                                                                                   ) -> None:
    sign_in(web, regency, Role.KETUA_HELPDESK)
    # No question; no topic; a reference without its kind: each refusal beside its own field, what was typed kept.
    for wrong, field, said in (({"question": " "}, "question", "Kolom ini wajib diisi."),
                               ({"topics": []}, "topics", "Pilih sedikitnya satu topik."),
                               ({"basis_kind_1": ""}, "basis_kind_1", message("basis_required"))):
        bad = web.post("/faq-sipol", data={**ENTRY, **wrong})
        assert bad.status_code == 422, bad.text
        text = unescape(bad.text)
        assert f'id="{field}-error"' in text and said in text, field
        assert "gak bisa upload kta" in text and 'role="alert"' in text
    assert web.get("/faq-sipol?daftar=draf").text.count('class="faq-item"') == 0

    # An unknown topic is refused too, never a 500.
    odd = web.post("/faq-sipol", data={**ENTRY, "topics": ["cuaca"]})
    assert odd.status_code == 422 and "Topik FAQ tidak dikenal." in unescape(odd.text)

    # A published entry is changed by a revision: the draft form's address refuses it with a conflict.
    entry_id = write_entry(web)
    web.post(f"/faq-sipol/{entry_id}/terbitkan")
    conflict = web.post(f"/faq-sipol/{entry_id}/ubah", data=ENTRY)
    assert conflict.status_code == 409 and "ubah dengan membuat revisi" in unescape(conflict.text)
    # An entry nobody wrote, and a path that is no entry.
    assert web.get("/faq-sipol/00000000-0000-4000-8000-000000000000").status_code == 404
    assert web.get("/faq-sipol/bukan-entri").status_code == 404
    assert web.get("/faq/00000000-0000-4000-8000-000000000000").status_code == 404


def test_every_refused_field_is_shown_at_once(web: TestClient, regency: Node) -> None:
    sign_in(web, regency, Role.KETUA_HELPDESK)
    bad = web.post("/faq-sipol", data={**ENTRY, "question": " ", "answer": "", "basis_kind_1": "", "topics": []})
    assert bad.status_code == 422, bad.text
    for field in ("question", "answer", "basis_kind_1", "topics"):
        assert f'id="{field}-error"' in bad.text, field


def test_an_entry_of_the_centre_is_read_here_never_changed(office: Callable[[str], Node], clock: FakeClock) -> None:
    # The centre publishes an entry; the regency holds it as a copy (as it arrives over NATS: services/inbound.py).
    centre, regency = office("pusat"), office(OFFICE)
    content = make_content("Apa syarat kantor tetap partai?", ["kantor tetap itu apa"],
                           "Kantor tetap berstatus milik, sewa atau pinjam pakai sampai akhir tahapan.",
                           [("pkpu", "PKPU 4/2022 Pasal 14")], ["office"])
    entry = FaqEntry.draft(content, Editor("ketua-pusat", Role.KETUA_HELPDESK, OfficeId("pusat")), clock())
    entry.publish(Editor("ketua-pusat", Role.KETUA_HELPDESK, OfficeId("pusat")), clock())
    centre.helpdesk.save(entry)
    regency.helpdesk.save(FaqCopy.receive(entry.release(), via="prov-16", at=clock()))
    entry_id = str(entry.id)

    with TestClient(create_app(regency)) as web:
        sign_in(web, regency, Role.KOORDINATOR)
        received = unescape(web.get("/faq-sipol?daftar=atas").text)
        assert "Apa syarat kantor tetap partai?" in received and "Pusat (KPU RI)" in received
        assert "Apa syarat kantor tetap partai?" not in unescape(web.get("/faq-sipol?daftar=terbit").text)
        page = unescape(web.get(f"/faq-sipol/{entry_id}").text)
        assert "Pusat (KPU RI)" in page and 'data-testid="faq-actions"' not in page
        # Only its owner changes it: here its forms are not found.
        assert web.get(f"/faq-sipol/{entry_id}/ubah").status_code == 404
        assert web.post(f"/faq-sipol/{entry_id}/tarik", data={"reason": "x"}).status_code == 404
        # Liaisons read it on the regency's public page, owned by "KPU".
        public = unescape(as_public(web).get(f"/faq/{entry_id}").text)
        assert "Kantor tetap berstatus milik" in public and re.search(r">KPU<", public)
        assert "ketua-pusat" not in public

    # A draft at the province is nowhere at the regency.
    province = office("prov-16")
    with TestClient(create_app(province)) as web:
        sign_in(web, province, Role.KOORDINATOR)
        draft_id = write_entry(web, {**ENTRY, "question": "Draf provinsi yang belum terbit?"})
    with TestClient(create_app(regency)) as web:
        assert web.get(f"/faq/{draft_id}").status_code == 404
        assert "Draf provinsi" not in web.get("/faq").text
        sign_in(web, regency, Role.KOORDINATOR)
        assert web.get(f"/faq-sipol/{draft_id}").status_code == 404


def test_the_public_page_is_limited_per_address(web: TestClient, regency: Node, clock: FakeClock) -> None:
    as_public(web)
    answers = [web.get("/faq").status_code for _ in range(PUBLIC_REQUESTS_PER_MINUTE)]
    assert set(answers) == {200}
    refused = web.get("/faq", params={"q": "akun"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Terlalu banyak percobaan" in refused.text
    # The staff pages are not counted: the desk keeps working.
    sign_in(web, regency, Role.ANGGOTA_HELPDESK)
    assert web.get("/faq-sipol").status_code == 200
    # A minute later the address may ask again.
    clock.advance(minutes=1, seconds=1)
    assert as_public(web).get("/faq").status_code == 200


def test_the_public_page_is_small_needs_no_script_and_names_nothing_outside(web: TestClient, regency: Node) -> None:
    sign_in(web, regency, Role.KOORDINATOR_HARIAN)
    entry_id = write_entry(web)
    web.post(f"/faq-sipol/{entry_id}/terbitkan")
    page = as_public(web).get("/faq", params={"q": "gak bisa upload kta"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text and "http://" not in page.text and "https://" not in page.text
    assert 'method="get"' in page.text and f'href="/faq/{entry_id}"' in page.text
    assert len(page.content) < 20_000
    assert "faq-koordinator-harian" not in page.text and "Petugas" not in page.text
    assert "set-cookie" not in page.headers
    # The staff's pages are never kept (front-desk tablets are shared).
    sign_in(web, regency, Role.KOORDINATOR_HARIAN)
    assert web.get("/faq-sipol").headers["cache-control"] == "no-store"


def test_the_public_page_may_be_kept_a_few_minutes(web: TestClient) -> None:
    page = as_public(web).get("/faq")
    assert page.headers["cache-control"] == "public, max-age=300" and page.headers["vary"] == "Cookie"
