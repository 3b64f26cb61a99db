"""The PDF and XLSX renderers, imported on their first use: ReportLab and openpyxl hold about 30 MB between them,
which a node at rest (and an HTTP process that never prints) need not carry (P5, docs/benchmarks.md)."""

from __future__ import annotations

from services.documents import ReportDocument


def render_pdf(doc: ReportDocument) -> bytes:
    from gateways.exports.pdf import render_pdf as render

    return render(doc)


def render_xlsx(doc: ReportDocument) -> bytes:
    from gateways.exports.xlsx import render_xlsx as render

    return render(doc)
