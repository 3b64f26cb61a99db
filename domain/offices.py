"""Offices and their place in the hierarchy: kab/kota → provinsi → pusat, by Kemendagri code."""

from __future__ import annotations

import re
from enum import StrEnum

import msgspec

from domain.errors import InvalidOffice


class Tier(StrEnum):
    KABKOTA = "kabkota"
    PROVINSI = "provinsi"
    PUSAT = "pusat"


# Indonesia's three time zones by province code (UU: Keppres 41/1987); the centre keeps WIB.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}

_NODE = re.compile(r"^(?:(?P<kind>kab|kota)-(?P<prov>\d{2})\.(?P<reg>\d{2})|prov-(?P<only>\d{2})|pusat)$")


class OfficeId(msgspec.Struct, frozen=True):
    """A node's identity: `kab-16.13`, `kota-16.71`, `prov-16` or `pusat`."""

    value: str

    @property
    def tier(self) -> Tier:
        if self.value == "pusat":
            return Tier.PUSAT
        return Tier.PROVINSI if self.value.startswith("prov-") else Tier.KABKOTA

    @property
    def region_code(self) -> str | None:
        """The Kemendagri code (`16.13`, `16`), or None for the centre."""
        return None if self.value == "pusat" else self.value.split("-", 1)[1]

    @property
    def province_code(self) -> str | None:
        code = self.region_code
        return code.split(".")[0] if code else None

    @property
    def parent(self) -> OfficeId | None:
        """The office a question goes to when this one cannot settle it."""
        if self.tier is Tier.KABKOTA:
            return OfficeId(f"prov-{self.province_code}")
        if self.tier is Tier.PROVINSI:
            return OfficeId("pusat")
        return None

    @property
    def timezone(self) -> str:
        """IANA zone of the office's local time (WIB, WITA or WIT)."""
        province = self.province_code
        if province in _WITA:
            return "Asia/Makassar"
        if province in _WIT:
            return "Asia/Jayapura"
        return "Asia/Jakarta"

    def __str__(self) -> str:
        return self.value


def parse_office_id(raw: str) -> OfficeId:
    """Checks the form of a node id; a regency code 01–69 is a kabupaten, 71–99 a kota."""
    text = raw.strip().lower()
    match = _NODE.match(text)
    if match is None:
        raise InvalidOffice(field="office", value=raw)
    kind, regency = match.group("kind"), match.group("reg")
    if kind is not None:
        number = int(regency)
        is_kota = number >= 71
        if number == 0 or number == 70 or (kind == "kota") != is_kota:
            raise InvalidOffice(field="office", value=raw)
    return OfficeId(text)
