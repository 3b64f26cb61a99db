"""A staff member's NIP (issue 17): 18 digits beginning with a birth date, recorded as a past-tense event on their
account, kept in the staff read model beside the full name, and printed under their signature."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.nip import InvalidNip, parse_nip
from domain.roles import Role
from domain.users import User
from gateways.bootstrap import Node

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "kept"), [
    ("198501012010012001", "198501012010012001"),
    ("19850101 201001 2 001", "198501012010012001"),  # written in its groups
    ("19850101.201001.2.001", "198501012010012001"),
    ("  ", None),  # no NIP (not a civil servant): cleared
])
def test_a_nip_is_kept_as_its_18_digits(typed: str, kept: str | None) -> None:
    assert parse_nip(typed) == kept


@pytest.mark.parametrize("typed", ["19850101201001200", "1985010120100120011", "1985O1012010012001",
                                   "198513012010012001", "١٩٨٥٠١٠١٢٠١٠٠١٢٠٠١"])
def test_a_wrong_nip_is_refused_on_its_field(typed: str) -> None:
    with pytest.raises(InvalidNip) as refused:
        parse_nip(typed)
    assert refused.value.field == "nip"


def test_recording_the_nip_is_an_event_and_the_same_nip_again_records_nothing() -> None:
    user = User.register(username="siti", full_name="Siti Aminah", role=Role.SEKRETARIS_HELPDESK,
                         office_id="kab-16.06", password_hash="x", actor="admin", at=NOW)
    assert user.nip is None
    assert user.record_nip("19850101 201001 2 001", "siti", NOW)
    assert user.nip == "198501012010012001"
    assert not user.record_nip("198501012010012001", "siti", NOW)
    events = user.collect_events()
    assert [type(e).__name__ for e in events] == ["Registered", "NipRecorded"]
    assert events[-1].nip == "198501012010012001" and events[-1].actor == "siti"


def test_the_staff_read_model_names_the_signatory_with_the_nip(memory_node: Node) -> None:
    accounts, users = memory_node.accounts, memory_node.users
    accounts.register_user("siti", "Siti Aminah Ṣāliḥah", Role.SEKRETARIS_HELPDESK, "kab-16.13", "kopi-pagi-2024",
                           actor="admin")
    accounts.register_user("ketua", "Ahmad Basri", Role.KETUA_HELPDESK, "kab-16.13", "kopi-pagi-2024", actor="admin")
    accounts.record_nip(User.create_id("siti"), "198501012010012001", "siti")
    siti = users.signatory("siti")
    assert siti is not None and (siti.full_name, siti.nip) == ("Siti Aminah Ṣāliḥah", "198501012010012001")
    assert [(s.username, s.nip) for s in users.holders("kab-16.13", Role.KETUA_HELPDESK)] == [("ketua", None)]
    assert users.signatory("nobody") is None
    # Cleared: the report leaves a dotted line to write it by hand.
    accounts.record_nip(User.create_id("siti"), "", "siti")
    assert users.signatory("siti").nip is None  # type: ignore[union-attr]
