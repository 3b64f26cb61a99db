"""The Dokumentasi Foto on every backend: a day's documentation files listed per consultation, pictures printed as
thumbnails and recordings by name, another day and another office left out, and the same rows after a rebuild."""

from __future__ import annotations

import io
from datetime import date

import pypdf
from PIL import Image, ImageDraw

from domain.values import Channel
from gateways.bootstrap import Node
from gateways.exports.pdf import render_pdf
from gateways.reports.dates import today
from services.consultations import IdentityInput
from services.documents import ImageCell
from tests.conftest import FakeClock

OFFICE = "kab-16.13"
DESK = "petugas-meja"
# An MP3 (an ID3 tag, then a frame header): a recording is listed by name, never drawn.
RECORDING = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(400)


def photo(seed: int) -> bytes:
    picture = Image.new("RGB", (1200, 900), (200, 220, 240))
    ImageDraw.Draw(picture).rectangle([(100 + seed * 50, 100), (700, 600)], fill=(40, 90, 160))
    out = io.BytesIO()
    picture.save(out, format="JPEG")
    return out.getvalue()


def test_the_days_documentation_is_listed_with_thumbnails_printed_and_rebuilt(node: Node, clock: FakeClock) -> None:
    helpdesk = node.helpdesk
    who = IdentityInput(name="Ani Lestari", party_number=2, phone="0812 0000 0002")
    # Two consultations of the day: one with two photos, one with a recording; one of yesterday with a photo.
    yesterday_case = helpdesk.open_consultation(OFFICE, Channel.WALK_IN, who, DESK)
    key, digest = node.files.put(photo(9), "image/jpeg")
    helpdesk.attach_documentation(OFFICE, yesterday_case, "photo", key, digest, DESK)
    clock.advance(minutes=24 * 60)
    day = today(clock(), node.office)
    walk_in = helpdesk.open_consultation(OFFICE, Channel.WALK_IN, who, DESK)
    stored = [node.files.put(photo(seed), "image/jpeg") for seed in (1, 2)]
    for key, digest in stored:
        clock.advance(minutes=3)
        helpdesk.attach_documentation(OFFICE, walk_in, "photo", key, digest, DESK)
    meeting = helpdesk.open_consultation(OFFICE, Channel.ONLINE_MEETING, who, DESK)
    sound_key, sound_digest = node.files.put(RECORDING, "audio/mpeg")
    clock.advance(minutes=3)
    helpdesk.attach_documentation(OFFICE, meeting, "recording", sound_key, sound_digest, DESK)

    # The report lists the day's three files in the order they were attached, none of yesterday's.
    document = node.reports.photo_documentation(day)
    assert [row[2] for row in document.rows] == [str(walk_in)[:8].upper()] * 2 + [str(meeting)[:8].upper()]
    assert [row[-1] for row in document.rows] == [stored[0][1][:16], stored[1][1][:16], sound_digest[:16]]
    pictures = [row[5] for row in document.rows]
    assert all(isinstance(p, ImageCell) and p.data and p.tall and p.width <= 360 and p.height <= 270
               for p in pictures[:2])
    assert [p.href for p in pictures[:2]] == [f"/konsultasi/{walk_in}/dokumentasi/{key}" for key, _ in stored]
    assert isinstance(pictures[2], str) and "MP3" in pictures[2]
    assert dict(document.summary) == {"Jumlah berkas": "3", "Konsultasi terdokumentasi": "2"}

    # Printed: the two pictures are in the PDF, the recording is named.
    pages = pypdf.PdfReader(io.BytesIO(render_pdf(document))).pages
    assert sum(len(page.images) for page in pages) == 1 + 2  # the letterhead's logo and the two pictures
    assert "DOKUMENTASI FOTO" in pages[0].extract_text()

    # Yesterday has its own photo; a day with nothing prints an empty table.
    assert len(node.reports.photo_documentation(date.fromordinal(day.toordinal() - 1)).rows) == 1
    assert node.reports.photo_documentation(date(2024, 7, 28)).rows == ()

    # `helpdesk projections rebuild`: the same rows from the log alone.
    before = node.projections.store.query("SELECT * FROM rm_documentation ORDER BY consultation_id, position")
    node.projections.rebuild("documentation")
    assert node.projections.store.query("SELECT * FROM rm_documentation ORDER BY consultation_id, position") == before
