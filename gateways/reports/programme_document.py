"""The Ketua's programme of activities as a report document (and so as a signed PDF): its items in order of their
planned date, signed by the Ketua who keeps it, the version and the SHA-256 of what is printed in each page's footer."""

from __future__ import annotations

import hashlib
from datetime import date

import msgspec

from gateways.messages import label
from gateways.reports.builders import ReportBuilder
from gateways.reports.dates import plain_date, stamp, today
from services.documents import Column, DocumentKey, ReportDocument
from services.programme import ProgrammeView

TITLE = "PROGRAM KEGIATAN HELPDESK"
COLUMNS = (
    Column("no", "No", 0.5, True), Column("activity", "Kegiatan", 3.4), Column("planned_on", "Rencana tanggal", 1.4),
    Column("responsible", "Penanggung jawab", 1.8), Column("state", "Status", 1.5), Column("note", "Catatan", 2.1),
)


def programme_hash(view: ProgrammeView) -> str:
    """The SHA-256 of the programme's items as printed (canonical JSON): the same items, the same hash."""
    return hashlib.sha256(msgspec.json.encode(view.items)).hexdigest()


def programme_document(builder: ReportBuilder, view: ProgrammeView) -> ReportDocument:
    items = sorted(view.items, key=lambda i: i.planned_on)
    counts = {state: sum(1 for i in items if i.state.value == state)
              for state in ("planned", "in_progress", "done", "cancelled")}
    now = builder.clock()
    return ReportDocument(
        kind="program_kegiatan", title=TITLE, office_name=builder.office_name, letterhead=builder.letterhead,
        period=f"Tahun {view.year}", generated_at=stamp(now, builder.office), columns=COLUMNS,
        rows=tuple(
            (n, i.activity, plain_date(i.planned_on), builder.full_name(i.responsible),
             label("programme_state", i.state.value), i.note or "-")
            for n, i in enumerate(items, 1)
        ),
        summary=(("Jumlah kegiatan", str(len(items))),
                 *((label("programme_state", state), str(n)) for state, n in counts.items())),
        signatures=builder.signing.signatures(
            "program_kegiatan", f"{builder.place}, {plain_date(today(now, builder.office))}", view.kept_by or None),
        footer_note=f"Versi {view.version} · SHA-256 {programme_hash(view)}",
        address=builder.address, logo=builder.logo, created_at=now,
        key=DocumentKey("program_kegiatan", date(view.year, 1, 1), date(view.year, 12, 31), f"v{view.version}"),
    )
