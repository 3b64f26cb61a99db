"""The report renderers: a multi-page PDF with letterhead, numbered pages and signatures; an XLSX; a CSV; and the
guest's drawn signature printed in its cell by each of them."""

from __future__ import annotations

import csv
import io
import math
import re

import msgspec
import openpyxl
import pypdf
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image, ImageDraw
from reportlab.lib.units import mm

from gateways.exports.csv import render_csv
from gateways.exports.pdf import IMAGE_HEIGHT, fold, render_pdf
from gateways.exports.xlsx import render_xlsx, sheet_title
from gateways.reports.images import PRINT_BOX, picture_cell
from services.documents import Column, ImageCell, ReportDocument, Signature, filename

A4_PORTRAIT = (595, 842)
ROW_COUNT = 120
ACCENTED_NAME = "Ṣiti Ñur — Ā"  # Ṣ and Ā are outside Latin-1: DejaVu Sans draws them, ReportLab's Vera did not
LONG_PROBLEM = "\n".join(f"Baris {n}: akun SIPOL terkunci setelah unggah dokumen keanggotaan." for n in range(1, 9))
MARKUP_TEXT = "<b>Partai & Rakyat</b> <i>"  # must print literally, not be read as Paragraph markup
FORMULA_TEXT = "=HYPERLINK(\"http://x\")"
COLUMNS = (
    Column("no", "No", width=0.5, numeric=True),
    Column("name", "Nama Pengunjung", width=2),
    Column("problem", "Permasalahan", width=4),
)
LETTERHEAD = ("KOMISI PEMILIHAN UMUM", "KABUPATEN MUSI RAWAS UTARA", "Jl. Lintas Sumatera Km. 3, Rupit")
SECRETARY = Signature(role="Sekretaris Helpdesk", name="Siti Aminah", place_date="Rupit, 27 November 2026")


def _problem(n: int) -> str | None:
    specials = {7: LONG_PROBLEM, 10: MARKUP_TEXT, 11: FORMULA_TEXT, 12: None}
    return specials.get(n, f"Konsultasi nomor {n:04d} tentang pendaftaran partai")


def _rows() -> tuple[tuple[str | int | float | None, ...], ...]:
    return tuple((n, ACCENTED_NAME if n == 5 else f"Peserta {n:04d}", _problem(n)) for n in range(1, ROW_COUNT + 1))


def make_doc(**changes: object) -> ReportDocument:
    fields: dict[str, object] = dict(
        kind="daftar_hadir",
        title="DAFTAR HADIR HELPDESK KONSULTASI",
        office_name="KPU Kabupaten Musi Rawas Utara",
        letterhead=LETTERHEAD,
        period="Jumat, 27 November 2026 (00.00–24.00 WIB)",
        generated_at="27-11-2026 17.05 WIB",
        columns=COLUMNS,
        rows=_rows(),
        summary=(("Jumlah konsultasi", str(ROW_COUNT)),),
        signatures=(SECRETARY,),
        footer_note="Versi 2, mengoreksi versi 1 · SHA-256 3fa2…",
    )
    fields.update(changes)
    return ReportDocument(**fields)  # type: ignore[arg-type]


def pdf_pages(data: bytes) -> list[pypdf.PageObject]:
    assert data.startswith(b"%PDF-")
    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def page_size(page: pypdf.PageObject) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


# --- PDF ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_texts() -> list[str]:
    pages = pdf_pages(render_pdf(make_doc()))
    assert all(page_size(page) == A4_PORTRAIT for page in pages)
    return [page.extract_text() for page in pages]


def test_the_pdf_takes_several_a4_portrait_pages(pdf_texts: list[str]) -> None:
    assert len(pdf_texts) >= 3


def test_the_first_page_has_the_letterhead_title_period_and_table_header(pdf_texts: list[str]) -> None:
    first = pdf_texts[0]
    for text in (*LETTERHEAD, "DAFTAR HADIR HELPDESK KONSULTASI", "KPU Kabupaten Musi Rawas Utara", "No",
                 "Nama Pengunjung", "Permasalahan", "00.00–24.00 WIB"):
        assert text in first
    # The letterhead is on the first page only; the table header repeats on every page.
    assert all(LETTERHEAD[0] not in text for text in pdf_texts[1:])
    assert all("Nama Pengunjung" in text and "Permasalahan" in text for text in pdf_texts)


def test_rows_flow_onto_later_pages(pdf_texts: list[str]) -> None:
    assert "Peserta 0001" in pdf_texts[0]
    assert "Peserta 0001" not in pdf_texts[-1]
    assert any(f"Peserta {ROW_COUNT:04d}" in text for text in pdf_texts[1:])


def test_every_page_is_numbered_and_carries_the_footer(pdf_texts: list[str]) -> None:
    total = len(pdf_texts)
    for number, text in enumerate(pdf_texts, start=1):
        assert f"Halaman {number} dari {total}" in text
        assert re.findall(r"Halaman \d+ dari \d+", text) == [f"Halaman {number} dari {total}"]
        assert "27-11-2026 17.05 WIB" in text
        assert "Versi 2, mengoreksi versi 1 · SHA-256 3fa2…" in text


def test_the_last_page_has_the_summary_and_the_signature(pdf_texts: list[str]) -> None:
    last = pdf_texts[-1]
    for text in ("Jumlah konsultasi", "Rupit, 27 November 2026", "Sekretaris Helpdesk", "Siti Aminah"):
        assert text in last
    assert all("Sekretaris Helpdesk" not in text for text in pdf_texts[:-1])


def test_latin_letters_print_as_written_and_what_the_font_lacks_is_folded_not_dropped(pdf_texts: list[str]) -> None:
    assert fold(ACCENTED_NAME) == ACCENTED_NAME  # DejaVu Sans (fonts-dejavu-core) draws every Latin letter
    assert any(ACCENTED_NAME in text for text in pdf_texts)
    assert fold("Nur 中") == "Nur ?"  # a letter of a script the font lacks
    # A glyph missing from the font would come back as NUL (and print as an empty box).
    assert all("\x00" not in text for text in pdf_texts)


def test_user_text_is_printed_literally_and_keeps_its_line_breaks(pdf_texts: list[str]) -> None:
    everything = "\n".join(pdf_texts)
    assert "<b>Partai & Rakyat</b> <i>" in everything
    assert "Baris 1: akun SIPOL terkunci" in everything
    assert "Baris 8: akun SIPOL terkunci" in everything
    # Each written line starts a printed line; collapsed breaks would run "keanggotaan. Baris 2:" together.
    assert all(re.search(rf"^Baris {n}: ", everything, re.MULTILINE) for n in range(1, 9))
    assert "keanggotaan. Baris" not in everything


def test_seven_columns_turn_the_page_to_landscape() -> None:
    columns = tuple(Column(f"c{n}", f"Kolom {n}") for n in range(7))
    rows = tuple(tuple(f"isi {r}-{c}" for c in range(7)) for r in range(5))
    pages = pdf_pages(render_pdf(make_doc(columns=columns, rows=rows)))
    assert [page_size(page) for page in pages] == [A4_PORTRAIT[::-1]] * len(pages)
    assert "Kolom 6" in pages[0].extract_text()
    six = pdf_pages(render_pdf(make_doc(columns=columns[:6], rows=tuple(row[:6] for row in rows))))
    assert page_size(six[0]) == A4_PORTRAIT


def test_several_signers_and_an_unnamed_one_all_appear() -> None:
    signers = (SECRETARY, Signature(role="Ketua Helpdesk", name="", place_date="Rupit, 27 November 2026"))
    last = pdf_pages(render_pdf(make_doc(signatures=signers)))[-1].extract_text()
    assert "Sekretaris Helpdesk" in last and "Siti Aminah" in last and "Ketua Helpdesk" in last
    assert "(" + "." * 40 + ")" in last  # the blank line to sign and write the name by hand


def test_a_cell_taller_than_a_page_still_renders() -> None:
    huge = "\n".join(f"Kalimat {n} dari keluhan yang sangat panjang." for n in range(150))
    texts = [page.extract_text() for page in pdf_pages(render_pdf(make_doc(rows=((1, "Panjang", huge),))))]
    assert len(texts) >= 2
    assert "Kalimat 0 dari" in texts[0] and "Kalimat 149 dari" in "".join(texts)


def test_an_empty_table_says_so() -> None:
    (page,) = pdf_pages(render_pdf(make_doc(rows=(), summary=(("Jumlah konsultasi", "0"),))))
    text = page.extract_text()
    assert "Tidak ada data." in text and "Halaman 1 dari 1" in text


def test_numbers_are_written_the_indonesian_way() -> None:
    rows = ((1234, "Ribuan", "x"), (3.5, "Pecahan", "y"))
    text = pdf_pages(render_pdf(make_doc(rows=rows)))[0].extract_text()
    assert "1.234" in text and "3,5" in text


def test_the_same_document_gives_the_same_bytes() -> None:
    assert render_pdf(make_doc()) == render_pdf(make_doc())


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError):
        render_pdf(make_doc(rows=((1, "Dua kolom saja"),)))


# --- XLSX --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheet() -> Worksheet:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_doc())))
    assert workbook.properties.creator == "Helpdesk SIPOL"
    assert workbook.properties.title == "DAFTAR HADIR HELPDESK KONSULTASI"
    assert workbook.sheetnames == ["Daftar Hadir"]
    return workbook.active


def header_row(sheet: Worksheet) -> int:
    (row,) = [cell.row for cell in sheet["A"] if cell.value == "No"]
    return row


def all_text(sheet: Worksheet) -> list[str]:
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def test_the_sheet_starts_with_the_letterhead_merged_across_the_table(sheet: Worksheet) -> None:
    assert [sheet.cell(row=n, column=1).value for n in (1, 2, 3)] == list(LETTERHEAD)
    assert sheet["A1"].font.b
    assert {"A1:C1", "A2:C2", "A3:C3"} <= {str(merged) for merged in sheet.merged_cells.ranges}
    assert "DAFTAR HADIR HELPDESK KONSULTASI" in all_text(sheet)
    assert "Jumat, 27 November 2026 (00.00–24.00 WIB)" in all_text(sheet)


def test_the_table_holds_the_rows_with_numbers_as_numbers(sheet: Worksheet) -> None:
    top = header_row(sheet)
    assert [cell.value for cell in sheet[top]][:3] == ["No", "Nama Pengunjung", "Permasalahan"]
    assert all(cell.font.b for cell in sheet[top][:3])
    first, fifth, seventh = (sheet[top + n] for n in (1, 5, 7))
    assert first[0].value == 1 and isinstance(first[0].value, int)
    assert [cell.value for cell in fifth[:3]] == [5, ACCENTED_NAME, "Konsultasi nomor 0005 tentang pendaftaran partai"]
    assert seventh[2].value == LONG_PROBLEM
    assert sheet.cell(row=top + 12, column=3).value is None
    assert sheet.cell(row=top + ROW_COUNT, column=2).value == f"Peserta {ROW_COUNT:04d}"


def test_text_that_looks_like_a_formula_stays_text(sheet: Worksheet) -> None:
    cell = sheet.cell(row=header_row(sheet) + 11, column=3)
    assert (cell.value, cell.data_type) == (FORMULA_TEXT, "s")


def test_the_header_is_frozen_filtered_and_repeated_when_printed(sheet: Worksheet) -> None:
    top = header_row(sheet)
    assert sheet.freeze_panes == f"A{top + 1}"
    assert sheet.auto_filter.ref == f"A{top}:C{top + ROW_COUNT}"
    assert sheet.print_title_rows == f"${top}:${top}"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.right.text == "Halaman &P dari &N"  # Excel's page-number fields on every printed page
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] < widths[1] < widths[2]


def test_summary_signature_and_footer_note_follow_the_table(sheet: Worksheet) -> None:
    top = header_row(sheet)
    below = [cell.value for row in sheet.iter_rows(min_row=top + ROW_COUNT + 1) for cell in row if cell.value]
    for text in ("Jumlah konsultasi: 120", "Rupit, 27 November 2026", "Sekretaris Helpdesk", "Siti Aminah"):
        assert text in below
    assert below[-1] == "Versi 2, mengoreksi versi 1 · SHA-256 3fa2…"
    (name,) = [cell for row in sheet.iter_rows(min_row=top) for cell in row if cell.value == "Siti Aminah"]
    assert name.font.u == "single" and name.font.b


def test_a_wide_table_prints_landscape() -> None:
    columns = tuple(Column(f"c{n}", f"Kolom {n}") for n in range(7))
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_doc(columns=columns, rows=()))))
    assert workbook.active.page_setup.orientation == "landscape"


def test_sheet_titles_fit_excel_rules() -> None:
    assert sheet_title("rekapitulasi_harian") == "Rekapitulasi Harian"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("a/b:c") == "A B C"


# --- CSV ---------------------------------------------------------------------------------------------------------


def test_the_csv_is_the_table_in_utf8_with_a_bom() -> None:
    data = render_csv(make_doc())
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert lines[0] == ["No", "Nama Pengunjung", "Permasalahan"]
    assert len(lines) == ROW_COUNT + 1
    assert lines[5] == ["5", ACCENTED_NAME, "Konsultasi nomor 0005 tentang pendaftaran partai"]
    assert lines[7][2] == LONG_PROBLEM
    assert lines[10][2] == MARKUP_TEXT
    assert lines[12] == ["12", "Peserta 0012", ""]
    assert all(LETTERHEAD[0] not in line for line in data.decode("utf-8-sig").splitlines())


def test_the_csv_defuses_formulas() -> None:
    lines = list(csv.reader(io.StringIO(render_csv(make_doc()).decode("utf-8-sig"), newline="")))
    assert lines[11][2] == "'" + FORMULA_TEXT


# --- File names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "extension", "expected"),
    [
        ("daftar_hadir_kab-16.13_2026-11-27", "pdf", "daftar_hadir_kab-16.13_2026-11-27.pdf"),
        ("Rekap Harian Ṣiti Ñur", ".XLSX", "rekap-harian-siti-nur.xlsx"),
        ("../../etc/passwd", "csv", "etc-passwd.csv"),
        ("—", "pdf", "laporan.pdf"),
    ],
)
def test_file_names_are_safe_ascii(stem: str, extension: str, expected: str) -> None:
    assert filename(stem, extension) == expected
    assert re.fullmatch(r"[a-z0-9._-]+", filename(stem, extension))


# --- Pictures in cells: the Daftar Hadir's drawn signatures --------------------------------------------------------


def drawn_signature(width: int = 600, height: int = 200, *, transparent: bool = False) -> bytes:
    """A PNG like the guest-book canvas makes: a wavy stroke of dark ink, on white or on nothing."""
    picture = Image.new("RGBA", (width, height), (0, 0, 0, 0) if transparent else (255, 255, 255, 255))
    stroke = [(30 + t / 99 * (width - 60), height / 2 + math.sin(t / 8) * height / 4) for t in range(100)]
    ImageDraw.Draw(picture).line(stroke, fill=(26, 26, 26, 255), width=5)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


STORED = {
    "aa/budi.png": drawn_signature(),
    "bb/siti.png": drawn_signature(900, 250, transparent=True),
    "cc/rusak.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # the PNG signature and nothing a reader can draw
}
SIGNED_COLUMNS = (
    Column("no", "No", 0.4, True), Column("name", "Nama", 2), Column("party", "Partai Politik", 1.5),
    Column("signature", "Tanda Tangan", 1.6),
)


def read_stored(key: str) -> bytes:
    if key not in STORED:
        raise FileNotFoundError(key)
    return STORED[key]


def guest_book_doc() -> ReportDocument:
    guests = (("Budi Santoso", "aa/budi.png"), ("Siti Aminah", "bb/siti.png"), ("Tono", "cc/rusak.png"),
              ("Rina", "dd/hilang.png"))
    rows = tuple((i, name, "PKB", picture_cell(key, f"Tanda tangan {name}", read_stored))
                 for i, (name, key) in enumerate(guests, 1))
    return make_doc(columns=SIGNED_COLUMNS, rows=rows, summary=(("Jumlah pengunjung/konsultasi", "4"),))


def test_a_stored_signature_becomes_a_small_png_on_white() -> None:
    cell = picture_cell("bb/siti.png", "Tanda tangan Siti Aminah", read_stored)
    assert (cell.key, cell.text) == ("bb/siti.png", "Tanda tangan Siti Aminah")
    with Image.open(io.BytesIO(cell.data)) as printed:
        assert printed.format == "PNG" and printed.mode == "RGB"  # transparency flattened: no black background
        assert printed.size == (cell.width, cell.height)
        assert cell.width <= PRINT_BOX[0] and cell.height <= PRINT_BOX[1]
        assert abs(cell.width / cell.height - 900 / 250) < 0.05  # scaled, not stretched
        assert printed.getpixel((0, 0)) == (255, 255, 255)
        assert all(low < 100 for low, _ in printed.getextrema())  # the ink is still there


def test_a_signature_that_cannot_be_read_prints_its_text_instead() -> None:
    broken = picture_cell("cc/rusak.png", "Tanda tangan Tono", read_stored)
    missing = picture_cell("dd/hilang.png", "Tanda tangan Rina", read_stored)
    assert (broken.data, broken.text) == (b"", "Tanda tangan Tono (berkas tidak dapat dibaca)")
    assert (missing.data, missing.text) == (b"", "Tanda tangan Rina (berkas tidak ditemukan)")


def test_a_png_that_unpacks_into_a_huge_bitmap_is_not_read() -> None:
    bomb = io.BytesIO()
    Image.new("1", (4000, 4000), 1).save(bomb, format="PNG")  # a few KB on disk, 16 million pixels unpacked
    assert len(bomb.getvalue()) < 500 * 1024
    cell = picture_cell("ee/bom.png", "Tanda tangan", lambda key: bomb.getvalue())
    assert cell.data == b"" and "tidak dapat dibaca" in cell.text


def placed_images(page: pypdf.PageObject) -> list[tuple[float, float]]:
    """(width, height) in points of every picture the page draws (reportlab: `q w 0 0 h x y cm /Name Do Q`)."""
    stream = page.get_contents().get_data().decode("latin-1")
    return [(float(w), float(h)) for w, h in re.findall(r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm\s*/\S+ Do", stream)]


def test_the_pdf_prints_each_signature_inside_its_cell() -> None:
    (page,) = pdf_pages(render_pdf(guest_book_doc()))
    text = page.extract_text()
    placed = placed_images(page)
    assert len(placed) == 2 == len(page.images)  # Budi's and Siti's; Tono's and Rina's files cannot be drawn
    column = (A4_PORTRAIT[0] - 2 * 15 * mm) * 1.6 / sum(c.width for c in SIGNED_COLUMNS)
    for width, height in placed:
        assert 0 < height <= IMAGE_HEIGHT + 0.01 and 0 < width <= column
    assert "Tanda tangan Tono (berkas tidak dapat dibaca)" in text.replace("\n", " ")
    assert "Tanda tangan Rina (berkas tidak ditemukan)" in text.replace("\n", " ")
    assert "Tanda tangan Budi Santoso" not in text  # a picture printed says nothing in its place
    assert render_pdf(guest_book_doc()) == render_pdf(guest_book_doc())  # still the same bytes each time


def test_the_workbook_anchors_each_signature_in_its_cell() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(guest_book_doc()))).active
    top = header_row(sheet)
    pictures = sorted(sheet._images, key=lambda picture: picture.anchor._from.row)
    assert [(p.anchor._from.col, p.anchor._from.row) for p in pictures] == [(3, top), (3, top + 1)]  # D, rows 1 and 2
    column_px = sheet.column_dimensions["D"].width * 7
    for picture in pictures:
        width, height = picture.anchor.ext.width / 9525, picture.anchor.ext.height / 9525  # EMU to pixels
        assert 0 < width <= column_px and 0 < height <= 44
        row_px = sheet.row_dimensions[picture.anchor._from.row + 1].height * 96 / 72
        assert row_px >= height  # the row is as tall as the signature
    assert sheet.cell(row=top + 3, column=4).value == "Tanda tangan Tono (berkas tidak dapat dibaca)"
    assert sheet.cell(row=top + 4, column=4).value == "Tanda tangan Rina (berkas tidak ditemukan)"


def test_the_csv_names_the_stored_signature_file() -> None:
    lines = list(csv.reader(io.StringIO(render_csv(guest_book_doc()).decode("utf-8-sig"), newline="")))
    assert lines[0] == ["No", "Nama", "Partai Politik", "Tanda Tangan"]
    assert [line[3] for line in lines[1:]] == ["aa/budi.png", "bb/siti.png", "cc/rusak.png", "dd/hilang.png"]


def test_a_picture_cell_survives_the_json_the_api_sends() -> None:
    doc = guest_book_doc()
    back = msgspec.json.decode(msgspec.json.encode(doc), type=ReportDocument)
    assert back.rows[0][3] == doc.rows[0][3] and isinstance(back.rows[0][3], ImageCell)
    assert b'"type":"image"' in msgspec.json.encode(doc)
