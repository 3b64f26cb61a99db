"""The audit viewer: the office's entries (contacts masked), newest first, worded (events, keys and values from the
catalogue, times in the office's zone, staff by full name), a search narrowed by consultation, one consultation's
history, each chain's verification ("Utuh"), and the first problem once a sealed row is changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from gateways.config import Settings
from tests.conftest import FakeClock, settings_for
from tests.e2e.conftest import open_consultation, sign_in
from tests.support.leaks import leaked


def entries_listed(html: str) -> list[str]:
    """One string per entry row of the search result."""
    return re.findall(r'<tr data-testid="audit-entry">(.*?)</tr>', html, re.S)


def events(html: str, row: str = "audit-entry") -> list[tuple[str, str]]:
    """(the sealed type, the words shown) of each entry row, in the page's order."""
    return re.findall(rf'<tr data-testid="{row}">.*?<td data-testid="event" title="([\w.]+)"[^>]*>([^<]+)</td>',
                      html, re.S)


def chain_results(html: str) -> str:
    table = html[html.index('data-testid="chain-status"'):]
    return table[:table.index("</table>")]


def busy_office(api: TestClient, node: Node, clock: FakeClock) -> tuple[str, str]:
    sign_in(api, node, Role.ANGGOTA_HELPDESK, "petugas")
    first = open_consultation(api, "Ani Audit", "0812 1111 2222")
    clock.advance(minutes=2)
    assert api.post(f"/api/consultations/{first}/problem", json={"text": "Lupa kata sandi SIPOL."}).status_code == 200
    clock.advance(minutes=1)
    second = open_consultation(api, "Budi Audit", "0812 3333 4444")
    return first, second


def test_the_office_entries_a_search_by_consultation_and_its_history(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    first, second = busy_office(api, memory_node, clock)
    sign_in(api, memory_node, Role.KOORDINATOR, "koordinator")
    response = api.get("/audit")
    assert response.status_code == 200, response.text
    page = response.text
    for label in ("Kantor", "Partai", "Konsultasi", "Pelaku", "Dari tanggal", "Sampai tanggal"):
        assert re.search(rf'<label for="\w+">{label}</label>', page), label
    assert '<button type="submit" class="primary">Cari</button>' in page
    rows = entries_listed(page)
    assert any("Konsultasi dibuka" in r and first in r for r in rows)
    # Newest first, each event in words (the sealed type on hover): the coordinator's account, registered to read
    # this page, then Budi's consultation; the desk officer's account, the first thing sealed, last.
    assert events(page)[:2] == [("User.Registered", "Akun didaftarkan"), ("Consultation.Opened", "Konsultasi dibuka")]
    assert second in rows[1] and events(page)[-1] == ("User.Registered", "Akun didaftarkan")
    # The desk officer by full name (the staff read model), the username they are sealed under on hover.
    assert '<span title="petugas" data-testid="actor">Petugas petugas</span>' in page
    # Keys and values worded: the consultee's name as its pseudonym under "Identitas · nama", the channel by name.
    assert re.search(r'<strong title="identity.name">Identitas · nama</strong>: psn:', page)
    assert '<strong title="channel">Saluran</strong>: Tatap muka' in page
    assert re.search(r'<strong title="role">Peran</strong>: Koordinator', page)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", re.sub(r'datetime="[^"]+"', "", page)), "a UTC time shown"
    assert any(second in r for r in rows) and all("kab-16.13" in r for r in rows)
    # The entries carry pseudonyms (issue 12: no part of the number, not even 0812****2222); the office's own
    # auditor still sees who came, named from the consultations read model beside each entry of a consultation.
    assert "psn:" in page and leaked(page, ("2222", "****")) == []
    assert any("Ani Audit" in r and first in r for r in rows) and any("Budi Audit" in r and second in r for r in rows)
    assert ">Utuh<" in chain_results(page) and "kab-16.13" in chain_results(page)

    # Narrowed to one consultation: only its entries.
    narrowed = entries_listed(api.get("/audit", params={"konsultasi": first}).text)
    assert len(narrowed) == 2 and all(first in r for r in narrowed) and not any(second in r for r in narrowed)
    assert [type for type, _ in events(api.get("/audit", params={"konsultasi": first}).text)] == [
        "Consultation.ProblemRecorded", "Consultation.Opened"]
    # By actor and by day: the desk officer's entries; nothing from tomorrow on.
    assert len(entries_listed(api.get("/audit", params={"pelaku": "petugas"}).text)) == 3
    tomorrow = api.get("/audit", params={"dari": "2024-07-30"}).text
    assert entries_listed(tomorrow) == [] and "Tidak ada entri audit yang cocok." in tomorrow
    backwards = api.get("/audit", params={"dari": "2024-07-30", "sampai": "2024-07-29"})
    assert backwards.status_code == 422 and 'id="sampai-error"' in backwards.text

    # One consultation's history, newest first, linked from the list.
    assert f'href="/audit/konsultasi/{first}"' in page
    history = api.get(f"/audit/konsultasi/{first}")
    assert history.status_code == 200
    assert events(history.text, "history-entry") == [
        ("Consultation.ProblemRecorded", "Permasalahan dicatat"), ("Consultation.Opened", "Konsultasi dibuka")]
    assert '<span title="petugas" data-testid="actor">Petugas petugas</span>' in history.text
    assert "Lupa kata sandi SIPOL." in history.text and "08.30 WIB" in history.text
    assert re.search(r'data-testid="consultee-name">Ani Audit<', history.text)
    assert api.get("/audit/konsultasi/tidak-ada").status_code == 404


def test_paging_through_many_entries(api: TestClient, memory_node: Node, clock: FakeClock) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    for i in range(55):
        open_consultation(api, f"Tamu {i}", "0812 1111 2222")
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    page = api.get("/audit").text
    assert len(entries_listed(page)) == 50 and 'rel="next"' in page and 'rel="prev"' not in page
    following = api.get("/audit", params={"halaman": 2}).text
    assert len(entries_listed(following)) == 55 + 2 - 50  # two accounts registered, 55 consultations opened
    assert 'rel="prev"' in following and 'rel="next"' not in following
    # Newest first across the pages: the Ketua's account (registered to read it), the last consultation opened and
    # on; page 2 ends with the first ones and the desk officer's account, the first thing sealed.
    assert events(page)[0] == ("User.Registered", "Akun didaftarkan") and "Tamu 54" in entries_listed(page)[1]
    assert "Tamu 6<" in page and "Tamu 5<" not in page and "Tamu 5<" in following and "Tamu 0<" in following
    assert events(following)[-1] == ("User.Registered", "Akun didaftarkan")


def test_only_roles_with_read_audit_open_it(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    assert api.get("/audit").status_code == 403
    assert api.get("/audit/konsultasi/x").status_code == 403
    sign_in(api, memory_node, Role.ANGGOTA_KPU, "komisioner")
    assert api.get("/audit").status_code == 200


def test_a_changed_chain_row_is_named_on_a_sqlite_node(
    tmp_path: Path, open_node: Callable[[Settings], Node], clock: FakeClock
) -> None:
    node = open_node(settings_for("sqlite", tmp_path / "node"))
    with TestClient(create_app(node)) as api:
        busy_office(api, node, clock)
        sign_in(api, node, Role.KOORDINATOR, "koordinator")
        assert ">Utuh<" in chain_results(api.get("/audit").text)

        node.projections.catch_up("audit")
        # Which entries close a batch (and so are signed checkpoints) depends on how the follower's batches fell. A
        # changed entry no checkpoint signs is named at its own number, as is any entry when every one is signed; a
        # changed checkpoint after unsigned entries is named from the run it vouches for (test_audit_checkpoints.py).
        with node.store.transaction() as tx:
            ((seq,),) = tx.execute("SELECT COALESCE(MIN(seq), 3) FROM rm_audit_chain WHERE signature = '' AND seq > 1")
            tx.execute("UPDATE rm_audit_chain SET actor = 'penyusup' WHERE seq = ?", (seq,))
        result = chain_results(api.get("/audit").text)
        assert ">Utuh<" not in result and "Bermasalah" in result
        problem = re.search(r'data-testid="chain-problem">([^<]+)<', result).group(1)
        assert problem.startswith(f"#{seq} changed_entry")
