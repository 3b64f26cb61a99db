"""The server-side SVG charts: bars in proportion, every label and name present, a text when there is nothing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from gateways.web.charts import Bar, Series, horizontal_bars, nice_scale, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def daily(values_a: tuple[int, ...], values_b: tuple[int, ...]) -> ET.Element:
    days = [f"{d:02d}/07" for d in range(1, len(values_a) + 1)]
    return parse(stacked_bars(
        "per-day", days, [Series("Tatap muka", values_a), Series("Surat elektronik", values_b)],
        title="Konsultasi per hari", description="Jumlah konsultasi per hari menurut saluran.",
        empty_text="Belum ada konsultasi.", x_title="Tanggal", y_title="Jumlah konsultasi",
    ))


def test_one_bar_per_category_and_heights_in_proportion() -> None:
    svg = daily((1, 2, 4, 0), (0, 0, 4, 0))
    bars = svg.findall(f".//{SVG}g[@class='bar']")
    assert [b.get("data-category") for b in bars] == ["01/07", "02/07", "03/07", "04/07"]
    assert [b.get("data-total") for b in bars] == ["1", "2", "8", "0"]
    heights = {
        (b.get("data-category"), r.get("data-series")): float(r.get("height"))
        for b in bars for r in b.findall(f"{SVG}rect[@class='segment']")
    }
    one = heights[("01/07", "Tatap muka")]
    assert one > 0
    assert heights[("02/07", "Tatap muka")] == pytest.approx(2 * one, abs=0.02)
    assert heights[("03/07", "Tatap muka")] == pytest.approx(4 * one, abs=0.02)
    assert heights[("03/07", "Surat elektronik")] == pytest.approx(4 * one, abs=0.02)
    assert not [k for k in heights if k[0] == "04/07"]  # a day without consultations has no segment
    # Stacked: the second series sits on top of the first.
    third = bars[2].findall(f"{SVG}rect[@class='segment']")
    assert float(third[1].get("y")) + float(third[1].get("height")) == pytest.approx(float(third[0].get("y")), abs=0.02)


def test_labels_axis_titles_legend_and_accessible_name() -> None:
    svg = daily((3, 1), (0, 2))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for expected in ("01/07", "02/07", "Tanggal", "Jumlah konsultasi", "Tatap muka", "Surat elektronik", "0", "3"):
        assert expected in texts, expected
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Konsultasi per hari"
    assert svg.find(f"{SVG}desc").text == "Jumlah konsultasi per hari menurut saluran."
    assert svg.get("aria-labelledby") == "per-day-title per-day-desc"


def test_texts_are_escaped() -> None:
    markup = str(stacked_bars("c", ["<b>"], [Series("A & B", (1,))], title="x<y", description="d",
                              empty_text="-", x_title="x", y_title="y"))
    assert "<b>" not in markup and "&lt;b&gt;" in markup and "A &amp; B" in markup
    parse(markup)  # still well-formed


def test_empty_data_gives_a_text_not_a_drawing() -> None:
    zeros = stacked_bars("c", ["01/07", "02/07"], [Series("Tatap muka", (0, 0))], title="t", description="d",
                         empty_text="Belum ada konsultasi dalam 14 hari terakhir.", x_title="x", y_title="y")
    assert "<svg" not in zeros and "Belum ada konsultasi dalam 14 hari terakhir." in zeros
    nothing = stacked_bars("c", [], [], title="t", description="d", empty_text="Kosong.", x_title="x", y_title="y")
    assert "Kosong." in nothing and "<svg" not in nothing
    unmeasured = horizontal_bars("h", [Bar("Daftar hadir", None, "belum diukur")], title="t", description="d",
                                 empty_text="Belum ada langkah yang diukur.")
    assert "<svg" not in unmeasured and "Belum ada langkah yang diukur." in unmeasured


def test_horizontal_bars_fill_in_proportion_to_the_percentage() -> None:
    svg = parse(horizontal_bars("steps", [
        Bar("Daftar hadir", 100.0, "100 %"), Bar("Menjawab substansi permasalahan", 50.0, "50 %"),
        Bar("Dokumentasi", None, "belum diukur"),
    ], title="Kepatuhan SOP", description="Persentase langkah yang memenuhi standar.", empty_text="-"))
    rows = svg.findall(f".//{SVG}g[@class='hbar']")
    assert [r.get("data-label") for r in rows] == ["Daftar hadir", "Menjawab substansi permasalahan", "Dokumentasi"]
    full, half = (float(r.find(f"{SVG}rect[@class='fill']").get("width")) for r in rows[:2])
    track = float(rows[0].find(f"{SVG}rect[@class='track']").get("width"))
    assert full == pytest.approx(track) and half == pytest.approx(track / 2, abs=0.02)
    assert rows[2].find(f"{SVG}rect[@class='fill']") is None
    assert [t.text for t in rows[2].iter(f"{SVG}text")] == ["Dokumentasi", "belum diukur"]


def test_series_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError):
        stacked_bars("c", ["a", "b"], [Series("x", (1,))], title="t", description="d", empty_text="-",
                     x_title="x", y_title="y")


@pytest.mark.parametrize(("largest", "top", "step"), [(1, 1, 1), (4, 4, 1), (7, 8, 2), (13, 15, 5), (24, 30, 10)])
def test_the_axis_ends_on_a_round_tick(largest: int, top: float, step: float) -> None:
    assert nice_scale(largest) == (top, step)


def test_ticks_are_whole_numbers() -> None:
    svg = str(stacked_bars("c", ["a", "b", "c"], [Series("x", (1, 2, 3))], title="t", description="d",
                           empty_text="-", x_title="x", y_title="y"))
    ticks = re.findall(r'class="tick"[^>]*>([^<]+)<', svg)
    assert ticks == ["0", "1", "2", "3"]
