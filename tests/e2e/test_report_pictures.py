"""The signed reports as a reader sees them (issue 17): the daily recap, the Daftar Hadir with the guests' drawn
signatures and the periodic report, each downloaded as a PDF and every page rendered to PNG with pdftoppm
(poppler-utils), kept under test-artifacts/reports/ to be looked at. Without pdftoppm the test is skipped with the
reason, unless CI=true or REQUIRE_SERVICES=1 requires it (as in `.ci/run`): then it fails."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import msgspec
import pypdf
import pytest
from litestar.testing import TestClient
from PIL import Image

from gateways.bootstrap import Node
from gateways.config import Settings
from tests.support.report_day import DAY, busy_day
from tests.support.settings import settings_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
MISSING = "pdftoppm tidak terpasang (not installed): install Debian's poppler-utils to render the reports to PNG"
RESOLUTION = 100  # dots per inch: A4 landscape at 1169 × 827 pixels, every line of the table readable


@pytest.fixture
def memory_settings(tmp_path: Path) -> Settings:
    """The office's address in its letterhead, as an office configures it."""
    return msgspec.structs.replace(settings_for("memory", tmp_path / "node"),
                                   office_address="Jl. Lintas Sumatera Km. 3, Muara Rupit, Musi Rawas Utara 31654")


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(MISSING + " (CI requires it)")
    pytest.skip(MISSING)


def rendered(tool: str, name: str, pdf: bytes) -> list[Path]:
    """The PDF's pages as PNGs: test-artifacts/reports/<name>-<page>.png (an earlier run's removed first)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run([tool, "-png", "-r", str(RESOLUTION), str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
                   check=True, timeout=120)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def ink(page: Path, box: tuple[float, float, float, float]) -> int:
    """How many dark pixels the page has inside `box` (fractions of its width and height)."""
    with Image.open(page) as picture:
        width, height = picture.size
        region = picture.convert("L").crop((int(box[0] * width), int(box[1] * height), int(box[2] * width),
                                            int(box[3] * height)))
        return sum(region.histogram()[:128])


def test_the_recap_the_daftar_hadir_and_the_periodic_report_render_as_pages(api: TestClient, memory_node: Node,
                                                                            clock) -> None:
    tool = pdftoppm()
    day = busy_day(api, memory_node, clock)
    secretary, ketua = day.headers["sekretaris"], day.headers["ketua"]
    assert api.post(f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}", headers=secretary).status_code == 201
    assert api.post(f"/api/reports/laporan_berkala/2024-07-23/{DAY}", headers=ketua).status_code == 201
    downloads = {
        "rekapitulasi-harian": (f"/api/reports/rekapitulasi_harian/{DAY}/{DAY}/versions/1", secretary),
        "daftar-hadir": (f"/api/reports/daily/daftar_hadir?day={DAY}&format=pdf", day.headers["koord-harian"]),
        "laporan-berkala": (f"/api/reports/laporan_berkala/2024-07-23/{DAY}/versions/1", ketua),
    }
    for name, (url, headers) in downloads.items():
        response = api.get(url, headers=headers)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.text
        assert "Jl. Lintas Sumatera Km. 3" in pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        pages = rendered(tool, name, response.content)
        assert pages, name
        # The first page's letterhead: the logo in the top-left corner; the last page's signatures: ink in both
        # halves of the block (the superior's and the maker's names and NIPs).
        assert ink(pages[0], (0.0, 0.0, 0.15, 0.2)) > 500, name
        assert ink(pages[-1], (0.1, 0.0, 0.45, 0.9)) > 200 and ink(pages[-1], (0.55, 0.0, 0.9, 0.9)) > 200, name
    # The Daftar Hadir prints the three guests' drawn signatures in its last column (blue ink, not grey text).
    with Image.open(ARTIFACTS / "daftar-hadir-1.png") as page:
        width, height = page.size
        column = page.convert("RGB").crop((int(0.82 * width), int(0.3 * height), width, int(0.7 * height))).tobytes()
        blue = sum(1 for i in range(0, len(column), 3) if column[i + 2] > 60 and column[i + 2] > column[i] + 40)
    assert blue > 300
