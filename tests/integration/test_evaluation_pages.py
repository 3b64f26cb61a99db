"""The "Evaluasi Layanan" pages and API (issue 16) with Litestar's test client: the Koordinator drafts an evaluation
for a period, every field error shown at once in Bahasa Indonesia, notes and follow-ups, finalising only after the
confirmation; the desk reads it and is refused the Koordinator's steps (403), marks its own follow-up done; the signed
PDF holds the figures and the hash (rendered to PNG with pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.app import create_app
from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.e2e.conftest import sign_in
from tests.support.stories import consultation_story

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)  # the fake clock's Monday


@pytest.fixture
def api(memory_node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(memory_node)) as client:
        yield client


def errors_of(html: str) -> dict[str, str]:
    return {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<p class="error" id="([^"]+)-error">([^<]+)</p>',
                                                                   html)}


def drafted(api: TestClient, node: Node) -> str:
    sign_in(api, node, Role.KOORDINATOR, "koord")
    response = api.post("/evaluasi", data={"period_start": DAY.isoformat(), "period_end": DAY.isoformat()},
                        follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def test_the_koordinator_drafts_notes_follows_up_and_finalises(api: TestClient, memory_node: Node,
                                                               clock: FakeClock) -> None:
    for n in range(7):
        consultation_story(memory_node.helpdesk, OFFICE, n, clock.advance)
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    sign_in(api, memory_node, Role.KOORDINATOR, "koord")
    listing = api.get("/evaluasi")
    assert listing.status_code == 200 and 'href="/evaluasi"' in listing.text and "Evaluasi baru" in listing.text
    # Both dates unreadable: both refused at once; a day to come: refused beside its field.
    bad = api.post("/evaluasi", data={"period_start": "kemarin", "period_end": "2024-13-01"})
    assert bad.status_code == 422
    assert set(errors_of(bad.text)) == {"period_start", "period_end"}
    future = api.post("/evaluasi", data={"period_start": "2024-07-29", "period_end": "2024-08-30"})
    assert future.status_code == 422 and "period_end" in errors_of(future.text)

    eid = drafted(api, memory_node)
    # The same period again leads to the same evaluation.
    again = api.post("/evaluasi", data={"period_start": DAY.isoformat(), "period_end": DAY.isoformat()},
                     follow_redirects=False)
    assert again.headers["location"] == f"/evaluasi/{eid}"
    page = api.get(f"/evaluasi/{eid}").text
    assert 'data-testid="count-consultations">7<' in page and "Draf" in page

    # A follow-up with nothing filled in: every field's error at once, in Bahasa Indonesia, nothing written.
    empty = api.post(f"/evaluasi/{eid}/tindak-lanjut", data={"what": " ", "owner": "", "due": ""})
    assert empty.status_code == 422
    assert errors_of(empty.text) == {
        "what": "Kolom ini wajib diisi.", "owner": "Pilih petugas yang bertanggung jawab.",
        "due": "Isi batas waktu dengan tanggal yang valid (TTTT-BB-HH).",
    }
    assert memory_node.helpdesk.evaluation_view(OFFICE, _uuid(eid)).follow_ups == []
    assert api.post(f"/evaluasi/{eid}/catatan", data={"text": "Jawaban surel sering lewat standar."},
                    follow_redirects=False).status_code == 303
    assert api.post(f"/evaluasi/{eid}/tindak-lanjut", data={"what": "Pantau kotak surel tiap jam",
                                                            "owner": "desk.ani", "due": "2024-08-02"},
                    follow_redirects=False).status_code == 303

    # Finalising asks for the confirmation first.
    unconfirmed = api.post(f"/evaluasi/{eid}/finalkan", data={})
    assert unconfirmed.status_code == 422 and "confirm" in errors_of(unconfirmed.text)
    assert not memory_node.helpdesk.evaluation_view(OFFICE, _uuid(eid)).finalised
    assert api.post(f"/evaluasi/{eid}/finalkan", data={"confirm": "ya"}, follow_redirects=False).status_code == 303
    view = memory_node.helpdesk.evaluation_view(OFFICE, _uuid(eid))
    final = api.get(f"/evaluasi/{eid}").text
    assert view.finalised and view.content_hash in final and "Tambah catatan" not in final
    # Frozen: a note now is refused with its reason.
    late = api.post(f"/evaluasi/{eid}/catatan", data={"text": "Terlambat"})
    assert late.status_code == 409 and "sudah difinalkan" in unescape(late.text)

    # The desk reads the evaluation, is refused the Koordinator's steps, and marks its own follow-up done.
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    assert "Tambah catatan" not in api.get(f"/evaluasi/{eid}").text
    refused = api.post("/evaluasi", data={"period_start": "2024-07-28", "period_end": "2024-07-28"})
    assert refused.status_code == 403 and "Anda tidak berhak" in refused.text
    assert api.post(f"/evaluasi/{eid}/catatan", data={"text": "x"}).status_code == 403
    assert "Pantau kotak surel tiap jam" in api.get("/evaluasi").text  # my open follow-ups
    [follow_up] = view.follow_ups
    done = api.post(f"/evaluasi/{eid}/tindak-lanjut/{follow_up.follow_up_id}/selesai", follow_redirects=False)
    assert done.status_code == 303
    assert memory_node.evaluations.open_follow_ups(OFFICE, "desk.ani") == []


def test_the_api_mirrors_the_commands_with_bahasa_refusals(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    refused = api.post("/api/evaluations", json={"period_start": "2024-07-29", "period_end": "2024-07-29"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert refused.json()["message"] == "Peran Anda tidak berwenang melakukan ini."
    sign_in(api, memory_node, Role.KOORDINATOR, "koord")
    created = api.post("/api/evaluations", json={"period_start": "2024-07-29", "period_end": "2024-07-29"})
    assert created.status_code == 201, created.text
    eid = created.json()["id"]
    twice = api.post("/api/evaluations", json={"period_start": "2024-07-29", "period_end": "2024-07-29"})
    assert twice.status_code == 409 and twice.json()["message"].startswith("Evaluasi untuk periode ini sudah ada")
    bad = api.post(f"/api/evaluations/{eid}/follow-ups", json={"what": "", "owner": "bukan-petugas",
                                                               "due": "2024-07-01"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"what", "owner", "due"}
    ok = api.post(f"/api/evaluations/{eid}/follow-ups", json={"what": "Rapikan meja", "owner": "desk.ani",
                                                              "due": "2024-07-30"})
    assert ok.status_code == 201, ok.text
    assert api.post(f"/api/evaluations/{eid}/notes", json={"text": "Baik"}).status_code == 201
    final = api.post(f"/api/evaluations/{eid}/finalise")
    assert final.status_code == 201 and len(final.json()["content_hash"]) == 64
    one = api.get(f"/api/evaluations/{eid}").json()
    assert one["finalised"] and one["content_hash"] == final.json()["content_hash"]
    assert [f["what"] for f in api.get("/api/evaluations/follow-ups").json()] == ["Rapikan meja"]


def test_the_signed_pdf_shows_the_figures_the_signer_and_the_hash(api: TestClient, memory_node: Node,
                                                                  clock: FakeClock, tmp_path: Path) -> None:
    for n in range(7):
        consultation_story(memory_node.helpdesk, OFFICE, n, clock.advance)
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desk.ani")
    eid = drafted(api, memory_node)
    api.post(f"/evaluasi/{eid}/catatan", data={"text": "Pemeriksaan pemahaman perlu dilatih ulang."})
    api.post(f"/evaluasi/{eid}/tindak-lanjut", data={"what": "Latihan pemeriksaan pemahaman", "owner": "desk.ani",
                                                     "due": "2024-08-02"})
    api.post(f"/evaluasi/{eid}/finalkan", data={"confirm": "ya"})
    digest = memory_node.helpdesk.evaluation_view(OFFICE, _uuid(eid)).content_hash
    pdf = api.get(f"/api/evaluations/{eid}?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / "evaluasi.pdf"
    path.write_bytes(pdf.content)
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "poppler-utils is needed to read the PDF"
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(shown.split())  # a cell's text wraps over lines
    assert "EVALUASI PELAYANAN HELPDESK" in text and "Koordinator Helpdesk" in text and "Petugas koord" in text
    assert "Pemeriksaan pemahaman perlu dilatih ulang." in text and "Latihan pemeriksaan pemahaman" in text
    assert "Jumlah konsultasi" in text and digest[:16] in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    [png] = list(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000


def _uuid(text: str):  # noqa: ANN202 - a UUID from a path's last part
    from uuid import UUID

    return UUID(text)
