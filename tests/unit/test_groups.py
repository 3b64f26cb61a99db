"""The messaging groups' register (issue 14): a group per party and platform, its liaisons and operators sealed and
masked, the staff who watch it, kept by the coordinators only; the Telegram chat's party for the Telegram channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import InvalidPhone, NotFound, NotPermitted, TextRequired
from domain.group_values import (
    AlreadyWatching,
    ChatAlreadyRegistered,
    ChatIdInvalid,
    GroupRetired,
    MemberAlreadyListed,
    MemberRole,
    Platform,
    UnknownGroup,
    UnknownPlatform,
    mask_name,
    mask_phone,
)
from domain.groups import Group
from domain.parties import Party
from domain.roles import Permission, Role, roles_with
from gateways.bootstrap import Node
from services.groups import GroupInput
from services.views import UserView

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)
OFFICE = "kab-16.13"
PKB = Party(name="Partai Kebangkitan Bangsa", abbreviation="PKB", number=1)


def staff(node: Node, role: Role, username: str) -> UserView:
    user_id = node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def test_only_the_coordinators_keep_the_register() -> None:
    # They divide the desk's duties, and watching a group is one: the Koordinator and the Koordinator Harian.
    assert set(roles_with(Permission.MANAGE_GROUPS)) == {Role.KOORDINATOR, Role.KOORDINATOR_HARIAN}


def test_a_group_names_its_platform_party_and_a_telegram_chat_id_only_for_telegram() -> None:
    group = Group.register(office_id=OFFICE, platform=Platform.TELEGRAM, name=" Narahubung PKB ", chat_id="-100123",
                           party=PKB, actor="koord", at=T0)
    assert (group.name, group.chat_id, group.party) == ("Narahubung PKB", "-100123", PKB)
    # A WhatsApp group has no chat id a bot reads; a Telegram chat id is a whole number.
    for platform, chat_id in ((Platform.WHATSAPP, "-100123"), (Platform.TELEGRAM, "grup-pkb")):
        with pytest.raises(ChatIdInvalid):
            Group.register(office_id=OFFICE, platform=platform, name="G", chat_id=chat_id, party=PKB, actor="k", at=T0)
    with pytest.raises(TextRequired):
        Group.register(office_id=OFFICE, platform=Platform.OTHER, name="  ", chat_id=None, party=PKB, actor="k", at=T0)


def test_members_are_listed_once_and_a_retired_group_changes_no_more() -> None:
    group = Group.register(office_id=OFFICE, platform=Platform.WHATSAPP, name="LO PKB", chat_id=None, party=PKB,
                           actor="koord", at=T0)
    budi = group.add_member("Budi Santoso", MemberRole.LIAISON, "0812-3456-7890", "koord", T0)
    assert group.members[0].phone == "+6281234567890"
    # The same person again, by name or number, is refused; so is a number that is none.
    with pytest.raises(MemberAlreadyListed):
        group.add_member("budi santoso", MemberRole.OPERATOR, None, "koord", T0)
    with pytest.raises(MemberAlreadyListed):
        group.add_member("Budi S.", MemberRole.OPERATOR, "+62 812 3456 7890", "koord", T0)
    with pytest.raises(InvalidPhone):
        group.add_member("Sari", MemberRole.OPERATOR, "12", "koord", T0)
    # A clip's sender as the group shows them finds the member: by name, or by the number the phone shows.
    assert group.member_named("BUDI SANTOSO") is group.members[0]
    assert group.member_named("+62 812-3456-7890") is group.members[0]
    assert group.member_named("Sari") is None
    group.assign_watcher("user-1", "koord", T0)
    with pytest.raises(AlreadyWatching):
        group.assign_watcher("user-1", "koord", T0)
    group.remove_member(budi, "koord", T0 + timedelta(minutes=1))
    group.retire("koord", T0 + timedelta(minutes=2))
    with pytest.raises(GroupRetired):
        group.add_member("Sari", MemberRole.OPERATOR, None, "koord", T0)


def test_lists_show_members_masked() -> None:
    assert mask_name("Budi  Santoso") == "B••• S•••"
    assert mask_phone("+6281234567890") == "+62•••••890"
    assert mask_phone(None) == ""


def test_the_register_is_kept_by_a_coordinator_sealed_and_listed_masked(memory_node: Node) -> None:
    node = memory_node
    koordinator = staff(node, Role.KOORDINATOR_HARIAN, "koord-harian")
    desk = staff(node, Role.ANGGOTA_HELPDESK, "anggota")
    telegram = GroupInput(platform="telegram", name="Narahubung PKB", party_number=1, chat_id="-1001234567")
    # The desk serves the groups; it does not keep their register.
    with pytest.raises(NotPermitted):
        node.helpdesk.register_group(desk, telegram)
    with pytest.raises(UnknownPlatform):
        node.helpdesk.register_group(koordinator, GroupInput(platform="pager", name="X", party_number=1))
    group_id = node.helpdesk.register_group(koordinator, telegram)
    member = node.helpdesk.add_group_member(koordinator, group_id, "Budi Santoso", "liaison", "081234567890")
    node.helpdesk.add_group_member(koordinator, group_id, "Sari Dewi", "operator", "081298765432")
    node.helpdesk.assign_group_watcher(koordinator, group_id, desk.id)
    # A watcher is one of this office's staff.
    with pytest.raises(NotFound):
        node.helpdesk.assign_group_watcher(koordinator, group_id, UUID(int=7))

    # The names and numbers are sealed in the log: the stored events hold none of them.
    stored = b"".join(event.state for event in node.helpdesk.recorder.select_events(group_id))
    for secret in (b"Budi", b"Santoso", b"1234567890", b"Sari", b"98765432"):
        assert secret not in stored
    # The detail (at the office) reads them; the list shows them masked.
    view = node.helpdesk.group_view(OFFICE, group_id)
    assert [(m.name, m.phone) for m in view.members] == [("Budi Santoso", "+6281234567890"),
                                                         ("Sari Dewi", "+6281298765432")]
    [listed] = node.groups.list(OFFICE)
    assert (listed.name, listed.platform, listed.party) == ("Narahubung PKB", "telegram", "Partai Kebangkitan Bangsa")
    assert [(m.name, m.phone, m.role) for m in listed.members] == [("B••• S•••", "+62•••••890", "liaison"),
                                                                   ("S••• D•••", "+62•••••432", "operator")]
    assert listed.watchers == [str(desk.id)]
    assert [g.id for g in node.groups.watched_by(OFFICE, str(desk.id))] == [str(group_id)]

    # The Telegram channel asks which party a chat is; a chat is registered once.
    assert node.groups.party_of_group("telegram", -1001234567) == "Partai Kebangkitan Bangsa"
    assert node.groups.party_of_group("telegram", "-999") is None
    with pytest.raises(ChatAlreadyRegistered):
        node.helpdesk.register_group(koordinator, telegram)

    # Removed, retired: gone from the list and from the lookup; another office's group is not found.
    node.helpdesk.remove_group_member(koordinator, group_id, member)
    node.helpdesk.retire_group(koordinator, group_id)
    assert node.groups.list(OFFICE) == []
    assert [len(g.members) for g in node.groups.list(OFFICE, retired=True)] == [1]
    assert node.groups.party_of_group("telegram", "-1001234567") is None
    with pytest.raises(UnknownGroup):
        node.helpdesk.group_view("kab-16.14", group_id)
