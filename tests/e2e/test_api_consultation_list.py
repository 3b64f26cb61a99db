"""The desk's consultation list through the API, on memory, SQLite and PostgreSQL: searched by any word of the
problem or the consultee's name (the start of a word is enough), filtered, and paged with a total."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import login_as

BASES = [{"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 85"}]


def opened(api: TestClient, desk: dict[str, str], channel: str, name: str, party: int, problem: str | None = None,
           restatement: str | None = None, answer: str | None = None) -> str:
    """A consultation opened at the desk, taken as far as the texts given."""
    response = api.post("/api/consultations", headers=desk,
                        json={"channel": channel, "consultee": {"name": name, "party_number": party,
                                                                "phone": "(0733) 451234"}})
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    for path, body in (("problem", problem), ("restatement", restatement), ("confirmation", restatement),
                       ("answer", answer)):
        if body is None:
            break
        data = {"text": body, "bases": BASES} if path == "answer" else {} if path == "confirmation" else {"text": body}
        step = api.post(f"/api/consultations/{cid}/{path}", headers=desk, json=data)
        assert step.status_code == 200, step.text
    return cid


def listed(api: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = api.get("/api/consultations", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(api: TestClient, headers: dict[str, str], **params: Any) -> list[str]:
    return [item["id"] for item in listed(api, headers, **params)["items"]]


def test_search_finds_a_consultation_by_a_word_of_its_problem_and_by_the_consultees_name(
    api_any_backend: TestClient, node: Node, clock: FakeClock
) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    # Three liaisons came this morning, each with their own question.
    tono = opened(api, desk, "email", "Tono Sugiarto", 5, "Keanggotaan ganda di SIPOL padahal sudah mundur.",
                  "Jadi anggota tercatat ganda?", "Unggah surat pengunduran diri.")
    clock.advance(minutes=5)
    siti = opened(api, desk, "walk_in", "Siti Aminah", 3, "Lupa kata sandi akun SIPOL.")
    clock.advance(minutes=5)
    budi = opened(api, desk, "messaging", "Budi Santoso", 2)

    # A word of the problem finds the one that holds it; the list is newest first.
    assert ids(api, desk, q="ganda") == [tono]
    assert ids(api, desk, q="sipol") == [siti, tono]
    # The consultee's name, by the start of a word, in any case.
    assert ids(api, desk, q="Ton") == [tono]
    assert ids(api, desk, q="aminah") == [siti]
    # The restatement, the answer and the party are searched too (ballot no. 2 is Gerindra).
    assert ids(api, desk, q="tercatat") == [tono]
    assert ids(api, desk, q="pengunduran") == [tono]
    assert ids(api, desk, q="gerindra") == [budi]
    # Every word typed must match.
    assert ids(api, desk, q="sipol sandi") == [siti]
    assert ids(api, desk, q="tono sandi") == []
    result = listed(api, desk, q="sipol")
    assert (result["total"], result["offset"], result["limit"]) == (2, 0, 50)


@pytest.mark.parametrize("typed", ['"ganda', "ganda*", "'ganda'", "ganda:*", "!ganda", "(ganda", "ganda & |",
                                   "ganda -- ;", "  GANDA  "])
def test_quotes_and_operators_are_plain_text(api_any_backend: TestClient, node: Node, typed: str) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    tono = opened(api, desk, "email", "Tono Sugiarto", 5, "Keanggotaan ganda di SIPOL.")
    opened(api, desk, "email", "Siti Aminah", 3, "Lupa kata sandi.")
    assert ids(api, desk, q=typed) == [tono]


def test_input_that_is_no_search_is_answered_sensibly(api_any_backend: TestClient, node: Node) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    tono = opened(api, desk, "email", "Tono Sugiarto", 5, "Keanggotaan ganda di SIPOL.")
    # Only punctuation holds no word: nothing narrows the list.
    assert listed(api, desk, q="%_*\"'")["total"] == 1
    # Search engines' keywords are words like any other: none of these words is in the consultation.
    assert ids(api, desk, q="NEAR(ganda sipol)") == [] and ids(api, desk, q="ganda OR lupa") == []
    # More words than a person types at once: the first eight are looked for (each repeat counted once).
    assert ids(api, desk, q="tono Tono sugiarto keanggotaan ganda di sipol nasdem partai zzz") == [tono]
    assert ids(api, desk, q="tono sugiarto keanggotaan ganda di sipol nasdem zzz partai") == []
    # A NUL or another control character, or a text longer than 200 characters, is refused with a message.
    for refused in ("ganda\x00", "a\x01b", "x" * 201):
        response = api.get("/api/consultations", headers=desk, params={"q": refused})
        assert response.status_code == 400, response.text
        assert response.json()["message"]


def test_paging_shows_totals_and_reaches_every_consultation(
    api_any_backend: TestClient, node: Node, clock: FakeClock
) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    made = []
    for n in range(7):
        made.append(opened(api, desk, "email", f"Penghubung {n}", 1 + n, f"Masalah nomor {n}"))
        clock.advance(minutes=1)
    newest_first = made[::-1]

    # Pages of three: the total on each, every consultation once, in the same order as one long page.
    pages = [listed(api, desk, limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [p["total"] for p in pages] == [7, 7, 7]
    assert [item["id"] for p in pages for item in p["items"]] == newest_first == ids(api, desk, limit=200)
    # Past the end: no rows, still the total.
    assert listed(api, desk, limit=3, offset=9) == {"items": [], "total": 7, "offset": 9, "limit": 3}
    # Filters narrow the total too.
    assert listed(api, desk, q="nomor", limit=2)["total"] == 7
    assert listed(api, desk, party="PKB")["total"] == 1  # ballot number 1
    # A page size or offset out of bounds is refused.
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        assert api.get("/api/consultations", headers=desk, params=params).status_code == 400


def test_filters_by_channel_status_staff_party_and_the_offices_day(
    api_any_backend: TestClient, node: Node, clock: FakeClock
) -> None:
    api = api_any_backend
    desk, other = login_as(api, node, Role.ANGGOTA_HELPDESK), login_as(api, node, Role.KOORDINATOR_HARIAN)
    # Monday 08:30 WIB: an e-mail read by the desk, a walk-in served by the coordinator.
    email = opened(api, desk, "email", "Tono Sugiarto", 5, "Keanggotaan ganda.")
    clock.advance(minutes=10)
    walk_in = opened(api, other, "walk_in", "Siti Aminah", 3)
    # 00:30 WIB on Tuesday (still Monday in UTC): the office's Tuesday.
    clock.advance(minutes=16 * 60)
    desk = login_as(api, node, Role.ANGGOTA_HELPDESK)  # the morning's session has ended
    late = opened(api, desk, "messaging", "Budi Santoso", 2)

    assert ids(api, desk, channel="walk_in") == [walk_in]
    assert ids(api, desk, status="problem_recorded") == [email]
    assert ids(api, desk, opened_by="koordinator-harian-kab-16-13") == [walk_in]
    assert ids(api, desk, party="nasdem") == [email]  # by abbreviation, any case
    assert ids(api, desk, party="Partai Gerakan Indonesia Raya") == [late]  # or by name
    assert ids(api, desk, since="2024-07-30") == [late]
    assert ids(api, desk, until="2024-07-29") == [walk_in, email]
    assert ids(api, desk, since="2024-07-29", until="2024-07-29", channel="email") == [email]
    # Filters that cannot hold together find nothing; a filter with a control character is refused.
    assert listed(api, desk, channel="walk_in", opened_by="anggota-helpdesk-kab-16-13")["total"] == 0
    assert api.get("/api/consultations", headers=desk, params={"party": "PKB\x00"}).status_code == 400
    assert api.get("/api/consultations", headers=desk, params={"channel": "fax"}).status_code == 400


def test_the_list_does_not_stop_at_200(memory_node: Node, api: TestClient) -> None:
    desk = login_as(api, memory_node, Role.ANGGOTA_HELPDESK)
    for n in range(205):
        opened(api, desk, "email", f"Penghubung {n}", 1 + n % 17)
    first, rest = listed(api, desk, limit=200), listed(api, desk, limit=200, offset=200)
    assert (first["total"], len(first["items"]), len(rest["items"])) == (205, 200, 5)
    assert len({item["id"] for item in first["items"] + rest["items"]}) == 205


def test_a_corrected_problem_is_found_by_its_new_words_only(api_any_backend: TestClient, node: Node) -> None:
    api, desk = api_any_backend, login_as(api_any_backend, node, Role.ANGGOTA_HELPDESK)
    cid = opened(api, desk, "walk_in", "Siti Aminah", 3, "Lupa kata sandi.")
    assert api.post(f"/api/consultations/{cid}/restatement", headers=desk, json={"text": "Jadi lupa sandi?"}
                    ).status_code == 200
    assert ids(api, desk, q="sandi") == [cid]
    # The liaison corrects it: the problem is replaced and the restatement dropped, in the index too.
    corrected = api.post(f"/api/consultations/{cid}/correction", headers=desk, json={"text": "Akun dibekukan."})
    assert corrected.status_code == 200, corrected.text
    assert ids(api, desk, q="sandi") == [] and ids(api, desk, q="dibekukan") == [cid]
    # The consultee's name corrected at the desk is found by the new name only.
    fixed = api.post(f"/api/consultations/{cid}/identity", headers=desk,
                     json={"name": "Siti Rahmawati", "party_number": 3, "phone": "(0733) 451234"})
    assert fixed.status_code == 200, fixed.text
    assert ids(api, desk, q="aminah") == [] and ids(api, desk, q="rahma") == [cid]
