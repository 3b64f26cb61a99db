"""What a daily recap or a periodic report holds when it is frozen: counts, one line per consultation, SOP figures.

The content is encoded once as canonical JSON (msgspec keeps field order), and that exact byte string is
what the report's hash covers; every later rendering (PDF, XLSX) is made from those bytes. It holds the substance
only: who submitted a version and when is the version's own record, so the same substance gives the same bytes
and a correction that changes nothing is refused.

A consultee's name is frozen sealed with their own key (gateways/reports/sealing.py), never in clear: the hash covers
the sealed bytes, so it holds after an erasure too, when the name reads "[dihapus]". Versions frozen before sealing
began hold plain names and still decode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from uuid import UUID

import msgspec

from domain.frozen_report import ReportKind, frozen_report_id
from domain.offices import OfficeId
from domain.personal_data import FieldKind, Sealed
from gateways.reports.dates import clock_time, local
from gateways.reports.sealing import Cell, CellSealer
from projections.clock_queries import StepFigure
from projections.report_queries import ConsultationRow


class ConsultationLine(msgspec.Struct, frozen=True):
    opened: str  # local date and time as written in the report
    consultee: str | Sealed  # sealed with the consultee's key (plain in versions frozen before sealing began)
    party: str
    channel: str
    problem: str
    answer_source: str
    status: str
    staff: str


class ReportContent(msgspec.Struct, frozen=True, omit_defaults=True):
    kind: str
    office_id: str
    office_name: str
    period_start: date
    period_end: date
    by_channel: dict[str, int]
    by_status: dict[str, int]
    handed_over: int
    escalated: int
    repeated: int
    lines: list[ConsultationLine]
    steps: list[StepFigure]
    # Versions frozen before the content held the substance only also say when and by whom the draft was made;
    # they still decode (and their hashes still hold). New content leaves both out.
    made_at: datetime | None = None
    made_by: str | None = None


def make_content(
    kind: str, office: OfficeId, office_name: str, first: date, last: date, rows: list[ConsultationRow],
    steps: list[StepFigure], sealer: CellSealer,
) -> ReportContent:
    report, seal = report_id(kind, office.value, first, last), sealer.sealer(r.id for r in rows)
    return ReportContent(
        kind=kind, office_id=office.value, office_name=office_name, period_start=first, period_end=last,
        by_channel=dict(sorted(Counter(r.channel for r in rows).items())),
        by_status=dict(sorted(Counter(r.status for r in rows).items())),
        handed_over=sum(1 for r in rows if r.handed_over_by),
        escalated=sum(1 for r in rows if r.escalated_to),
        repeated=sum(1 for r in rows if r.repeats),
        lines=[
            ConsultationLine(
                opened=f"{local(r.opened_at, office):%d-%m} {clock_time(r.opened_at, office)}",
                consultee=seal(report, _consultee_path(i), r.id, FieldKind.NAME, r.consultee),
                party=r.party, channel=r.channel, problem=r.restatement or r.problem or "",
                answer_source=r.answer_source or "", status=r.status, staff=r.opened_by,
            )
            for i, r in enumerate(rows)
        ],
        steps=steps,
    )


def report_id(kind: str, office_id: str, first: date, last: date) -> UUID:
    """The frozen report this content is (or will be) a version of: what its sealed cells are bound to."""
    return frozen_report_id(office_id, ReportKind(kind), first, last)


def opened_lines(content: ReportContent, open_cell: Callable[[UUID, str, Cell], str]) -> list[ConsultationLine]:
    """The content's lines with each consultee's name opened: the name while their key exists, "[dihapus]" after."""
    report = report_id(content.kind, content.office_id, content.period_start, content.period_end)
    return [msgspec.structs.replace(line, consultee=open_cell(report, _consultee_path(i), line.consultee))
            for i, line in enumerate(content.lines)]


def _consultee_path(index: int) -> str:
    return f"lines.{index}.consultee"


def encode(content: ReportContent) -> bytes:
    return msgspec.json.encode(content)


def decode(data: bytes) -> ReportContent:
    return msgspec.json.decode(data, type=ReportContent)
