"""The SOP's reports under their own names, built from the read models into renderer-neutral documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from domain.offices import OfficeId
from gateways.reports import labels
from gateways.reports.content import ReportContent, StepFigure, decode, make_content, opened_lines
from gateways.reports.dates import clock_time, day_period, plain_date, range_period, stamp, today
from gateways.reports.images import THUMBNAIL_BOX, picture_cell
from gateways.reports.sealing import CellSealer
from projections.documentation_queries import DocumentationRow, documentation_of_day
from projections.frontdesk_queries import GuestView
from projections.report_queries import ConsultationRow, consultations_between
from projections.runner import ReadModelRunner
from services.documents import Cell, Column, ReportDocument, Signature

TITLES = {
    "daftar_hadir": "DAFTAR HADIR HELPDESK KONSULTASI",
    "daftar_permasalahan": "DAFTAR PERMASALAHAN KONSULTASI",
    "jawaban_solusi": "JAWABAN/SOLUSI PERMASALAHAN",
    "laporan_harian": "LAPORAN HARIAN HELPDESK",
    "rekapitulasi_harian": "REKAPITULASI HARIAN PELAYANAN HELPDESK",
    "laporan_berkala": "LAPORAN BERKALA HELPDESK",
    "kepatuhan_sop": "LAPORAN KEPATUHAN MUTU BAKU WAKTU SOP",
    "dokumentasi_foto": "DOKUMENTASI FOTO HELPDESK KONSULTASI",
}
# The kinds of documentation a picture is printed for; a recording or a PDF is listed by name.
_PICTURES = ("photo", "screenshot")


@dataclass(frozen=True)
class ReportBuilder:
    office: OfficeId
    office_name: str
    letterhead: tuple[str, ...]
    place: str
    runner: ReadModelRunner
    clock: Callable[[], datetime]
    full_name: Callable[[str], str]  # username → the name printed under a signature
    step_figures: Callable[[date, date], list[StepFigure]]
    guest_book: Callable[[date, date], list[GuestView]]  # the front desk's guest book over the office's days
    read_file: Callable[[str], bytes]  # a stored file by its key (the drawn signatures)
    sealer: CellSealer  # seals a consultee's name into frozen content with their key, and opens it

    def attendance(self, day: date) -> ReportDocument:
        """The Daftar Hadir: the walk-ins who signed the guest book that day, with the decree's columns (SOP flow
        chart step 1, C.d.2): date and time, name, phone, e-mail, party and the drawn signature."""
        guests = self.guest_book(day, day)
        return self._document("daftar_hadir", day, day, (
            Column("no", "No", 0.4, True), Column("time", "Tanggal/Waktu", 1.3), Column("name", "Nama", 1.8),
            Column("phone", "Nomor HP", 1.4), Column("email", "Alamat Email", 1.8),
            Column("party", "Partai Politik", 1.6), Column("signature", "Tanda Tangan", 1.6),
        ), [
            (i, stamp(g.recorded_at, self.office), *_identity_cells(g), g.party.name, self._signature(g))
            for i, g in enumerate(guests, 1)
        ], (("Jumlah pengunjung/konsultasi", str(len(guests))),), ("Koordinator Harian Helpdesk", ""))

    def problems(self, day: date) -> ReportDocument:
        rows = self._rows(day, day)
        return self._document("daftar_permasalahan", day, day, (
            Column("no", "No", 0.4, True), Column("time", "Waktu", 1), Column("name", "Nama", 1.5),
            Column("party", "Partai", 1), Column("channel", "Saluran", 1.1), Column("problem", "Permasalahan", 4),
            Column("status", "Status", 1.3),
        ), [
            (i, clock_time(r.opened_at, self.office), r.consultee, r.party, labels.channel(r.channel),
             r.restatement or r.problem or "-", labels.status(r.status))
            for i, r in enumerate(rows, 1)
        ], (("Jumlah permasalahan", str(len(rows))),), ("Koordinator Harian Helpdesk", ""))

    def answers(self, day: date) -> ReportDocument:
        rows = [r for r in self._rows(day, day) if r.answer]
        return self._document("jawaban_solusi", day, day, (
            Column("no", "No", 0.4, True), Column("problem", "Permasalahan", 3), Column("answer", "Jawaban/Solusi", 4),
            Column("basis", "Dasar", 2.2), Column("by", "Dijawab oleh", 1.4), Column("source", "Sumber", 1.4),
        ), [
            (i, r.restatement or r.problem or "-", r.answer, labels.bases(r.bases), r.answered_by or "-",
             labels.answer_source(r.answer_source))
            for i, r in enumerate(rows, 1)
        ], (("Jumlah jawaban", str(len(rows))),), ("Koordinator Harian Helpdesk", ""))

    def staff_daily(self, day: date, username: str) -> ReportDocument:
        """Laporan harian of one staff member: what they took in and how it stands at the end of the day."""
        rows = [r for r in self._rows(day, day) if username in (r.opened_by, r.logged_by, r.answered_by)]
        return self._document("laporan_harian", day, day, (
            Column("no", "No", 0.4, True), Column("time", "Waktu", 1), Column("name", "Nama", 1.5),
            Column("party", "Partai", 1), Column("problem", "Permasalahan", 3), Column("answer", "Jawaban", 3),
            Column("status", "Status", 1.2),
        ), [
            (i, clock_time(r.opened_at, self.office), r.consultee, r.party, r.restatement or r.problem or "-",
             r.answer or "-", labels.status(r.status))
            for i, r in enumerate(rows, 1)
        ], (("Petugas", f"{self.full_name(username)} ({username})"), ("Jumlah konsultasi", str(len(rows)))),
            ("Anggota Helpdesk", self.full_name(username)), ("Mengetahui, Koordinator Harian Helpdesk", ""))

    def photo_documentation(self, day: date) -> ReportDocument:
        """The Dokumentasi Foto (the SOP flow chart's last step): every file attached to a consultation that day,
        the pictures as thumbnails, each with the start of its SHA-256, which names the kept original."""
        files = documentation_of_day(self.runner, self.office.value, day)
        return self._document("dokumentasi_foto", day, day, (
            Column("no", "No", 0.4, True), Column("time", "Waktu", 0.9), Column("case", "Konsultasi", 1.2),
            Column("channel", "Saluran", 1.1), Column("kind", "Jenis", 1.2), Column("picture", "Dokumentasi", 3.2),
            Column("hash", "SHA-256", 1.3),
        ), [
            (i, clock_time(f.attached_at, self.office), str(f.consultation_id)[:8].upper(),
             labels.channel(f.channel), labels.documentation(f.kind), self._picture(f), f.sha256[:16])
            for i, f in enumerate(files, 1)
        ], (("Jumlah berkas", str(len(files))),
            ("Konsultasi terdokumentasi", str(len({f.consultation_id for f in files})))),
            ("Koordinator Harian Helpdesk", ""))

    def _picture(self, item: DocumentationRow) -> Cell:
        text = f"{labels.documentation(item.kind)} {str(item.consultation_id)[:8].upper()}"
        if item.kind not in _PICTURES:
            return f"{text} ({item.storage_key.rsplit('.', 1)[-1].upper()})"
        return picture_cell(item.storage_key, text, self.read_file, THUMBNAIL_BOX,
                            href=f"/konsultasi/{item.consultation_id}/dokumentasi/{item.storage_key}")

    def compliance(self, first: date, last: date) -> ReportDocument:
        figures = self.step_figures(first, last)
        return self._document("kepatuhan_sop", first, last, _STEP_COLUMNS, _step_rows(figures), (),
                              ("Koordinator Helpdesk", ""))

    def content(self, kind: str, first: date, last: date) -> ReportContent:
        """What a recap (one day) or a periodic report (a range) freezes when it is submitted: the substance only,
        so a correction made of the same substance is the same bytes (and refused). Each consultee's name in it is
        sealed with their own key, so an erasure reaches every frozen version."""
        return make_content(kind, self.office, self.office_name, first, last, self._rows(first, last),
                            self.step_figures(first, last), self.sealer)

    def frozen(self, data: bytes, footer_note: str, signer: str) -> ReportDocument:
        """A submitted version, rendered from the bytes its hash covers; `signer` is the username of who submitted
        it (or, for a draft, who is looking at it)."""
        c = decode(data)
        daily = c.kind == "rekapitulasi_harian"
        summary = [
            ("Jumlah konsultasi", str(len(c.lines))),
            *((f"Saluran {labels.channel(k)}", str(v)) for k, v in c.by_channel.items()),
            ("Diserahkan ke Anggota KPU", str(c.handed_over)),
            ("Diteruskan ke helpdesk di atas", str(c.escalated)),
            ("Jawaban diulang (belum dipahami)", str(c.repeated)),
            *((f"Langkah {s.label}: memenuhi standar", f"{s.met} dari {s.measured}") for s in c.steps if s.measured),
        ]
        role, to = ("Sekretaris Helpdesk", "Ketua Helpdesk") if daily else ("Ketua Helpdesk", "Anggota KPU")
        rows = [(i, ln.opened, ln.consultee, ln.party, labels.channel(ln.channel), ln.problem,
                 labels.answer_source(ln.answer_source), labels.status(ln.status), ln.staff)
                for i, ln in enumerate(opened_lines(c, self.sealer.opener()), 1)]
        return self._document(c.kind, c.period_start, c.period_end, _RECAP_COLUMNS, rows, tuple(summary),
                              (role, self.full_name(signer)), (f"Kepada {to}", ""),
                              footer_note=footer_note)

    def _signature(self, guest: GuestView) -> Cell:
        signed_by = guest.signed_as.name if guest.signed_as else guest.name
        return picture_cell(guest.signature_key, f"Tanda tangan {signed_by}", self.read_file)

    def _rows(self, first: date, last: date) -> list[ConsultationRow]:
        return consultations_between(self.runner, self.office.value, first, last)

    def _document(self, kind: str, first: date, last: date, columns: tuple[Column, ...], rows: list, summary,
                  *signers: tuple[str, str], footer_note: str = "") -> ReportDocument:
        now = self.clock()
        place_date = f"{self.place}, {plain_date(today(now, self.office))}"
        return ReportDocument(
            kind=kind, title=TITLES[kind], office_name=self.office_name, letterhead=self.letterhead,
            period=day_period(first, self.office) if first == last else range_period(first, last, self.office),
            generated_at=stamp(now, self.office), columns=columns, rows=tuple(tuple(r) for r in rows),
            summary=tuple(summary), signatures=tuple(Signature(role, name, place_date) for role, name in signers),
            footer_note=footer_note,
        )


def _identity_cells(guest: GuestView) -> tuple[str, str, str]:
    """Name, phone and e-mail as the consultation now names the guest; a value corrected after signing also shows
    what was written when they signed, which is what the signature beside it vouches for."""
    signed = guest.signed_as
    cells = []
    for now, then in ((guest.name, signed and signed.name),
                      (labels.phone(guest.phone), signed and labels.phone(signed.phone)),
                      (guest.email, signed and signed.email)):
        text = now or "-"
        if signed is not None and then != now:
            text += f"\n(saat tanda tangan: {then or '-'})"
        cells.append(text)
    return cells[0], cells[1], cells[2]


_RECAP_COLUMNS = (
    Column("no", "No", 0.4, True), Column("time", "Waktu", 1.2), Column("name", "Nama", 1.5),
    Column("party", "Partai", 1), Column("channel", "Saluran", 1.1), Column("problem", "Permasalahan", 3),
    Column("source", "Dijawab oleh", 1.4), Column("status", "Status", 1.2), Column("staff", "Petugas", 1),
)

_STEP_COLUMNS = (
    Column("step", "Langkah", 2.5), Column("standard", "Standar (menit)", 1, True),
    Column("measured", "Diukur", 0.8, True), Column("met", "Memenuhi", 0.9, True),
    Column("warned", "Lewat 75 %", 0.9, True), Column("breached", "Melanggar", 0.9, True),
    Column("share", "Kepatuhan (%)", 1, True), Column("average", "Rata-rata (menit)", 1, True),
)


def _step_rows(figures: list[StepFigure]) -> list[tuple]:
    return [
        (f.label, f.standard_minutes, f.measured, f.met, f.warned, f.breached,
         round(100 * f.met / f.measured, 1) if f.measured else 0.0, round(f.average_seconds / 60, 1))
        for f in figures
    ]
