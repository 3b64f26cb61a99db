"""The "Program Kerja" page and API (issue 16) with Litestar's test client: the Ketua plans activities (every field
error at once, in Bahasa Indonesia), the person responsible reports progress, a cancellation needs its reason, the
desk reads and is refused (403); the signed PDF lists the items under the Ketua's signature."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.e2e.conftest import sign_in

OFFICE = "kab-16.13"


@pytest.fixture
def api(memory_node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(memory_node)) as client:
        yield client


def errors_of(html: str) -> dict[str, str]:
    return {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<p class="error" id="([^"]+)-error">([^<]+)</p>',
                                                                   html)}


def test_the_ketua_plans_the_responsible_reports_progress_and_the_desk_reads(api: TestClient, memory_node: Node,
                                                                            tmp_path: Path) -> None:
    sign_in(api, memory_node, Role.KOORDINATOR_HARIAN, "harian")
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    page = api.get("/program-kerja")
    assert page.status_code == 200 and 'href="/program-kerja"' in page.text and "Rencanakan kegiatan" in page.text

    # Nothing filled in: the three fields' errors at once, nothing planned.
    empty = api.post("/program-kerja/2024", data={"activity": "", "planned_on": "31-07-2024", "responsible": ""})
    assert empty.status_code == 422
    assert errors_of(empty.text) == {
        "activity": "Kolom ini wajib diisi.",
        "planned_on": "Isi tanggal rencana yang valid dalam tahun program ini.",
        "responsible": "Pilih penanggung jawab kegiatan.",
    }
    assert memory_node.programme.items(OFFICE, 2024) == []
    for activity, day, who in (("Bimtek SIPOL untuk operator partai", "2024-08-05", "harian"),
                               ("Rapat evaluasi bulanan", "2024-07-31", "ketua")):
        planned = api.post("/program-kerja/2024", data={"activity": activity, "planned_on": day, "responsible": who},
                           follow_redirects=False)
        assert planned.status_code == 303 and planned.headers["location"] == "/program-kerja?tahun=2024"
    bimtek, rapat = sorted(memory_node.programme.items(OFFICE, 2024), key=lambda i: i.activity)

    # A cancellation says why, beside the item's note.
    no_reason = api.post(f"/program-kerja/2024/{rapat.id}/status", data={"state": "cancelled", "note": ""})
    assert no_reason.status_code == 422
    assert errors_of(no_reason.text) == {f"{rapat.id}-note": "Tulis alasan pembatalan pada catatan."}
    assert api.post(f"/program-kerja/2024/{rapat.id}/status", data={"state": "cancelled", "note": "Digabung pleno"},
                    follow_redirects=False).status_code == 303

    # The person responsible reports progress; the desk reads and is refused.
    sign_in(api, memory_node, Role.KOORDINATOR_HARIAN, "harian")
    assert api.post(f"/program-kerja/2024/{bimtek.id}/status", data={"state": "in_progress", "note": "Undangan"},
                    follow_redirects=False).status_code == 303
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    read = unescape(api.get("/program-kerja?tahun=2024").text)
    assert "Bimtek SIPOL untuk operator partai" in read and "Berjalan" in read and "Dibatalkan" in read
    assert "Rencanakan kegiatan" not in read
    refused = api.post("/program-kerja/2024", data={"activity": "X", "planned_on": "2024-08-01",
                                                    "responsible": "desk.ani"})
    assert refused.status_code == 403 and "Anda tidak berhak" in refused.text
    assert api.post(f"/program-kerja/2024/{bimtek.id}/status", data={"state": "done"}).status_code == 403
    api_refused = api.post("/api/programme/2024/items", json={"activity": "X"})
    assert api_refused.status_code == 403 and api_refused.json()["code"] == "forbidden"
    assert api_refused.json()["message"] == "Peran Anda tidak berwenang melakukan ini."

    # The API lists the same items; the PDF prints them under the Ketua's signature.
    assert [i["state"] for i in api.get("/api/programme/2024").json()] == ["cancelled", "in_progress"]
    pdf = api.get("/api/programme/2024?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "program.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "PROGRAM KEGIATAN HELPDESK" in text and "Tahun 2024" in text and "Ketua Helpdesk" in text
    assert "Petugas ketua" in text and "Bimtek SIPOL untuk operator partai" in text and "Digabung pleno" in text


def test_the_api_plans_and_moves_with_every_refusal_at_once(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.SEKRETARIS_HELPDESK, "sekretaris")
    bad = api.post("/api/programme/2024/items", json={"activity": " ", "planned_on": "2025-01-02",
                                                      "responsible": "bukan-petugas"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"activity", "planned_on", "responsible"}
    created = api.post("/api/programme/2024/items", json={"activity": "Bimtek", "planned_on": "2024-08-05",
                                                          "responsible": "sekretaris"})
    assert created.status_code == 201, created.text
    item = created.json()["id"]
    assert api.post(f"/api/programme/2024/items/{item}/state", json={"state": "done"}).status_code == 204
    again = api.post(f"/api/programme/2024/items/{item}/state", json={"state": "in_progress"})
    assert again.status_code == 409 and again.json()["code"] == "item_move_refused"
