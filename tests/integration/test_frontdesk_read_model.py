"""The front desk's read model on every backend: a morning at the desk read back as the board and the guest book,
the Daftar Hadir printed from it with its signatures, and the same rows after `helpdesk projections rebuild`."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf
from PIL import Image, ImageDraw

from gateways.bootstrap import Node
from gateways.exports.pdf import render_pdf
from gateways.reports.dates import today
from projections.runner import ReadModelRunner
from services.consultations import IdentityInput
from services.documents import ImageCell
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DESK = "petugas-meja"


def signature(seed: int) -> bytes:
    picture = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(picture).line([(40, 150), (200, 40 + seed * 10), (380, 160), (560, 50)], fill="black", width=6)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def frontdesk_rows(runner: ReadModelRunner) -> dict[str, list[tuple[Any, ...]]]:
    projection = runner.projections["frontdesk"]
    return {table: sorted(runner.store.query(f"SELECT * FROM {table}")) for table in projection.tables}


def test_a_morning_at_the_desk_is_read_back_printed_and_rebuilt(node: Node, clock: FakeClock) -> None:
    helpdesk = node.helpdesk
    # Six numbers; the first person leaves before being called, the fourth after; two sign the guest book.
    for _ in range(6):
        helpdesk.take_ticket(OFFICE)
        clock.advance(minutes=2)
    helpdesk.skip_ticket(OFFICE, 1, DESK)
    signed = []
    for number, name in ((2, "Ani Lestari"), (3, "Bambang Wijaya")):
        assert helpdesk.call_next_ticket(OFFICE, DESK) == number
        clock.advance(minutes=1)
        who = IdentityInput(name=name, party_number=number, phone=f"0812 0000 00{number:02d}",
                            email=f"tamu{number}@partai.example" if number == 3 else None)
        signed.append(helpdesk.record_guest(OFFICE, number, who, signature(number), DESK, node.files.put))
    assert helpdesk.call_next_ticket(OFFICE, DESK) == 4
    helpdesk.skip_ticket(OFFICE, 4, DESK)
    assert helpdesk.call_next_ticket(OFFICE, DESK) == 5

    # The board and the desk.
    day = today(clock(), node.office)
    queue = node.frontdesk.queue(OFFICE, day)
    assert [t.number for t in queue.waiting] == [6] and [t.number for t in queue.called] == [5]
    assert [t.number for t in queue.served] == [2, 3] and [t.number for t in queue.skipped] == [1, 4]
    assert queue.now_serving == 5 and queue.tickets_taken == 6
    assert node.frontdesk.queue("kab-16.01", day).tickets_taken == 0

    # The guest book, and the Daftar Hadir printed from it.
    book = node.frontdesk.guest_book(OFFICE, day, day)
    assert [(g.number, g.name, g.email) for g in book] == [
        (2, "Ani Lestari", None), (3, "Bambang Wijaya", "tamu3@partai.example")]
    assert [g.consultation_id for g in book] == signed
    document = node.reports.attendance(day)
    pictures = [row[-1] for row in document.rows]
    assert all(isinstance(p, ImageCell) and p.data for p in pictures)
    assert [p.key for p in pictures] == [g.signature_key for g in book]
    [page] = pypdf.PdfReader(io.BytesIO(render_pdf(document))).pages
    assert len(page.images) == 1 + 2 and "Bambang Wijaya" in page.extract_text()  # the logo and two signatures
    assert node.reports.attendance(date(2024, 7, 28)).rows == ()

    # `helpdesk projections rebuild`: the same rows from the log alone.
    before = frontdesk_rows(node.projections)
    assert sum(len(rows) for rows in before.values()) == 1 + 6 + 2  # the day, its tickets, its guests
    node.projections.rebuild("frontdesk")
    assert frontdesk_rows(node.projections) == before
