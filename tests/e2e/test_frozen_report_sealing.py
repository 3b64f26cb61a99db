"""A consultee's name in a frozen report through the API: sealed when frozen, shown in the version's PDF and JSON while
the key lives, "[dihapus]" after the erasure; a sealed cell moved elsewhere does not open, and a version frozen before
sealing began still reads (issue 12)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import msgspec
import pypdf
from litestar.testing import TestClient

from domain.frozen_report import ReportKind
from domain.personal_data import PLACEHOLDER, is_sealed
from domain.roles import Role
from gateways.bootstrap import Node
from gateways.reports.labels import BROKEN_SEAL
from projections.report_queries import consultations_between
from tests.e2e.conftest import open_consultation

DAY = "2024-07-29"
RECAP = f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}"
OFFICE = "kab-16.13"


def pdf_words(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def names_in(document: dict) -> list[str]:
    """The Nama column of a report document as the API returns it in JSON."""
    column = [c["key"] for c in document["columns"]].index("name")
    return [row[column] for row in document["rows"]]


def test_a_frozen_recap_shows_the_names_until_one_consultee_is_erased(
    api: TestClient, as_role, clock, memory_node: Node
) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB
    desk, secretary = as_role(Role.ANGGOTA_HELPDESK), as_role(Role.SEKRETARIS_HELPDESK)
    rina = open_consultation(api, "Rina Marlina", "0812 5555 0101", party_number=2, headers=desk)
    open_consultation(api, "Bambang Pamungkas", "0812 5555 0102", party_number=2, headers=desk)
    # The draft shows the names as the recap will freeze them.
    draft = api.get(f"{RECAP}/draft", headers=secretary, params={"format": "json"})
    assert sorted(names_in(draft.json())) == ["Bambang Pamungkas", "Rina Marlina"]
    assert api.post(RECAP, headers=secretary).status_code == 201

    # The frozen content holds each name as a sealed cell: pseudonym, key id, ciphertext; no name in it.
    stored = memory_node.helpdesk.report_version(OFFICE, ReportKind.DAILY_RECAP, date(2024, 7, 29),
                                                 date(2024, 7, 29), 1)
    lines = msgspec.json.decode(stored.content)["lines"]
    assert all(is_sealed(line["consultee"]) and line["consultee"]["psn"].startswith("psn:") for line in lines)
    assert b"Rina" not in stored.content and b"Marlina" not in stored.content and b"Bambang" not in stored.content

    # Version 1 as the office hands it out names both.
    before = api.get(f"{RECAP}/versions/1", headers=secretary, params={"format": "pdf"})
    assert before.status_code == 200
    assert "Rina Marlina" in pdf_words(before.content) and "Bambang Pamungkas" in pdf_words(before.content)

    # Rina is erased; the same version now shows "[dihapus]" for her and still names Bambang, with the same hash.
    assert memory_node.personal_data.erase_subjects([rina]).erased == (rina,)
    after = api.get(f"{RECAP}/versions/1", headers=secretary, params={"format": "pdf"})
    text = pdf_words(after.content)
    assert "Rina" not in text and "Marlina" not in text and PLACEHOLDER in text and "Bambang Pamungkas" in text
    assert f"SHA-256 {stored.content_hash}" in text
    shown = api.get(f"{RECAP}/versions/1", headers=secretary, params={"format": "json"}).json()
    assert sorted(names_in(shown)) == ["Bambang Pamungkas", PLACEHOLDER]
    assert [v["content_hash"] for v in api.get(RECAP, headers=secretary).json()] == [stored.content_hash]


def test_a_sealed_name_moved_to_another_cell_or_report_does_not_open(api: TestClient, as_role, clock,
                                                                     memory_node: Node) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)
    desk = as_role(Role.ANGGOTA_HELPDESK)
    open_consultation(api, "Rina Marlina", "0812 5555 0201", party_number=2, headers=desk)
    open_consultation(api, "Bambang Pamungkas", "0812 5555 0202", party_number=2, headers=desk)
    reports = memory_node.reports
    day = date(2024, 7, 29)
    content = msgspec.to_builtins(reports.content(ReportKind.DAILY_RECAP.value, day, day))

    first, second = [row[2] for row in reports.frozen(msgspec.json.encode(content), "", "sekretaris").rows]
    assert {first, second} == {"Rina Marlina", "Bambang Pamungkas"}

    # The first line's sealed name copied over the second line: it is bound to its own cell, so it opens nowhere else.
    swapped = {**content, "lines": [content["lines"][0], {**content["lines"][1],
                                                          "consultee": content["lines"][0]["consultee"]}]}
    names = [row[2] for row in reports.frozen(msgspec.json.encode(swapped), "", "sekretaris").rows]
    assert names == [first, BROKEN_SEAL]
    # The same cell in another report (the periodic report of that day) does not open either.
    moved = {**content, "kind": ReportKind.PERIODIC.value}
    names = [row[2] for row in reports.frozen(msgspec.json.encode(moved), "", "ketua").rows]
    assert names == [BROKEN_SEAL, BROKEN_SEAL]


def test_the_same_substance_seals_to_the_same_bytes_and_another_name_to_other_bytes(
    api: TestClient, as_role, clock, memory_node: Node
) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)
    desk = as_role(Role.ANGGOTA_HELPDESK)
    cid = open_consultation(api, "Rina Marlina", "0812 5555 0301", party_number=2, headers=desk)
    day = date(2024, 7, 29)

    def frozen_bytes() -> bytes:
        return msgspec.json.encode(memory_node.reports.content(ReportKind.DAILY_RECAP.value, day, day))

    first = frozen_bytes()
    clock.advance(minutes=30)
    assert frozen_bytes() == first  # so a correction that changes nothing is recognised (and refused)
    renamed = api.post(f"/api/consultations/{cid}/identity", headers=desk, json={
        "name": "Rina M. Siregar", "party_number": 2, "phone": "0812 5555 0301"})
    assert renamed.status_code == 200, renamed.text
    memory_node.projections.catch_up()
    assert frozen_bytes() != first and b"Siregar" not in frozen_bytes()


def test_a_version_frozen_before_sealing_began_still_reads(api: TestClient, as_role, clock, memory_node: Node) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)
    open_consultation(api, "Rina Marlina", "0812 5555 0401", party_number=2,
                             headers=as_role(Role.ANGGOTA_HELPDESK))
    day = date(2024, 7, 29)
    # The content as it was frozen before this change: the name in clear.
    content = msgspec.to_builtins(memory_node.reports.content(ReportKind.DAILY_RECAP.value, day, day))
    content["lines"][0]["consultee"] = "Rina Marlina"
    old = msgspec.json.encode(content)
    version = memory_node.helpdesk.submit_report(OFFICE, ReportKind.DAILY_RECAP, day, day, old, "sekretaris",
                                                 Role.SEKRETARIS_HELPDESK)
    assert version.content == old
    shown = api.get(f"{RECAP}/versions/1", headers=as_role(Role.SEKRETARIS_HELPDESK), params={"format": "json"})
    assert shown.status_code == 200 and names_in(shown.json()) == ["Rina Marlina"]


def test_a_consultee_erased_before_the_read_models_are_rebuilt_is_frozen_as_dihapus(
    api: TestClient, as_role, clock, memory_node: Node
) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)
    rina = open_consultation(api, "Rina Marlina", "0812 5555 0501", party_number=2,
                                    headers=as_role(Role.ANGGOTA_HELPDESK))
    day = date(2024, 7, 29)
    memory_node.projections.catch_up()
    # Her key is destroyed; the read models still hold her name until they are rebuilt.
    memory_node.personal_data.erase_subjects([rina], rebuild=False)
    assert [r.consultee for r in consultations_between(memory_node.projections, OFFICE, day, day)] == ["Rina Marlina"]
    content = memory_node.reports.content(ReportKind.DAILY_RECAP.value, day, day)
    # The report freezes "[dihapus]", and no new key is made for her to seal the name under.
    assert [line.consultee for line in content.lines] == [PLACEHOLDER]
    assert b"Rina" not in msgspec.json.encode(content)
    assert [s.erased for s in memory_node.personal_data.subjects([rina])] == [True]
