"""A report as an office signs it (issue 17): the letterhead with logo, full name, address and rule; a document number;
the signature block in the usual form, kept with the end of the table; Indonesian and other Latin letters; whole
words; the title, author, subject and real creation date in the PDF's metadata."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pypdf
import pytest
from structlog.testing import capture_logs

from gateways.exports.fonts import DEJAVU_DIR, font_files
from gateways.exports.pdf import render_pdf
from gateways.reports.letterhead import DEFAULT_LOGO, letterhead_lines
from services.documents import Column, ReportDocument, Signature

NUMBER = "007/HD.SIPOL/1606/XII/2026"
MADE = datetime(2026, 12, 2, 9, 5, 12, tzinfo=UTC)
ADDRESS = "Jl. Kolonel Wahid Udin No. 254, Sekayu, Musi Banyuasin 30711"
MAKER = Signature("Sekretaris Helpdesk", "Siti Aminah Ṣāliḥah", "Sekayu, 2 Desember 2026", "198501012010012001")
SUPERIOR = Signature("Ketua Helpdesk", "", "Sekayu, 2 Desember 2026", None, acknowledges=True)
COLUMNS = (Column("no", "No", 0.5, True), Column("name", "Nama", 2), Column("problem", "Permasalahan", 4))


def document(count: int = 3, **changes: object) -> ReportDocument:
    fields: dict[str, object] = dict(
        kind="rekapitulasi_harian", title="REKAPITULASI HARIAN PELAYANAN HELPDESK",
        office_name="KPU Kabupaten Musi Banyuasin",
        letterhead=letterhead_lines("", "KPU Kabupaten Musi Banyuasin"), address=ADDRESS, logo=str(DEFAULT_LOGO),
        period="Rabu, 2 Desember 2026 (00.00–24.00 WIB)", generated_at="02-12-2026 16.05 WIB", columns=COLUMNS,
        rows=tuple((n, f"Peserta {n:03d}", f"Konsultasi nomor {n:03d} tentang pendaftaran partai")
                   for n in range(1, count + 1)),
        summary=(("Jumlah konsultasi", str(count)),), signatures=(MAKER, SUPERIOR), number=NUMBER, created_at=MADE,
    )
    fields.update(changes)
    return ReportDocument(**fields)  # type: ignore[arg-type]


def pages(doc: ReportDocument) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(render_pdf(doc))).pages)


def placed(page: pypdf.PageObject) -> list[tuple[str, float]]:
    """Each piece of text the page draws, with its distance from the left edge in points."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] * cm[0] + cm[4]))

    page.extract_text(visitor_text=visit)
    return found


def test_the_letterhead_has_the_logo_the_full_name_the_address_and_a_double_rule() -> None:
    first = pages(document())[0]
    text = first.extract_text()
    assert "KOMISI PEMILIHAN UMUM KABUPATEN MUSI BANYUASIN" in text
    assert ADDRESS in text
    assert len(first.images) == 1  # the logo: the table has no pictures
    # Under it a thick and a thin rule, as an official letterhead has them.
    stream = first.get_contents().get_data().decode("latin-1")
    assert {"2", ".6"} <= set(re.findall(r"([\d.]+) w\b", stream))  # line widths in points


def test_the_letterhead_setting_still_gives_its_own_lines() -> None:
    assert letterhead_lines("KOMISI PEMILIHAN UMUM | KABUPATEN MUSI BANYUASIN", "KPU x") == (
        "KOMISI PEMILIHAN UMUM", "KABUPATEN MUSI BANYUASIN")
    assert letterhead_lines("", "KPU") == ("KOMISI PEMILIHAN UMUM REPUBLIK INDONESIA",)


def test_the_number_is_under_the_title_and_in_every_footer() -> None:
    texts = [page.extract_text() for page in pages(document(count=90))]
    assert len(texts) > 1
    assert f"Nomor: {NUMBER}" in texts[0]
    assert all(f"Nomor {NUMBER}" in text for text in texts)


def test_the_signature_block_is_in_the_usual_form() -> None:
    last = pages(document())[-1]
    text, middle = last.extract_text(), float(last.mediabox.width) / 2
    where = dict(placed(last))
    # The place and date once, on the right above the maker; "Mengetahui," and the superior on the left.
    assert text.count("Sekayu, 2 Desember 2026") == 1 and where["Sekayu, 2 Desember 2026"] > middle
    assert where["Mengetahui,"] < middle and where["Ketua Helpdesk"] < middle
    assert where["Sekretaris Helpdesk"] > middle
    # The maker's full name (underlined) with the NIP; the unknown superior's lines left to write by hand.
    assert "Siti Aminah Ṣāliḥah" in text and "NIP. 198501012010012001" in text
    assert "(" + "." * 40 + ")" in text and "NIP. " + "." * 32 in text
    assert "Kepada" not in text


@pytest.mark.parametrize("rows", range(20, 40))
def test_the_signatures_are_never_alone_on_a_page(rows: int) -> None:
    *_, last = pages(document(count=rows))
    text = last.extract_text()
    assert "Mengetahui," in text and "Jumlah konsultasi" in text
    assert f"Peserta {rows:03d}" in text  # the table's last row is on the page the signatures are on


def test_no_word_is_broken_in_a_narrow_column() -> None:
    # Long Indonesian words in columns given little room: the columns widen, the words stay whole.
    words = ("Pertanggungjawaban", "Ketidakhadiran", "Keterwakilan", "Penyelenggaraan", "Dikoordinasikan")
    columns = (Column("no", "No", 0.3, True), Column("step", "Pertanggungjawaban", 0.5),
               Column("share", "Kepatuhan (%)", 0.3, True), Column("note", "Keterangan", 4))
    rows = tuple((n, word, 97.5, "Catatan singkat.") for n, word in enumerate(words, 1))
    printed = " ".join(page.extract_text() for page in pages(document(columns=columns, rows=rows))).split()
    assert printed.count("Pertanggungjawaban") == 2  # the header and its row
    assert all(word in printed for word in (*words, "Kepatuhan", "Keterangan"))


def test_latin_letters_beyond_latin1_print_as_written() -> None:
    text = pages(document(count=0, signatures=(MAKER,)))[0].extract_text()
    assert "Siti Aminah Ṣāliḥah" in text  # DejaVu Sans: not folded to "Siti Aminah Salihah"


def test_the_metadata_names_the_report_and_its_real_creation_date() -> None:
    info = pypdf.PdfReader(io.BytesIO(render_pdf(document()))).metadata
    assert info is not None
    assert info.title == "REKAPITULASI HARIAN PELAYANAN HELPDESK"
    assert info.author == "Siti Aminah Ṣāliḥah"  # the maker, not "Helpdesk SIPOL"
    assert NUMBER in info.subject and "KPU Kabupaten Musi Banyuasin" in info.subject
    assert info.creation_date == MADE and info["/CreationDate"] == "D:20261202090512+00'00'"
    assert render_pdf(document()) == render_pdf(document())  # and still the same bytes for the same document


def test_without_dejavu_the_pdf_falls_back_to_vera_and_says_why(tmp_path) -> None:  # noqa: ANN001
    with capture_logs() as logs:
        family, faces = font_files(tmp_path)  # a folder without the fonts-dejavu-core files
    assert family == "Vera" and all(path.is_file() for path in faces.values())
    [said] = logs
    assert said["event"] == "font_missing" and "fonts-dejavu-core" in said["message"]
    assert font_files(DEJAVU_DIR)[0] == "DejaVu Sans"  # this machine has the package, as CI does
