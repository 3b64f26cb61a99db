"""The reports' letterhead (kop surat): the office's full name in capitals, its address and its logo."""

from __future__ import annotations

from pathlib import Path

# A stand-in emblem shipped with the code (a ballot box under a star, drawn for this project, not the KPU's own
# logo): an office sets `letterhead_logo` to its own image file.
DEFAULT_LOGO = Path(__file__).resolve().parents[1] / "data" / "letterhead-logo.png"
FULL_NAME = "KOMISI PEMILIHAN UMUM"


def letterhead_lines(setting: str, office_name: str) -> tuple[str, ...]:
    """The `letterhead` setting's lines (separated by "|"), else the office's full name on one line:
    `KPU Kabupaten Musi Banyuasin` → `KOMISI PEMILIHAN UMUM KABUPATEN MUSI BANYUASIN`, the centre's
    `KOMISI PEMILIHAN UMUM REPUBLIK INDONESIA`."""
    if setting.strip():
        return tuple(line.strip() for line in setting.split("|") if line.strip())
    region = office_name.removeprefix("KPU").strip().upper()
    return (f"{FULL_NAME} {region or 'REPUBLIK INDONESIA'}",)
