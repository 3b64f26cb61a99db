"""A message clipped from a group (issue 14): its text or its screenshot, the sender as shown (sealed), the group and
the time; into a new consultation on the messaging channel with the group's party, or an open one; once however often
its form is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.clip import (
    ClipEmpty,
    ClipFromFuture,
    ClipGroup,
    ClipKeyInvalid,
    ClipTooOld,
    check_clip,
    clip_id,
    clip_identity,
)
from domain.errors import AlreadyClosed, ContactRequired
from domain.group_values import GroupRetired, Platform
from domain.parties import Party
from domain.roles import Role
from domain.script import Status
from domain.values import Channel, DocumentationKind
from gateways.bootstrap import Node
from services.clips import ClipInput, Screenshot
from services.consultations import IdentityInput
from services.groups import GroupInput
from tests.support.samples import png

T0 = datetime(2024, 7, 29, 1, 0, tzinfo=UTC)
OFFICE = "kab-16.13"
SITI = IdentityInput(name="Siti", party_number=1, phone="081234567890")
TYPED = ClipGroup("Grup LO Kabupaten", Platform.WHATSAPP)


def test_a_clip_needs_its_text_or_its_screenshot_and_no_time_to_come() -> None:
    with pytest.raises(ClipEmpty):
        check_clip(sender="Budi", text="  ", sent_at=T0, group=TYPED, has_screenshot=False, now=T0)
    assert check_clip(sender="Budi", text="", sent_at=T0, group=TYPED, has_screenshot=True, now=T0).text == ""
    with pytest.raises(ClipFromFuture):
        check_clip(sender="Budi", text="Halo", sent_at=T0 + timedelta(hours=1), group=TYPED, has_screenshot=False,
                   now=T0)
    with pytest.raises(ClipTooOld):
        check_clip(sender="Budi", text="Halo", sent_at=datetime(1, 1, 1, tzinfo=UTC), group=TYPED,
                   has_screenshot=False, now=T0)
    with pytest.raises(ClipKeyInvalid):
        clip_id(OFFICE, " ")
    assert clip_id(OFFICE, "k-1") == clip_id(OFFICE, "k-1") != clip_id("kab-16.14", "k-1")


def test_the_sender_shown_as_a_number_is_the_way_back() -> None:
    clip = check_clip(sender="+62 812-3456-7890", text="Halo", sent_at=T0, group=TYPED, has_screenshot=False, now=T0)
    identity = clip_identity(clip, None)
    assert (identity.phone, identity.party.name) == ("+6281234567890", "Belum diketahui")
    named = check_clip(sender="Budi", text="Halo", sent_at=T0, group=TYPED, has_screenshot=False, now=T0)
    with pytest.raises(ContactRequired):
        clip_identity(named, None)


def test_a_clip_opens_a_messaging_consultation_once_with_the_groups_party(memory_node: Node) -> None:
    node = memory_node
    koord = node.accounts.get_user(node.accounts.register_user("koord", "Koord", Role.KOORDINATOR_HARIAN, OFFICE,
                                                               "kata-sandi-uji-123", "test"))
    group_id = node.helpdesk.register_group(koord, GroupInput(platform="whatsapp", name="LO PKB", party_number=1))
    node.helpdesk.add_group_member(koord, group_id, "Budi Santoso", "liaison", "081234567890")
    clip = ClipInput(key=str(uuid4()), sender="Budi Santoso", text="Akun SIPOL kami terkunci.", sent_at=T0,
                     group_id=group_id, screenshot=Screenshot(png(3), "image/png"))

    # Sent three times (a double tap, then a retry): one consultation.
    first = node.helpdesk.paste_clip(OFFICE, clip, "desk")
    again = [node.helpdesk.paste_clip(OFFICE, clip, "desk") for _ in range(2)]
    assert first.new and first.opened and [r.new for r in again] == [False, False]
    assert {r.consultation_id for r in again} == {first.consultation_id}
    view = node.helpdesk.get_consultation(OFFICE, first.consultation_id)
    assert (view.channel, view.status, view.problem) == (Channel.MESSAGING, Status.PROBLEM_RECORDED,
                                                         "Akun SIPOL kami terkunci.")
    # The party is the group's; the way back is the phone the register knows for the liaison.
    assert (view.identity.party.name, view.identity.phone) == ("Partai Kebangkitan Bangsa", "+6281234567890")
    assert [d.kind for d in view.documentation] == [DocumentationKind.SCREENSHOT]
    assert node.files.get(view.documentation[0].storage_key) == png(3)
    # The clip is on the record, its sender sealed; the list of clips shows them masked.
    stored = b"".join(e.state for e in node.helpdesk.recorder.select_events(clip_id(OFFICE, clip.key)))
    assert b"Budi" not in stored and b"Akun SIPOL" in stored
    [row] = node.groups.clips_of(first.consultation_id)
    assert (row.sender, row.group_name, row.opened, row.sent_at) == ("B••• S•••", "LO PKB", True, T0)


def test_a_clip_joins_an_open_consultation_and_never_a_closed_or_retired_one(memory_node: Node) -> None:
    node = memory_node
    opened = node.helpdesk.paste_clip(OFFICE, ClipInput(key="a", sender="0812 1111 2222", text="Tanya", sent_at=T0,
                                                        group_name="Grup LO", platform="whatsapp"), "desk")
    joined = node.helpdesk.paste_clip(
        OFFICE, ClipInput(key="b", sender="0812 1111 2222", sent_at=T0, group_name="Grup LO",
                          screenshot=Screenshot(png(4), "image/png")), "desk", into=opened.consultation_id)
    assert (joined.consultation_id, joined.opened) == (opened.consultation_id, False)
    view = node.helpdesk.get_consultation(OFFICE, opened.consultation_id)
    assert len(view.documentation) == 1 and view.problem == "Tanya"
    assert len(node.groups.clips_of(opened.consultation_id)) == 2

    # A refused clip keeps no file: a text-only clip into a closed consultation is refused before anything is kept.
    closed = node.helpdesk.open_consultation(OFFICE, Channel.EMAIL, SITI, "desk")
    node.helpdesk.record_problem(OFFICE, closed, "Lupa sandi.", "desk")
    node.helpdesk.answer_problem(OFFICE, closed, "Atur ulang.", [("faq_sipol", "1")], "desk",
                                 role=Role.ANGGOTA_HELPDESK)
    node.helpdesk.log_in_report(OFFICE, closed, "desk")
    node.helpdesk.close_consultation(OFFICE, closed, "desk")
    with pytest.raises(AlreadyClosed):
        node.helpdesk.paste_clip(OFFICE, ClipInput(key="c", sender="Sari", text="x", sent_at=T0, group_name="G"),
                                 "desk", into=closed)
    koord = node.accounts.get_user(node.accounts.register_user("koord-dua", "K", Role.KOORDINATOR, OFFICE,
                                                               "kata-sandi-uji-123", "test"))
    retired = node.helpdesk.register_group(koord, GroupInput(platform="other", name="Lama", party_name="Partai X"))
    node.helpdesk.retire_group(koord, retired)
    with pytest.raises(GroupRetired):
        node.helpdesk.paste_clip(OFFICE, ClipInput(key="d", sender="0812 1111 2222", text="x", sent_at=T0,
                                                   group_id=retired), "desk")


def test_the_unknown_party_of_a_typed_group_is_the_placeholder() -> None:
    assert Party(name="Belum diketahui") == clip_identity(
        check_clip(sender="0812 1111 2222", text="x", sent_at=T0, group=TYPED, has_screenshot=False, now=T0),
        None).party
