"""Parties per election period: the national list when there is one, the calon peserta an office adds, and the
consultee's party resolved against both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import TextRequired
from domain.office_parties import OfficeParties, PartyAlreadyKnown, UnknownOfficeParty
from domain.parties import Party, PartyRegister
from gateways.bootstrap import Node
from gateways.reference import party_register
from services.consultations import IdentityInput

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)
OFFICE = "kab-16.13"


def test_a_period_without_a_national_list_starts_empty_and_2024_has_the_ballot() -> None:
    assert party_register("2029").parties == ()
    assert len(party_register("2024").parties) == 24


def test_an_office_adds_a_calon_peserta_once_and_not_one_already_on_the_list() -> None:
    national = party_register("2024")
    office = OfficeParties.start(office_id=OFFICE, period="2024", at=T0)
    office.add("  Partai Harapan Desa ", "PHD", national, "ketua.sri", T0)
    assert office.parties == (Party(name="Partai Harapan Desa", abbreviation="PHD"),)
    # The same name in another case, its abbreviation, or a party of the ballot: already known.
    known = (("partai harapan desa", None), ("Partai Lain", "P.H.D."), ("Partai Golongan Karya", None),
             ("Partai Baru", "Golkar"))
    for name, abbreviation in known:
        with pytest.raises(PartyAlreadyKnown):
            office.add(name, abbreviation, national, "ketua.sri", T0 + timedelta(minutes=1))
    with pytest.raises(TextRequired):
        office.add("   ", None, national, "ketua.sri", T0)
    office.remove("Partai Harapan Desa", "ketua.sri", T0 + timedelta(minutes=2))
    assert office.parties == ()
    with pytest.raises(UnknownOfficeParty):
        office.remove("Partai Harapan Desa", "ketua.sri", T0 + timedelta(minutes=3))


def test_the_register_with_an_offices_parties_resolves_a_typed_name_to_it() -> None:
    register = PartyRegister([Party("Partai A", "PA", 1)]).with_parties([Party("Partai Harapan Desa", "PHD")])
    assert [p.name for p in register.parties] == ["Partai A", "Partai Harapan Desa"]
    assert register.resolve(None, "phd") == Party("Partai Harapan Desa", "PHD")
    assert register.resolve(None, "Partai Belum Terdaftar") == Party("Partai Belum Terdaftar")


def test_a_consultee_of_an_added_party_is_recorded_with_it(memory_node: Node) -> None:
    helpdesk = memory_node.helpdesk
    helpdesk.add_party(OFFICE, "Partai Harapan Desa", "PHD", "ketua.sri")
    cid = helpdesk.open_consultation(OFFICE, "email", IdentityInput(name="Sari", party_name="PHD", phone="0812345678"),
                                     "desk.ani")
    assert helpdesk.get_consultation(OFFICE, cid).identity.party == Party("Partai Harapan Desa", "PHD")
    # The read model lists what the office added, with who added it; another office sees none of it.
    [added] = memory_node.party_list.added(OFFICE)
    assert (added.name, added.abbreviation, added.added_by, added.period) == ("Partai Harapan Desa", "PHD",
                                                                              "ketua.sri", "2024")
    assert memory_node.party_list.added("kab-16.01") == []
    assert memory_node.party_list.register(OFFICE).find("PHD") is not None
    helpdesk.remove_party(OFFICE, "Partai Harapan Desa", "ketua.sri")
    assert memory_node.party_list.added(OFFICE) == []
    # A consultation that named it keeps the party it recorded.
    assert helpdesk.get_consultation(OFFICE, cid).identity.party.abbreviation == "PHD"
