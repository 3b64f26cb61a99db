"""The tables' columns of the reports ReportBuilder makes, and how an SOP figure or a guest becomes a row."""

from __future__ import annotations

from gateways.reports import labels
from projections.clock_queries import StepFigure
from projections.frontdesk_queries import GuestView
from services.documents import Column

ATTENDANCE = (
    Column("no", "No", 0.4, True), Column("time", "Tanggal/Waktu", 1.3), Column("name", "Nama", 1.8),
    Column("phone", "Nomor HP", 1.4), Column("email", "Alamat E-mail", 1.9),
    Column("party", "Partai Politik", 1.6), Column("signature", "Tanda Tangan", 1.6),
)
PROBLEMS = (
    Column("no", "No", 0.4, True), Column("time", "Waktu", 1), Column("name", "Nama", 1.5),
    Column("party", "Partai", 1), Column("channel", "Saluran", 1.1), Column("problem", "Permasalahan", 4),
    Column("status", "Status", 1.3),
)
ANSWERS = (
    Column("no", "No", 0.4, True), Column("problem", "Permasalahan", 3), Column("answer", "Jawaban/Solusi", 4),
    Column("basis", "Dasar", 2.2), Column("by", "Dijawab oleh", 1.4), Column("source", "Sumber", 1.4),
)
STAFF_DAILY = (
    Column("no", "No", 0.4, True), Column("time", "Waktu", 1), Column("name", "Nama", 1.5),
    Column("party", "Partai", 1), Column("problem", "Permasalahan", 3), Column("answer", "Jawaban", 3),
    Column("status", "Status", 1.2),
)
PHOTOS = (
    Column("no", "No", 0.4, True), Column("time", "Waktu", 0.9), Column("case", "Konsultasi", 1.2),
    Column("channel", "Saluran", 1.1), Column("kind", "Jenis", 1.2), Column("picture", "Dokumentasi", 3.2),
    Column("hash", "SHA-256", 1.3),
)
RECAP = (
    Column("no", "No", 0.4, True), Column("time", "Waktu", 1.3), Column("name", "Nama", 1.5),
    Column("party", "Partai", 1), Column("channel", "Saluran", 1.1), Column("problem", "Permasalahan", 3),
    Column("source", "Dijawab oleh", 1.3), Column("status", "Status", 1.2), Column("staff", "Petugas", 1.3),
)
STEPS = (
    Column("step", "Langkah", 2.5), Column("standard", "Standar (menit)", 1, True),
    Column("measured", "Diukur", 0.8, True), Column("met", "Memenuhi", 0.9, True),
    Column("warned", "Lewat 75 %", 0.9, True), Column("breached", "Melanggar", 0.9, True),
    Column("share", "Kepatuhan (%)", 1, True), Column("average", "Rata-rata (menit)", 1, True),
)


def step_rows(figures: list[StepFigure]) -> list[tuple]:
    return [
        (f.label, f.standard_minutes, f.measured, f.met, f.warned, f.breached,
         round(100 * f.met / f.measured, 1) if f.measured else 0.0, round(f.average_seconds / 60, 1))
        for f in figures
    ]


def identity_cells(guest: GuestView) -> tuple[str, str, str]:
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
