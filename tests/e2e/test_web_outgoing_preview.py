"""The desk sees what will leave the office before it sends it: beside the forms that forward a case or send a
clarification up, a panel shows the texts exactly as they will leave, with phone numbers, e-mail addresses and
NIKs masked; the office's own pages keep the texts whole. Two in-memory nodes, messages carried by hand."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest

from domain.casefile import case_id
from domain.consultation import Status
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from services.consultations import IdentityInput
from tests.conftest import settings_for
from tests.e2e.conftest import client_for
from tests.e2e.test_web_escalations import carry
from tests.support.by_hand import KAB, PROV
from tests.support.consultations import handed_to_commissioner
from tests.support.leaks import leaked

TYPED = "hubungi 0813-2222-3333 atau tono.s@gmail.com; NIK 1613011203840002"
MASKED = "hubungi [nomor telepon] atau [alamat e-mail]; NIK [NIK]"
PIECES = ("0813", "2222", "3333", "tono.s", "gmail", "1613011203840002")


@pytest.fixture
def nodes(open_node: Callable[[Settings], Node], tmp_path: Path) -> tuple[Node, Node]:
    kab, prov = (open_node(settings_for("memory", tmp_path / n, node_id=n)) for n in (KAB, PROV))
    return kab, prov


def panel(page: str) -> str:
    """The text a person reads in the preview panel of a page (the only one open): tags and their attributes left
    out, so a form's address (which holds the consultation's random id, "…2222…" now and then) is not read as a
    leak."""
    found = re.search(r'<section class="outgoing-preview".*?</section>', page, re.S)
    assert found, "no preview panel on the page"
    return html.unescape(re.sub(r"<[^>]*>", " ", found.group(0)))


def leaks(text: str) -> list[str]:
    return leaked(text, PIECES)


def with_commissioner(kab: Node) -> UUID:
    """A walk-in consultation whose every free text holds the consultee's number, e-mail and NIK."""
    who = IdentityInput(name="Tono Sugiarto", party_number=6, phone="081322223333")
    return handed_to_commissioner(kab.helpdesk, KAB, who, f"Keanggotaan ganda; {TYPED}",
                                  f"Jadi tercatat ganda? {TYPED}", f"Tidak ada di FAQ; {TYPED}",
                                  channel=Channel.WALK_IN)


def test_the_commissioner_sees_the_case_file_masked_before_forwarding_it(nodes: tuple[Node, Node]) -> None:
    kab, prov = nodes
    cid = with_commissioner(kab)
    for client in client_for(kab, Role.ANGGOTA_KPU, "komisioner-kab"):
        # The workspace keeps the texts whole; the panel beside the forward form shows them masked.
        page = client.get(f"/konsultasi/{cid}").text
        assert f"Keanggotaan ganda; {TYPED}" in html.unescape(page)
        shown = panel(page)
        assert "Yang akan dikirim ke KPU Provinsi Sumatera Selatan" in shown
        assert f"Keanggotaan ganda; {MASKED}" in shown and f"Jadi tercatat ganda? {MASKED}" in shown
        assert f"Tidak ada di FAQ; {MASKED}" in shown
        assert "Nomor telepon, alamat e-mail dan NIK disamarkan sebelum dikirim." in shown
        assert leaks(shown) == []

        # The note typed into the form, previewed: kept in the form, shown masked, nothing sent.
        preview = client.post(f"/konsultasi/{cid}/teruskan/pratinjau", data={"note": f"Mohon arahan; {TYPED}"})
        assert preview.status_code == 200
        assert f"Mohon arahan; {MASKED}" in panel(preview.text) and leaks(panel(preview.text)) == []
        assert f">Mohon arahan; {TYPED}</textarea>" in html.unescape(preview.text)
        assert kab.helpdesk.get_consultation(KAB, cid).status is Status.WITH_COMMISSIONER

        # Sent: the province holds exactly what the panel showed.
        sent = client.post(f"/konsultasi/{cid}/teruskan", data={"note": f"Mohon arahan; {TYPED}"},
                           follow_redirects=False)
        assert sent.status_code == 303
    carry(kab, prov)
    held = prov.helpdesk.get_case(PROV, case_id(KAB, cid))
    assert held.case.problem == f"Keanggotaan ganda; {MASKED}"
    assert [note.text for note in held.case.notes] == [f"Tidak ada di FAQ; {MASKED}", f"Mohon arahan; {MASKED}"]


def test_a_clarification_is_previewed_masked_at_the_regency(nodes: tuple[Node, Node]) -> None:
    kab, prov = nodes
    cid = with_commissioner(kab)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan.", "komisioner-kab")
    carry(kab, prov)
    case = case_id(KAB, cid)
    prov.helpdesk.accept_case(PROV, case, "budi")
    prov.helpdesk.ask_case_clarification(PROV, case, "Siapa pengurus yang bisa dihubungi?", "budi")
    carry(kab, prov)
    for client in client_for(kab, Role.ANGGOTA_KPU, "komisioner-kab"):
        # Before anything is typed, the panel says where it goes and that contact data is masked.
        page = client.get(f"/konsultasi/{cid}").text
        assert "Yang akan dikirim ke KPU Provinsi Sumatera Selatan" in panel(page)
        preview = client.post(f"/konsultasi/{cid}/klarifikasi/pratinjau", data={"text": f"Ketua DPC, {TYPED}"})
        shown = panel(preview.text)
        assert f"Ketua DPC, {MASKED}" in shown and leaks(shown) == []
        assert "Nomor telepon, alamat e-mail dan NIK disamarkan sebelum dikirim." in shown


def test_the_province_sees_what_it_forwards_to_the_centre(nodes: tuple[Node, Node]) -> None:
    kab, prov = nodes
    cid = with_commissioner(kab)
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan.", "komisioner-kab")
    carry(kab, prov)
    case = case_id(KAB, cid)
    prov.helpdesk.accept_case(PROV, case, "petugas-prov")
    for client in client_for(prov, Role.ANGGOTA_HELPDESK, "petugas-prov"):
        shown = panel(client.get(f"/eskalasi/kasus/{case}").text)
        assert "Yang akan dikirim ke KPU RI" in shown and f"Keanggotaan ganda; {MASKED}" in shown
        preview = client.post(f"/eskalasi/kasus/{case}/teruskan/pratinjau", data={"note": f"Tafsir? {TYPED}"})
        assert preview.status_code == 200
        shown = panel(preview.text)
        assert f"Tafsir? {MASKED}" in shown and leaks(shown) == []
        assert "Nomor telepon, alamat e-mail dan NIK disamarkan sebelum dikirim." in shown


def test_no_panel_without_a_form_that_sends(nodes: tuple[Node, Node]) -> None:
    kab, _ = nodes
    cid = with_commissioner(kab)
    # The desk that only serves consultations has no forward form, so no panel either.
    for client in client_for(kab, Role.ANGGOTA_HELPDESK, "desk-kab"):
        page = client.get(f"/konsultasi/{cid}").text
        assert 'data-testid="outgoing-preview"' not in page
