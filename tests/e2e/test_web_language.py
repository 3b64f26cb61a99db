"""A page in English writes its dates, times, numbers and counts in English (Babel's locale data and the catalogue's
plural entries); the same page in Bahasa Indonesia is as before. The clock stands at 29 July 2024, 08.30 WIB."""

from __future__ import annotations

from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.test_web_consultations import open_by_hand, sign_in, step

ENGLISH = ("helpdesk_lang", "en")


def test_the_front_desk_names_the_day_in_the_readers_language(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    indonesian = api.get("/meja-depan").text
    assert "Senin, 29 Juli 2024" in indonesian
    api.cookies.set(*ENGLISH)
    english = api.get("/meja-depan").text
    assert "Monday, 29 July 2024" in english
    assert "Senin" not in english and "Juli" not in english


def test_a_consultation_counts_and_stamps_in_english(api: TestClient, memory_node: Node, clock: FakeClock) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api)
    clock.advance(minutes=2)
    step(api, cid, "permasalahan", {"text": "Bagaimana mengunggah KTA anggota yang pindah domisili?"})
    step(api, cid, "pengulangan", {"text": "Jadi KTA anggota yang pindah domisili harus diunggah ulang?"})
    step(api, cid, "konfirmasi")
    step(api, cid, "jawaban", {"text": "Unggah ulang KTA dengan alamat baru.", "basis_kind_1": "pkpu",
                               "basis_reference_1": "PKPU 4/2022 Pasal 140"})
    step(api, cid, "pemahaman", {"understood": "tidak"})
    step(api, cid, "ulangi", {"text": ""})  # the answer repeated once

    indonesian = api.get(f"/konsultasi/{cid}").text
    assert "1 kali" in indonesian and "29-07-2024 08.30 WIB" in indonesian

    api.cookies.set(*ENGLISH)
    english = api.get(f"/konsultasi/{cid}").text
    assert "1 time<" in english and "time(s)" not in english
    assert "29/07/2024, 08:30 WIB" in english and "29-07-2024 08.30" not in english
    history = [line for line in english.splitlines() if "History (" in line]
    assert history and "entries)" in history[0]  # several entries: the plural form
