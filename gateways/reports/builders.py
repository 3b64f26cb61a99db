"""The SOP's reports under their own names, built from the read models into renderer-neutral documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import msgspec

from domain.offices import OfficeId
from gateways.reports import columns, labels
from gateways.reports.content import ReportContent, StepFigure, decode, make_content, opened_lines
from gateways.reports.dates import clock_time, day_period, plain_date, range_period, stamp, today
from gateways.reports.images import THUMBNAIL_BOX, picture_cell
from gateways.reports.numbering import Issued
from gateways.reports.recap import recap_sections
from gateways.reports.sealing import CellSealer
from gateways.reports.signers import SignatureBlock
from projections.documentation_queries import DocumentationRow, documentation_of_day
from projections.frontdesk_queries import GuestView
from projections.report_queries import ConsultationRow, consultations_between
from projections.runner import ReadModelRunner
from services.documents import Cell, Column, DocumentKey, ReportDocument, Section

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


class Numbers(Protocol):
    def issue(self, key: DocumentKey, today: date) -> Issued: ...


@dataclass(frozen=True)
class ReportBuilder:
    office: OfficeId
    office_name: str
    letterhead: tuple[str, ...]
    place: str
    runner: ReadModelRunner
    clock: Callable[[], datetime]
    step_figures: Callable[[date, date], list[StepFigure]]
    guest_book: Callable[[date, date], list[GuestView]]  # the front desk's guest book over the office's days
    read_file: Callable[[str], bytes]  # a stored file by its key (the drawn signatures)
    sealer: CellSealer  # seals a consultee's name into frozen content with their key, and opens it
    signing: SignatureBlock  # who signs, by name and NIP, from the staff accounts' read model
    numbers: Numbers  # the document numbers, given when a document is printed
    address: str = ""  # the office's address in the letterhead
    logo: str = ""  # the letterhead's logo image file
    csv_separator: str = ","  # "," or ";" (Indonesian Excel's list separator)

    def full_name(self, username: str) -> str:
        """The name printed for a staff member (a signature, a column): the read model's, never the username."""
        return self.signing.full_name(username)

    def attendance(self, day: date) -> ReportDocument:
        """The Daftar Hadir: the walk-ins who signed the guest book that day, with the decree's columns (SOP flow
        chart step 1, C.d.2): date and time, name, phone, e-mail, party and the drawn signature."""
        guests = self.guest_book(day, day)
        return self._document("daftar_hadir", day, day, columns.ATTENDANCE, [
            (i, stamp(g.recorded_at, self.office), *columns.identity_cells(g), g.party.name, self._signature(g))
            for i, g in enumerate(guests, 1)
        ], (("Jumlah pengunjung/konsultasi", str(len(guests))),))

    def problems(self, day: date) -> ReportDocument:
        rows = self._rows(day, day)
        return self._document("daftar_permasalahan", day, day, columns.PROBLEMS, [
            (i, clock_time(r.opened_at, self.office), r.consultee, r.party, labels.channel(r.channel),
             r.restatement or r.problem or "-", labels.status(r.status))
            for i, r in enumerate(rows, 1)
        ], (("Jumlah permasalahan", str(len(rows))),))

    def answers(self, day: date) -> ReportDocument:
        rows, name = [r for r in self._rows(day, day) if r.answer], self.signing.namer()
        return self._document("jawaban_solusi", day, day, columns.ANSWERS, [
            (i, r.restatement or r.problem or "-", r.answer, labels.bases(r.bases),
             name(r.answered_by) if r.answered_by else "-", labels.answer_source(r.answer_source))
            for i, r in enumerate(rows, 1)
        ], (("Jumlah jawaban", str(len(rows))),))

    def staff_daily(self, day: date, username: str) -> ReportDocument:
        """Laporan harian of one staff member: what they took in and how it stands at the end of the day."""
        rows = [r for r in self._rows(day, day) if username in (r.opened_by, r.logged_by, r.answered_by)]
        return self._document("laporan_harian", day, day, columns.STAFF_DAILY, [
            (i, clock_time(r.opened_at, self.office), r.consultee, r.party, r.restatement or r.problem or "-",
             r.answer or "-", labels.status(r.status))
            for i, r in enumerate(rows, 1)
        ], (("Petugas", self.full_name(username)), ("Jumlah konsultasi", str(len(rows)))),
            # Numbered as that staff member's report; asked for a name no account has, it is no document to number.
            maker=username, version=f"petugas:{username}" if self.signing.knows(username) else None)

    def photo_documentation(self, day: date) -> ReportDocument:
        """The Dokumentasi Foto (the SOP flow chart's last step): every file attached to a consultation that day,
        the pictures as thumbnails, each with the start of its SHA-256, which names the kept original."""
        files = documentation_of_day(self.runner, self.office.value, day)
        return self._document("dokumentasi_foto", day, day, columns.PHOTOS, [
            (i, clock_time(f.attached_at, self.office), str(f.consultation_id)[:8].upper(),
             labels.channel(f.channel), labels.documentation(f.kind), self._picture(f), f.sha256[:16])
            for i, f in enumerate(files, 1)
        ], (("Jumlah berkas", str(len(files))),
            ("Konsultasi terdokumentasi", str(len({f.consultation_id for f in files})))))

    def _picture(self, item: DocumentationRow) -> Cell:
        text = f"{labels.documentation(item.kind)} {str(item.consultation_id)[:8].upper()}"
        if item.kind not in _PICTURES:
            return f"{text} ({item.storage_key.rsplit('.', 1)[-1].upper()})"
        return picture_cell(item.storage_key, text, self.read_file, THUMBNAIL_BOX,
                            href=f"/konsultasi/{item.consultation_id}/dokumentasi/{item.storage_key}")

    def compliance(self, first: date, last: date) -> ReportDocument:
        figures = self.step_figures(first, last)
        return self._document("kepatuhan_sop", first, last, columns.STEPS, columns.step_rows(figures), ())

    def content(self, kind: str, first: date, last: date) -> ReportContent:
        """What a recap (one day) or a periodic report (a range) freezes when it is submitted: the substance only,
        so a correction made of the same substance is the same bytes (and refused). Each consultee's name in it is
        sealed with their own key, so an erasure reaches every frozen version."""
        return make_content(kind, self.office, self.office_name, first, last, self._rows(first, last),
                            self.step_figures(first, last), self.sealer)

    def frozen(self, data: bytes, footer_note: str, signer: str, version: int | None = None) -> ReportDocument:
        """A submitted version (numbered as `version`), rendered from the bytes its hash covers; `signer` is the
        username of who submitted it (or, for a draft, who is looking at it, and the draft is never numbered).
        The recap's figures come first (gateways/reports/recap.py), the list of consultations after."""
        c = decode(data)
        lines, name = opened_lines(c, self.sealer.opener()), self.signing.namer()
        rows = [(i, ln.opened, ln.consultee, ln.party, labels.channel(ln.channel), ln.problem,
                 labels.answer_source(ln.answer_source), labels.status(ln.status), name(ln.staff))
                for i, ln in enumerate(lines, 1)]
        return self._document(c.kind, c.period_start, c.period_end, columns.RECAP, rows,
                              (("Jumlah konsultasi", str(len(c.lines))),), maker=signer,
                              version=None if version is None else f"v{version}", footer_note=footer_note,
                              sections=recap_sections(c, lines, name))

    def numbered(self, doc: ReportDocument) -> ReportDocument:
        """The document as printed: its number, and signed on the day it was first numbered; a draft as it is."""
        if doc.key is None:
            return doc
        issued = self.numbers.issue(doc.key, today(self.clock(), self.office))
        place_date = f"{self.place}, {plain_date(issued.issued_on)}"
        signatures = tuple(msgspec.structs.replace(s, place_date=place_date) for s in doc.signatures)
        return msgspec.structs.replace(doc, number=issued.number, signatures=signatures)

    def _signature(self, guest: GuestView) -> Cell:
        signed_by = guest.signed_as.name if guest.signed_as else guest.name
        return picture_cell(guest.signature_key, f"Tanda tangan {signed_by}", self.read_file)

    def _rows(self, first: date, last: date) -> list[ConsultationRow]:
        return consultations_between(self.runner, self.office.value, first, last)

    def _document(self, kind: str, first: date, last: date, columns: tuple[Column, ...], rows: list, summary,
                  maker: str | None = None, version: str | None = "", footer_note: str = "",
                  sections: tuple[Section, ...] = ()) -> ReportDocument:
        """`version` tells this document from others of its kind and period (None: a draft, never numbered)."""
        now = self.clock()
        place_date = f"{self.place}, {plain_date(today(now, self.office))}"
        return ReportDocument(
            kind=kind, title=TITLES[kind], office_name=self.office_name, letterhead=self.letterhead,
            period=day_period(first, self.office) if first == last else range_period(first, last, self.office),
            generated_at=stamp(now, self.office), columns=columns, rows=tuple(tuple(r) for r in rows),
            summary=tuple(summary), signatures=self.signing.signatures(kind, place_date, maker),
            footer_note=footer_note, address=self.address, logo=self.logo, created_at=now,
            key=None if version is None else DocumentKey(kind, first, last, version),
            sections=sections, table_title="Daftar konsultasi" if sections else "",
        )
