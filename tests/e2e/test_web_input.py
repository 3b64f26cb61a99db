"""The pages take what a person (or a hand-edited address) sends without a 500: the calendar's first and last
days, page numbers that are no number, ballot numbers thousands of digits long, control characters in a filter.

Each case was a 500 before (found while fuzzing the API, tests/e2e/test_fuzz_api.py, whose fixes the pages share).
"""

from __future__ import annotations

import re
from html import unescape
from uuid import UUID

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.messages import MESSAGES, message
from tests.e2e.conftest import sign_in
from tests.support.samples import EXE, HTML, jpeg, png

HUGE = "9" * 5000  # int() refuses more than 4,300 digits


@pytest.mark.parametrize("params", [
    {"dari": "0001-01-01"}, {"sampai": "9999-12-31"},  # their midnights in UTC are not datetimes
    {"halaman": "²"}, {"halaman": "99999999999999999999"}, {"halaman": HUGE},  # a digit int() refuses; offsets
    {"kantor": "kab-16.13\x00"}, {"pelaku": "\x00"}, {"konsultasi": "x\x00"},  # NUL: a 500 on PostgreSQL
])
def test_the_audit_search_page_answers_any_filter(api_any_backend: TestClient, node: Node, params: dict) -> None:
    sign_in(api_any_backend, node, Role.KETUA_HELPDESK)
    assert api_any_backend.get("/audit", params=params).status_code == 200
    assert api_any_backend.get("/audit/konsultasi/x%00").status_code == 404


def test_the_reports_page_opens_on_the_first_day_of_the_calendar(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    # A year no report is about (the periodic report's range would start before 1 January 1): said beside the field
    # in Bahasa Indonesia, today's lists shown, never a 500.
    shown = api.get("/laporan", params={"tanggal": "0001-01-01"})
    assert shown.status_code == 422
    assert unescape(message("day_out_of_range", first=2000, last=2099)) in unescape(shown.text)


def test_a_ballot_number_thousands_of_digits_long_is_refused_beside_its_field(api: TestClient, memory_node: Node
                                                                              ) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    opened = api.post("/konsultasi/baru", data={"channel": "email", "name": "Budi", "phone": "081234567890",
                                                "party_number": HUGE}, follow_redirects=False)
    assert opened.status_code == 422
    assert api.post("/meja-depan/tiket", follow_redirects=False).status_code == 303
    assert api.post("/meja-depan/panggil", follow_redirects=False).status_code == 303
    guest = api.post("/meja-depan/tamu/1", data={"name": "Budi", "phone": "081234567890", "party_number": HUGE,
                                                 "signature": ""})
    assert guest.status_code == 422
    assert api.get("/api/consultations").json()["items"] == []  # nothing was opened


# Issue 11 §3 on the pages: every field's error at once, files checked by content, a size limit that is said.

def field_error(html: str, field: str) -> str | None:
    """The error shown beside the form field `field` (its <p class="error" id="…-error">), if any."""
    found = re.search(rf'<p class="error" id="{re.escape(field)}-error">([^<]*)</p>', html)
    return unescape(found.group(1)) if found else None


def test_the_new_consultation_form_shows_every_field_error_at_once(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    # No party, a name of zero-width spaces, a bad phone and a bad e-mail: one submit, four errors beside their fields.
    form = {"channel": "email", "name": "\u200b\u200b", "phone": "12", "email": "budi@", "party_number": ""}
    page = api.post("/konsultasi/baru", data=form, follow_redirects=False)
    assert page.status_code == 422
    assert field_error(page.text, "name") == MESSAGES["invisible_characters"][0]
    assert field_error(page.text, "phone") == MESSAGES["invalid_phone"][0]
    assert field_error(page.text, "email") == MESSAGES["invalid_email"][0]
    assert field_error(page.text, "party_number") == MESSAGES["party_required"][0]
    # All of them in one summary at the top, each linking to its field (read out first by a screen reader).
    start = page.text.index('id="error-summary"')
    summary = page.text[start:page.text.index("</ul>", start)]
    assert all(f'href="#{field}"' in summary for field in ("name", "phone", "email", "party_number"))
    # A channel the form does not offer and a time it cannot read are shown with the identity's errors, not first.
    tampered = api.post("/konsultasi/baru", data={**form, "channel": "fax", "arrived_at": "kemarin"},
                        follow_redirects=False)
    assert tampered.status_code == 422
    assert all(field_error(tampered.text, f) for f in ("channel", "arrived_at", "name", "phone", "email",
                                                       "party_number"))
    assert memory_node.consultations.list("kab-16.13") == []  # nothing was opened


def test_a_program_uploaded_as_a_photo_is_refused_beside_the_file_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    opened = api.post("/konsultasi/baru", data={"channel": "online_meeting", "name": "Budi", "phone": "081234567890",
                                                "party_number": "3"}, follow_redirects=False)
    cid = opened.headers["location"].rsplit("/", 1)[1]
    for name, content, declared, code in [("photo.jpg", EXE, "image/jpeg", "file_type_refused"),
                                          ("foto.png", HTML, "image/png", "file_type_refused"),
                                          ("foto.jpg", jpeg(), "audio/mpeg", "file_type_mismatch")]:
        response = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                            files={"file": (name, content, declared)}, follow_redirects=False)
        assert response.status_code == 422, name
        assert field_error(response.text, "attach_documentation-file") == MESSAGES[code][0]
    assert memory_node.helpdesk.get_consultation("kab-16.13", UUID(cid)).documentation == []
    assert not (memory_node.settings.data_path / "files").exists() or not any(
        path.is_file() for path in (memory_node.settings.data_path / "files").rglob("*"))


def test_the_page_for_a_file_too_large_says_the_limit(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    opened = api.post("/konsultasi/baru", data={"channel": "online_meeting", "name": "Budi", "phone": "081234567890",
                                                "party_number": "3"}, follow_redirects=False)
    cid = opened.headers["location"].rsplit("/", 1)[1]
    huge = png() + b"\x00" * (26 * 1024 * 1024)
    response = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                        files={"file": ("rekaman.png", huge, "image/png")}, follow_redirects=False)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Berkas terlalu besar: paling besar 20 MB" in unescape(response.text)
    # Within the request's limit but over the store's: the same limit, beside the file field.
    big = png() + b"\x00" * (20 * 1024 * 1024)
    refused = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                       files={"file": ("rekaman.png", big, "image/png")}, follow_redirects=False)
    assert refused.status_code == 422
    assert field_error(refused.text, "attach_documentation-file") == (
        "Berkas terlalu besar: paling besar 20 MB. Tidak ada yang disimpan.")
    # In English too.
    api.cookies.set("helpdesk_lang", "en")
    english = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                       files={"file": ("rekaman.png", huge, "image/png")}, follow_redirects=False)
    assert "The file is too large: at most 20 MB" in unescape(english.text)
