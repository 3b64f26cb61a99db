"""The Koordinator's evaluation as a report document (and so as a signed PDF, gateways/exports/pdf.py): one table of
its sections (SOP compliance per step and per staff member, the consultations' figures, the notes, the follow-ups),
signed by the Koordinator who finalised it, its SHA-256 in every page's footer. A finalised evaluation is rendered from
its frozen bytes; a draft from the read models now, and says so."""

from __future__ import annotations

from datetime import date

from domain.evaluation_values import EvaluationContent
from gateways.messages import label
from gateways.reports import labels
from gateways.reports.builders import ReportBuilder
from gateways.reports.dates import plain_date, range_period, stamp, today
from services.documents import Column, DocumentKey, ReportDocument
from services.evaluations import EvaluationView

TITLE = "EVALUASI PELAYANAN HELPDESK"
COLUMNS = (
    Column("no", "No", 0.4, True), Column("section", "Bagian", 1.5), Column("item", "Uraian", 3.6),
    Column("detail", "Keterangan", 2.6), Column("value", "Nilai/Status", 1.3),
)
DRAFT_NOTE = "Draf — belum difinalkan; angka dibaca dari data saat ini"


def percent(met: int, measured: int) -> str:
    return f"{100 * met / measured:.1f} %".replace(".", ",") if measured else "belum diukur"


def figure_rows(content: EvaluationContent, full_name) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """The evaluation's sections as rows (section, item, detail, value), in the order the page shows them too."""
    f = content.figures
    rows = [
        ("Kepatuhan SOP per langkah", f"{s.label} (standar {s.standard_minutes} menit)",
         f"{s.met} dari {s.measured} memenuhi; {s.breached} melanggar; rata-rata {s.average_seconds / 60:.1f} menit"
         .replace(".", ","), percent(s.met, s.measured))
        for s in f.steps
    ]
    rows += [
        ("Kepatuhan SOP per petugas", f"{full_name(s.username)} ({s.username})",
         f"{s.met} dari {s.measured} langkah memenuhi; {s.breached} melanggar", percent(s.met, s.measured))
        for s in f.staff
    ]
    rows += [("Konsultasi", "Jumlah konsultasi", "", str(f.consultations))]
    rows += [("Konsultasi", f"Saluran {labels.channel(code)}", "", str(n)) for code, n in f.by_channel.items()]
    rows += [
        ("Konsultasi", "Jawaban diulang (belum dipahami)", "", str(f.repeated)),
        ("Eskalasi", "Diserahkan ke Anggota KPU", "", str(f.handed_over)),
        ("Eskalasi", "Diteruskan ke helpdesk di atas", "", str(f.forwarded)),
        ("Eskalasi", "Eskalasi yang sudah dijawab", "", str(f.escalations_answered)),
        ("Laporan pemantauan SIPOL", "Diserahkan tepat waktu",
         "" if f.monitoring_due is None else f"dari {f.monitoring_due} laporan",
         "belum diukur" if f.monitoring_on_time is None else str(f.monitoring_on_time)),
    ]
    rows += [("Catatan Koordinator", n.text, f"{full_name(n.author)}", "") for n in content.notes]
    rows += [
        ("Tindak lanjut", u.what, f"{full_name(u.owner)} · batas {plain_date(u.due)}",
         label("follow_up_state", "done" if u.done else "open"))
        for u in content.follow_ups
    ]
    return rows


def evaluation_document(builder: ReportBuilder, view: EvaluationView) -> ReportDocument:
    """Signed by the Koordinator who finalised it, acknowledged by the Ketua; numbered once final (never a draft)."""
    content = view.content
    now = builder.clock()
    signed_on = today(view.finalised_at or now, builder.office)
    final = view.finalised_at if view.finalised else None
    by, digest = builder.full_name(view.finalised_by or ""), view.content_hash or ""
    note = f"Final · difinalkan {by}, {stamp(final, builder.office)} · SHA-256 {digest}" if final else DRAFT_NOTE
    return ReportDocument(
        kind="evaluasi_layanan", title=TITLE, office_name=builder.office_name, letterhead=builder.letterhead,
        period=range_period(content.period_start, content.period_end, builder.office),
        generated_at=stamp(now, builder.office), columns=COLUMNS,
        rows=tuple((i, *row) for i, row in enumerate(figure_rows(content, builder.full_name), 1)),
        summary=(("Status", "Final" if view.finalised else "Draf"),
                 ("Disusun oleh", builder.full_name(view.drafted_by))),
        signatures=builder.signing.signatures("evaluasi_layanan", f"{builder.place}, {plain_date(signed_on)}",
                                              view.finalised_by or None),
        footer_note=note, address=builder.address, logo=builder.logo, created_at=now,
        key=DocumentKey("evaluasi_layanan", content.period_start, content.period_end,
                        f"sha256:{digest[:16]}") if final else None,
    )


def evaluation_filename(first: date, last: date) -> str:
    return f"evaluasi_layanan_{first.isoformat()}_{last.isoformat()}"
