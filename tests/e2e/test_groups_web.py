"""The groups' register and the "Tempel pesan dari grup" pages (issue 14): a coordinator registers a group with two
liaisons on /grup (cards, masked), the desk pastes a clip with a screenshot from the consultations page (one
consultation however often the form is sent) and into an open consultation from its workspace; bad input is shown
beside its field in Bahasa Indonesia, nothing written."""

from __future__ import annotations

import re
from html import unescape
from uuid import UUID, uuid4

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import sign_in
from tests.support.samples import png

OFFICE = "kab-16.13"


def register_with_two_liaisons(api: TestClient, node: Node) -> str:
    sign_in(api, node, Role.KOORDINATOR_HARIAN)
    created = api.post("/grup", data={"platform": "whatsapp", "name": "LO Partai Kebangkitan Bangsa",
                                      "party_number": "1", "party_name": "", "chat_id": ""}, follow_redirects=False)
    assert created.status_code == 303, created.text
    group_id = created.headers["location"].rsplit("/", 1)[1]
    for name, phone in (("Budi Santoso", "0812-3456-7890"), ("Rina Wati", "0813-2222-3333")):
        added = api.post(f"/grup/{group_id}/anggota", data={"name": name, "role": "liaison", "phone": phone},
                         follow_redirects=False)
        assert added.status_code == 303, added.text
    return group_id


def test_the_register_shows_cards_masked_and_the_detail_in_full(api: TestClient, memory_node: Node) -> None:
    group_id = register_with_two_liaisons(api, memory_node)
    # A bad number stays on the group's page, beside its field, in Bahasa Indonesia.
    bad = api.post(f"/grup/{group_id}/anggota", data={"name": "Ani", "role": "operator", "phone": "12"})
    assert bad.status_code == 422 and 'id="phone-error"' in bad.text

    # The coordinator sets a member of the desk to watch the group (for the duty roster).
    memory_node.accounts.register_user("rina-desk", "Rina Petugas", Role.ANGGOTA_HELPDESK, OFFICE,
                                       "kata-sandi-uji-123", "test")
    [desk] = [u for u in memory_node.users.list(OFFICE) if u.username == "rina-desk"]
    watched = api.post(f"/grup/{group_id}/pemantau", data={"user_id": str(desk.id)}, follow_redirects=False)
    assert watched.status_code == 303, watched.text
    unknown = api.post(f"/grup/{group_id}/pemantau", data={"user_id": "bukan-id"})
    assert unknown.status_code == 404 and 'id="user_id-error"' in unknown.text

    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cards = unescape(api.get("/grup").text)
    assert "Rina Petugas" in cards
    assert "LO Partai Kebangkitan Bangsa" in cards and "B••• S•••" in cards and "R••• W•••" in cards
    assert "Budi" not in cards and "3456" not in cards
    detail = unescape(api.get(f"/grup/{group_id}").text)
    assert "Budi Santoso" in detail and "+6281234567890" in detail
    # The desk reads the register; keeping it is the coordinators'.
    assert api.post("/grup", data={"platform": "whatsapp", "name": "X", "party_number": "1"}).status_code == 403


def test_a_clip_sent_three_times_opens_one_messaging_consultation(api: TestClient, memory_node: Node) -> None:
    group_id = register_with_two_liaisons(api, memory_node)
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    # The consultations page leads to the clip form, whose key makes a resend the same clip.
    assert 'href="/tempel"' in api.get("/konsultasi").text
    form = api.get("/tempel").text
    key = re.search(r'name="key" value="([^"]+)"', form).group(1)
    fields = {"key": key, "group_id": group_id, "group_name": "", "platform": "whatsapp", "sender": "Rina Wati",
              "phone": "", "sent_at": "2024-07-29T08:05", "text": "Mohon bantuan unggah KTA di SIPOL."}
    shot = png(21)
    answers = [api.post("/tempel", data=fields, files={"file": ("layar.png", shot, "image/png")},
                        follow_redirects=False) for _ in range(3)]
    assert [a.status_code for a in answers] == [303, 303, 303], answers[0].text
    assert len({a.headers["location"] for a in answers}) == 1
    cid = answers[0].headers["location"].rsplit("/", 1)[1]
    view = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid))
    assert (view.channel.value, view.identity.party.name, view.identity.phone) == (
        "messaging", "Partai Kebangkitan Bangsa", "+6281322223333")
    [doc] = view.documentation
    assert api.get(f"/konsultasi/{cid}/dokumentasi/{doc.storage_key}").content == shot


def test_a_clip_joins_an_open_consultation_from_its_workspace(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    opened = api.post("/konsultasi/baru", data={"channel": "messaging", "name": "Budi", "phone": "081234567890",
                                                "party_number": "3"}, follow_redirects=False)
    cid = opened.headers["location"].rsplit("/", 1)[1]
    assert f'href="/tempel/{cid}"' in api.get(f"/konsultasi/{cid}").text
    sent = api.post(f"/tempel/{cid}", data={"key": str(uuid4()), "group_name": "Grup LO Sumsel",
                                            "platform": "whatsapp", "sender": "Budi", "sent_at": "2024-07-29T08:00",
                                            "text": "Ini lanjutan pertanyaan saya."},
                    files={"file": ("", b"", "application/octet-stream")}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/konsultasi/{cid}", sent.text
    page = unescape(api.get(f"/tempel/{cid}").text)
    assert "Ini lanjutan pertanyaan saya." in page and "B•••" in page


def test_a_clip_without_text_or_image_is_refused_beside_its_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    refused = api.post("/tempel", data={"key": "k-1", "group_name": "Grup LO", "platform": "whatsapp",
                                        "sender": "0812 1111 2222", "sent_at": "2024-07-29T08:00", "text": " "},
                       files={"file": ("", b"", "application/octet-stream")}, follow_redirects=False)
    assert refused.status_code == 422
    assert re.search(r'id="text-error">Isi teks pesan atau lampirkan tangkapan layarnya', refused.text)
    assert 'value="k-1"' in refused.text  # sent again after the fix, it is still the same clip
    # A 50 MB video: the page says the limit.
    video = api.post("/tempel", data={"key": "k-2", "group_name": "Grup LO", "platform": "whatsapp",
                                      "sender": "0812 1111 2222", "sent_at": "2024-07-29T08:00", "text": "Video"},
                     files={"file": ("rekaman.mp4", b"\0" * (50 * 1024 * 1024), "video/mp4")}, follow_redirects=False)
    assert video.status_code == 413 and "paling besar 20 MB" in unescape(video.text)
    # Nothing opened.
    assert api.get("/api/consultations").json()["total"] == 0
