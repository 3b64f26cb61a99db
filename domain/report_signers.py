"""Who signs each report: the role that makes it (on the right) and the superior who acknowledges it ("Mengetahui,",
on the left), as the SOP's lines of reporting run: the desk's daily lists from the Koordinator Harian to the
Koordinator, a staff member's daily report to the Koordinator Harian, the daily recap from the Sekretaris to the Ketua,
the Ketua's periodic report and programme to the commissioner, the Koordinator's figures and evaluation to the Ketua."""

from __future__ import annotations

from typing import NamedTuple

from domain.roles import Role


class Signers(NamedTuple):
    maker: Role
    superior: Role


_DAILY_LIST = Signers(Role.KOORDINATOR_HARIAN, Role.KOORDINATOR)
SIGNERS: dict[str, Signers] = {
    "daftar_hadir": _DAILY_LIST,
    "daftar_permasalahan": _DAILY_LIST,
    "jawaban_solusi": _DAILY_LIST,
    "dokumentasi_foto": _DAILY_LIST,
    "laporan_harian": Signers(Role.ANGGOTA_HELPDESK, Role.KOORDINATOR_HARIAN),
    "rekapitulasi_harian": Signers(Role.SEKRETARIS_HELPDESK, Role.KETUA_HELPDESK),
    "laporan_berkala": Signers(Role.KETUA_HELPDESK, Role.ANGGOTA_KPU),
    "kepatuhan_sop": Signers(Role.KOORDINATOR, Role.KETUA_HELPDESK),
    "evaluasi_layanan": Signers(Role.KOORDINATOR, Role.KETUA_HELPDESK),
    "program_kegiatan": Signers(Role.KETUA_HELPDESK, Role.ANGGOTA_KPU),
}


def signers_of(kind: str) -> Signers:
    """The report kind's maker and superior; an unknown kind is a programming error, named."""
    try:
        return SIGNERS[kind]
    except KeyError:
        raise KeyError(f"no signers for report kind {kind!r} (domain/report_signers.py)") from None
