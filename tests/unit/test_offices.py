"""Office ids and the hierarchy: kab/kota → provinsi → pusat, with each office's time zone."""

from __future__ import annotations

import pytest

from domain.errors import InvalidOffice
from domain.offices import OfficeId, Tier, parse_office_id


@pytest.mark.parametrize(
    ("raw", "tier", "region", "province"),
    [
        ("kab-16.13", Tier.KABKOTA, "16.13", "16"),
        ("kota-16.71", Tier.KABKOTA, "16.71", "16"),
        ("prov-16", Tier.PROVINSI, "16", "16"),
        ("pusat", Tier.PUSAT, None, None),
    ],
)
def test_a_node_id_is_parsed(raw: str, tier: Tier, region: str | None, province: str | None) -> None:
    office = parse_office_id(raw)
    assert (office.value, office.tier, office.region_code, office.province_code) == (raw, tier, region, province)
    assert str(office) == raw


def test_case_and_surrounding_space_are_forgiven() -> None:
    assert parse_office_id("  KAB-16.13\n") == OfficeId("kab-16.13")


@pytest.mark.parametrize(
    "raw",
    [
        "kab-16.71",  # 71 and up are kota
        "kota-16.13",  # below 71 is a kabupaten
        "kab-16.00",  # no regency is numbered 00
        "kab-16.70",  # nor 70, between the kabupaten (01-69) and kota (71-99) ranges
        "kab-16",
        "prov-16.13",
        "kab-1.13",
        "prov-016",
        "kabupaten-16.13",
        "pusat-1",
        "",
    ],
)
def test_a_malformed_node_id_is_refused(raw: str) -> None:
    with pytest.raises(InvalidOffice) as refused:
        parse_office_id(raw)
    assert (refused.value.field, refused.value.params) == ("office", {"value": raw})


def test_a_question_climbs_from_regency_to_province_to_centre() -> None:
    chain = []
    office: OfficeId | None = parse_office_id("kab-16.13")
    while office is not None:
        chain.append(office.value)
        office = office.parent
    assert chain == ["kab-16.13", "prov-16", "pusat"]


def test_a_city_reports_to_its_own_province() -> None:
    assert parse_office_id("kota-51.71").parent == OfficeId("prov-51")


@pytest.mark.parametrize(
    ("raw", "zone"),
    [
        ("kab-16.13", "Asia/Jakarta"),  # Sumatera Selatan: WIB
        ("prov-51", "Asia/Makassar"),  # Bali: WITA
        ("kota-51.71", "Asia/Makassar"),
        ("kab-94.01", "Asia/Jayapura"),  # Papua Tengah: WIT
        ("prov-91", "Asia/Jayapura"),
        ("pusat", "Asia/Jakarta"),
    ],
)
def test_each_office_keeps_its_local_time_zone(raw: str, zone: str) -> None:
    assert parse_office_id(raw).timezone == zone
