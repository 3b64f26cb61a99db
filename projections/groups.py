"""The messaging groups' register as lists read it, and the clips pasted from groups.

Members are kept here only masked ("B••• S•••", "+62•••••890"): their names and numbers stay sealed in the events,
and the detail page reads them from the group itself. The clips' senders likewise.
"""

from __future__ import annotations

from typing import Any, ClassVar

from domain.clip import Clip
from domain.group_values import mask_name, mask_phone
from domain.groups import Group
from projections.base import ReadModel, Writer, iso

NAME = "groups"
G = Group
GROUPS = """
    group_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, platform TEXT NOT NULL, name TEXT NOT NULL, chat_id TEXT,
    party TEXT NOT NULL, party_number INTEGER, retired INTEGER NOT NULL, registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL, updated_at TEXT NOT NULL
"""
MEMBERS = """
    member_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, name TEXT NOT NULL, phone TEXT NOT NULL, role TEXT NOT NULL,
    added_at TEXT NOT NULL, position INTEGER NOT NULL
"""
WATCHERS = """
    group_id TEXT NOT NULL, user_id TEXT NOT NULL, assigned_at TEXT NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
"""
CLIPS = """
    clip_id TEXT PRIMARY KEY, office_id TEXT NOT NULL, consultation_id TEXT NOT NULL, opened INTEGER NOT NULL,
    group_id TEXT, group_name TEXT NOT NULL, platform TEXT NOT NULL, sender TEXT NOT NULL, excerpt TEXT NOT NULL,
    sent_at TEXT NOT NULL, pasted_at TEXT NOT NULL, actor TEXT NOT NULL, screenshot TEXT, position INTEGER NOT NULL
"""
EXCERPT = 300


class GroupsProjection(ReadModel):
    name = NAME
    version = 1
    tables: ClassVar[dict[str, str]] = {
        "rm_groups": GROUPS, "rm_group_members": MEMBERS, "rm_group_watchers": WATCHERS, "rm_clips": CLIPS,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_groups_office ON rm_groups (office_id, retired, name)",
        "CREATE INDEX IF NOT EXISTS rm_groups_chat ON rm_groups (platform, chat_id)",
        "CREATE INDEX IF NOT EXISTS rm_group_members_group ON rm_group_members (group_id)",
        "CREATE INDEX IF NOT EXISTS rm_group_watchers_user ON rm_group_watchers (user_id)",
        "CREATE INDEX IF NOT EXISTS rm_clips_consultation ON rm_clips (consultation_id, position)",
    )
    topics = (G.Registered, G.MemberAdded, G.MemberRemoved, G.WatcherAssigned, G.WatcherUnassigned, G.Retired,
              Clip.Pasted)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        key = str(event.originator_id)
        HANDLERS[type(event)](event, key, position, tx)
        if type(event) is not Clip.Pasted and type(event) is not G.Registered:
            tx.execute("UPDATE rm_groups SET updated_at = ? WHERE group_id = ?", (iso(event.timestamp), key))


def _registered(event: Any, key: str, position: int, tx: Writer) -> None:
    at = iso(event.timestamp)
    tx.execute(
        "INSERT INTO rm_groups (group_id, office_id, platform, name, chat_id, party, party_number, retired,"
        " registered_by, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
        " ON CONFLICT (group_id) DO NOTHING",
        (key, event.office_id, event.platform.value, event.name, event.chat_id, event.party.name, event.party.number,
         event.actor, at, at),
    )


def _member_added(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_group_members (member_id, group_id, name, phone, role, added_at, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO NOTHING",
        (str(event.member_id), key, mask_name(event.name), mask_phone(event.phone), event.role.value,
         iso(event.timestamp), position),
    )


def _member_removed(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("DELETE FROM rm_group_members WHERE member_id = ?", (str(event.member_id),))


def _watcher_assigned(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("INSERT INTO rm_group_watchers (group_id, user_id, assigned_at, position) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (group_id, user_id) DO NOTHING", (key, event.user_id, iso(event.timestamp), position))


def _watcher_unassigned(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("DELETE FROM rm_group_watchers WHERE group_id = ? AND user_id = ?", (key, event.user_id))


def _retired(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute("UPDATE rm_groups SET retired = 1 WHERE group_id = ?", (key,))


def _pasted(event: Any, key: str, position: int, tx: Writer) -> None:
    tx.execute(
        "INSERT INTO rm_clips (clip_id, office_id, consultation_id, opened, group_id, group_name, platform, sender,"
        " excerpt, sent_at, pasted_at, actor, screenshot, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (clip_id) DO NOTHING",
        (key, event.office_id, str(event.consultation_id), int(event.opened),
         str(event.group_id) if event.group_id else None, event.group_name, event.platform.value,
         mask_name(event.sender), event.text[:EXCERPT], iso(event.sent_at), iso(event.timestamp), event.actor,
         event.screenshot.storage_key if event.screenshot else None, position),
    )


HANDLERS = {G.Registered: _registered, G.MemberAdded: _member_added, G.MemberRemoved: _member_removed,
            G.WatcherAssigned: _watcher_assigned, G.WatcherUnassigned: _watcher_unassigned, G.Retired: _retired,
            Clip.Pasted: _pasted}
