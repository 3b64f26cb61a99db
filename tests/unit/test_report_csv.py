"""CSV for Indonesian Excel (issue 17): a semicolon-separated file with decimal commas on request, and the formula
guard only where a cell would really start a formula: a phone number or a dash is data, printed as it is."""

from __future__ import annotations

import csv
import io

import pytest

from gateways.exports.csv import formula_like, render_csv
from services.documents import Column, ReportDocument

COLUMNS = (Column("no", "No", numeric=True), Column("name", "Nama"), Column("phone", "Nomor HP"),
           Column("share", "Kepatuhan (%)", numeric=True), Column("note", "Catatan"))
ROWS = (
    (1, "Siti Aminah", "+6281277771234", 97.5, "-"),
    (2, "Budi; Santoso", "0812-1111-2222", 80.0, "=HYPERLINK(\"http://x\")"),
    (3, "Rina", "+62 812 3456 7890", 12.25, "+cmd|' /C calc'!A0"),
    (4, "Tono", "(0733) 451234", 0.5, "@SUM(A1:A2)"),
    (5, "Dewi", "-", 1.0, "-2+3+cmd|' /C calc'!A0"),
)


def document() -> ReportDocument:
    return ReportDocument(kind="daftar_hadir", title="DAFTAR HADIR", office_name="KPU", letterhead=(), period="",
                          generated_at="", columns=COLUMNS, rows=ROWS)


def read(data: bytes, separator: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))


def test_phone_numbers_and_dashes_are_not_prefixed_with_an_apostrophe() -> None:
    lines = read(render_csv(document()), ",")
    assert [line[2] for line in lines[1:]] == ["+6281277771234", "0812-1111-2222", "+62 812 3456 7890",
                                               "(0733) 451234", "-"]
    assert lines[1][4] == "-"


def test_what_would_start_a_formula_is_still_defused() -> None:
    notes = [line[4] for line in read(render_csv(document()), ",")[2:]]
    assert notes == ["'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'@SUM(A1:A2)", "'-2+3+cmd|' /C calc'!A0"]


@pytest.mark.parametrize(("text", "formula"), [
    ("+6281277771234", False), ("-", False), ("-1,5", False), ("+62 (812) 3456-7890", False), ("Budi", False),
    ("=1+1", True), ("@A1", True), ("+A1", True), ("-A1", True), ("\t=1", True), ("+1+1", True),
])
def test_the_guard_knows_a_formula_from_a_number(text: str, formula: bool) -> None:
    assert formula_like(text) is formula


def test_the_semicolon_option_is_what_indonesian_excel_reads() -> None:
    data = render_csv(document(), ";")
    assert data.decode("utf-8-sig").splitlines()[0] == "No;Nama;Nomor HP;Kepatuhan (%);Catatan"
    lines = read(data, ";")
    assert lines[1][:4] == ["1", "Siti Aminah", "+6281277771234", "97,5"]  # a decimal comma
    assert lines[2][1] == "Budi; Santoso"  # a separator inside a cell stays in its quoted cell
    assert read(render_csv(document()), ",")[1][3] == "97.5"  # the comma-separated file keeps the decimal point


def test_another_separator_is_refused() -> None:
    with pytest.raises(ValueError):
        render_csv(document(), "\t")
