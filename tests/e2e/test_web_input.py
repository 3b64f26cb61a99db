"""The pages take what a person (or a hand-edited address) sends without a 500: the calendar's first and last
days, page numbers that are no number, ballot numbers thousands of digits long, control characters in a filter.

Each case was a 500 before (found while fuzzing the API, tests/e2e/test_fuzz_api.py, whose fixes the pages share).
"""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from domain.roles import Role
from gateways.bootstrap import Node
from tests.e2e.conftest import PASSWORD

HUGE = "9" * 5000  # int() refuses more than 4,300 digits


def sign_in(api: TestClient, node: Node, role: Role) -> None:
    username = role.value.replace("_", "-")
    if not any(u.username == username for u in node.accounts.list_users("kab-16.13")):
        node.accounts.register_user(username, f"Petugas {username}", role, "kab-16.13", PASSWORD, "test")
    api.cookies.clear()
    response = api.post("/masuk", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
    assert response.status_code == 303, response.text


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
    # The periodic report's range starts a week before the chosen day: before 1 January 1 there is none.
    assert api.get("/laporan", params={"tanggal": "0001-01-01"}).status_code == 200


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
    assert api.get("/api/consultations").json() == []  # nothing was opened
