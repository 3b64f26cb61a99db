"""A consultee's name in a frozen report, on SQLite and PostgreSQL: the frozen bytes hold it sealed with the
consultee's own key, the rendered report shows it while the key lives and "[dihapus]" once the person is erased,
and the version's hash still holds (issue 12: frozen reports must not keep what erasure cannot reach)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import openpyxl
import pypdf

from domain.frozen_report import ReportKind, frozen_report_id
from domain.personal_data import PLACEHOLDER
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.exports.csv import render_csv
from gateways.exports.pdf import render_pdf
from gateways.exports.xlsx import render_xlsx
from services.consultations import IdentityInput
from services.frozen_reports import ReportVersionView
from tests.support.consultations import guest_book_signed

OFFICE = "kab-16.13"
DAY = date(2024, 7, 29)
SITI = IdentityInput(name="Siti Nurhaliza", party_number=1, phone="0812-7777-1234", email="siti.nur@contoh.id")
JOKO = IdentityInput(name="Joko Widodo", party_number=2, email="joko@contoh.id")
# Every piece of her that must not be readable in the frozen report's event: name parts, number (as typed and as
# digits; a fragment as short as "7777" turns up by chance in the ciphertexts' base64 and the hashes), address.
HER = (b"Siti", b"Nurhaliza", b"0812-7777-1234", b"81277771234", b"siti.nur", b"contoh.id")
SECRETARY = "sekretaris.sri"


def words(text: str) -> str:
    """The text with its line breaks and runs of spaces made single spaces (a name may wrap in a narrow column)."""
    return " ".join(text.split())


def rendered(node: Node, version: ReportVersionView) -> dict[str, str]:
    """The frozen version as the office hands it out: the text of its PDF, its workbook's cells and its CSV."""
    document = node.reports.frozen(version.content, f"SHA-256 {version.content_hash}", version.submitter)
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(document)))
    cells: list[str] = []
    for row in openpyxl.load_workbook(io.BytesIO(render_xlsx(document))).active.iter_rows(values_only=True):
        cells += [str(cell) for cell in row if cell is not None]
    return {
        "pdf": words("\n".join(page.extract_text() for page in pdf.pages)),
        "xlsx": words(" | ".join(cells)),
        "csv": words(render_csv(document).decode("utf-8-sig")),
    }


def report_events(node: Node) -> bytes:
    """The stored bytes of every event of the day's recap, read from the recorder as they lie in the store, each
    followed by its frozen content unwrapped from the base64 JSON carries bytes in (so a name inside it shows)."""
    report = frozen_report_id(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY)
    found = []
    for event in node.helpdesk.recorder.select_events(report):
        state = bytes(event.state)
        found += [state, base64.b64decode(json.loads(state)["content"])]
    return b"\n".join(found)


def submit_recap(node: Node) -> ReportVersionView:
    content = node.reports.content(ReportKind.DAILY_RECAP.value, DAY, DAY)
    return node.helpdesk.submit_report(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, msgspec.json.encode(content),
                                       SECRETARY, Role.SEKRETARIS_HELPDESK)


def recap_version(node: Node, number: int) -> ReportVersionView:
    return node.helpdesk.report_version(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, number)


def test_an_erased_consultee_reads_as_dihapus_in_the_frozen_recap_whose_hash_still_holds(
    backend_settings: Settings, open_node: Callable[[Settings], Node], clock: Any
) -> None:
    clock.now = datetime(2024, 7, 29, 9, 0, tzinfo=UTC)  # 16.00 WIB, the end of service hours
    node = open_node(backend_settings)
    h = node.helpdesk
    # Siti comes in person and signs the guest book; Joko writes in by e-mail.
    siti = guest_book_signed(node, OFFICE, SITI, "desk.ani")
    clock.advance(minutes=10)
    h.open_consultation(OFFICE, Channel.EMAIL, JOKO, "desk.budi")
    node.projections.catch_up()

    # The Sekretaris submits the day's recap: it is frozen.
    clock.advance(minutes=30)
    v1 = submit_recap(node)

    # The report's stored events hold none of her, nor of him, in clear: their names are sealed cells.
    stored = report_events(node)
    assert stored and not [part for part in HER if part in stored]
    assert b"Joko" not in stored and b"Widodo" not in stored and b'"psn":"psn:' in stored
    assert not [part for part in HER if part in v1.content]
    # While their keys live, the office's copies of the report name them both.
    for text in rendered(node, v1).values():
        assert "Siti Nurhaliza" in text and "Joko Widodo" in text and PLACEHOLDER not in text

    # She asks to be erased.
    erasure = node.personal_data.erase_subjects([str(siti)])
    assert erasure.erased == (str(siti),)

    # The frozen recap, read back from the store by a node opened afresh, shows "[dihapus]" for her and still
    # names him; its bytes are those frozen, so the hash recorded when it was submitted still holds.
    node.close()
    again = open_node(backend_settings)
    after = recap_version(again, 1)
    assert after.content == v1.content and after.content_hash == v1.content_hash
    assert hashlib.sha256(after.content).hexdigest() == after.content_hash
    for text in rendered(again, after).values():
        assert PLACEHOLDER in text and "Joko Widodo" in text
        assert "Siti" not in text and "Nurhaliza" not in text

    # A correction made after the erasure freezes her as "[dihapus]" too, and him sealed again.
    clock.advance(minutes=30)
    again.helpdesk.open_consultation(OFFICE, Channel.EMAIL, IdentityInput(
        name="Dewi Lestari", party_number=3, email="dewi@contoh.id"), "desk.budi")
    again.projections.catch_up()
    content = again.reports.content(ReportKind.DAILY_RECAP.value, DAY, DAY)
    v2 = again.helpdesk.correct_report(OFFICE, ReportKind.DAILY_RECAP, DAY, DAY, msgspec.json.encode(content),
                                       "Konsultasi sore belum masuk.", SECRETARY, Role.SEKRETARIS_HELPDESK)
    stored = report_events(again)
    assert not [part for part in HER if part in stored] and b"Joko" not in stored and b"Dewi" not in stored
    for text in rendered(again, v2).values():
        assert PLACEHOLDER in text and "Joko Widodo" in text and "Dewi Lestari" in text
