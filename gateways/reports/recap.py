"""The daily recap (and the periodic report) as a recap: what a reader needs first — the counts by channel, the SOP
steps that met their standard or went over it, the escalations, and the matters still open (those waiting on the
commissioner or an office above first) — then the list of every consultation. All of it read from the frozen
content, so each version prints as it was submitted."""

from __future__ import annotations

from collections.abc import Callable

from domain.recap import still_open, waiting_above
from gateways.messages import label
from gateways.reports import labels
from gateways.reports.content import ConsultationLine, ReportContent
from services.documents import Column, Section

STEP_COLUMNS = (
    Column("step", "Langkah", 3), Column("standard", "Standar (menit)", 1.1, True),
    Column("measured", "Diukur", 0.9, True), Column("met", "Memenuhi", 1, True),
    Column("over", "Melewati standar", 1.1, True), Column("share", "Kepatuhan (%)", 1.1, True),
)
COUNT_COLUMNS = (Column("item", "Uraian", 4), Column("count", "Jumlah", 1, True))
CHANNEL_COLUMNS = (Column("channel", "Saluran", 4), Column("count", "Jumlah", 1, True))
OPEN_COLUMNS = (
    Column("no", "No", 0.5, True), Column("time", "Waktu", 1.5), Column("name", "Nama", 1.7),
    Column("channel", "Saluran", 1.2), Column("problem", "Permasalahan", 3.2), Column("status", "Status", 1.5),
    Column("staff", "Petugas", 1.6),
)


def recap_sections(content: ReportContent, lines: list[ConsultationLine], full_name: Callable[[str], str]
                   ) -> tuple[Section, ...]:
    """The four sections before the list; `lines` are the content's lines with the consultees' names opened."""
    return (
        Section(label("recap", "channels"), CHANNEL_COLUMNS, _channel_rows(content)),
        Section(label("recap", "steps"), STEP_COLUMNS, tuple(
            (s.label, s.standard_minutes, s.measured, s.met, s.breached,
             round(100 * s.met / s.measured, 1) if s.measured else "-")
            for s in content.steps)),
        Section(label("recap", "escalations"), COUNT_COLUMNS, (
            ("Diserahkan ke Anggota KPU", content.handed_over),
            ("Diteruskan ke helpdesk di atas", content.escalated),
            (label("recap", "waiting_above"), sum(1 for line in lines if waiting_above(line.status))),
            ("Jawaban diulang (belum dipahami)", content.repeated),
        )),
        Section(label("recap", "open"), OPEN_COLUMNS, _open_rows(lines, full_name)),
    )


def _channel_rows(content: ReportContent) -> tuple[tuple[str, int], ...]:
    codes = [*labels.CHANNEL_CODES, *(code for code in content.by_channel if code not in labels.CHANNEL_CODES)]
    rows = tuple((labels.channel(code), content.by_channel.get(code, 0)) for code in codes)
    return (*rows, ("Jumlah", len(content.lines)))


def _open_rows(lines: list[ConsultationLine], full_name: Callable[[str], str]) -> tuple[tuple, ...]:
    # Those waiting on someone above first, each group in the order the consultations were opened.
    waiting = [line for line in lines if still_open(line.status)]
    waiting.sort(key=lambda line: not waiting_above(line.status))
    return tuple(
        (i, line.opened, str(line.consultee), labels.channel(line.channel), line.problem or "-",
         labels.status(line.status), full_name(line.staff))
        for i, line in enumerate(waiting, 1)
    )
