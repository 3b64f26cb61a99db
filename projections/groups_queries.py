"""Queries over the groups' read model: the office's groups as cards (members masked), the group a Telegram chat is,
its party (what the Telegram channel fills a consultation's party with), the groups a staff member watches, and the
clips pasted into a consultation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from projections.base import from_iso
from projections.groups import NAME
from projections.runner import ReadModelRunner


class MemberRow(msgspec.Struct, frozen=True):
    member_id: str
    name: str  # masked
    phone: str  # masked
    role: str


class GroupRow(msgspec.Struct, frozen=True):
    id: str
    platform: str
    name: str
    chat_id: str | None
    party: str
    party_number: int | None
    retired: bool
    registered_by: str
    registered_at: datetime
    members: list[MemberRow] = []
    watchers: list[str] = []  # staff user ids


class ClipRow(msgspec.Struct, frozen=True):
    id: str
    consultation_id: str
    opened: bool
    group_id: str | None
    group_name: str
    platform: str
    sender: str  # masked
    excerpt: str
    sent_at: datetime
    pasted_at: datetime
    actor: str
    screenshot: str | None


_GROUP = ("SELECT group_id, platform, name, chat_id, party, party_number, retired, registered_by, registered_at"
          " FROM rm_groups")


class GroupQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def list(self, office_id: str, *, retired: bool = False) -> list[GroupRow]:
        """The office's groups by name (the retired ones only when asked), each with its members and watchers."""
        self.runner.catch_up(NAME)
        rows = self._query(f"{_GROUP} WHERE office_id = ? AND retired <= ? ORDER BY retired, name, group_id",
                           (office_id, int(retired)))
        groups = [_group(row) for row in rows]
        if not groups:
            return []
        ids = [g.id for g in groups]
        marks = ", ".join("?" * len(ids))
        members: dict[str, list[MemberRow]] = {}
        for group_id, *member in self._query(
                "SELECT group_id, member_id, name, phone, role FROM rm_group_members"
                f" WHERE group_id IN ({marks}) ORDER BY position", ids):
            members.setdefault(group_id, []).append(MemberRow(*member))
        watchers: dict[str, list[str]] = {}
        for group_id, user_id in self._query(
                f"SELECT group_id, user_id FROM rm_group_watchers WHERE group_id IN ({marks}) ORDER BY position",
                ids):
            watchers.setdefault(group_id, []).append(user_id)
        return [msgspec.structs.replace(g, members=members.get(g.id, []), watchers=watchers.get(g.id, []))
                for g in groups]

    def group_of_chat(self, platform: str, chat_id: str) -> UUID | None:
        """The active group a chat of a platform is registered as (the register refuses a chat twice)."""
        self.runner.catch_up(NAME)
        rows = self._query("SELECT group_id FROM rm_groups WHERE platform = ? AND chat_id = ? AND retired = 0",
                           (platform, chat_id))
        return UUID(rows[0][0]) if rows else None

    def party_of_group(self, platform: str, chat_id: str | int) -> str | None:
        """The party of the active group a chat is, by its name as the party register knows it (what
        `PartyRegister.find` and the consultee form's party name resolve); None for a chat the register lacks."""
        self.runner.catch_up(NAME)
        rows = self._query("SELECT party FROM rm_groups WHERE platform = ? AND chat_id = ? AND retired = 0",
                           (platform, str(chat_id)))
        return rows[0][0] if rows else None

    def watched_by(self, office_id: str, user_id: str) -> list[GroupRow]:
        """The active groups a staff member watches (for the duty roster)."""
        return [g for g in self.list(office_id) if user_id in g.watchers]

    def clips_of(self, consultation_id: UUID) -> list[ClipRow]:
        self.runner.catch_up(NAME)
        rows = self._query(
            "SELECT clip_id, consultation_id, opened, group_id, group_name, platform, sender, excerpt, sent_at,"
            " pasted_at, actor, screenshot FROM rm_clips WHERE consultation_id = ? ORDER BY position",
            (str(consultation_id),))
        return [ClipRow(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7], from_iso(r[8]),  # type: ignore[arg-type]
                        from_iso(r[9]), r[10], r[11]) for r in rows]

    def _query(self, statement: str, params: tuple | list) -> list[tuple]:
        return self.runner.store.query(statement, params)


def _group(row: tuple) -> GroupRow:
    gid, platform, name, chat_id, party, number, retired, by, at = row
    return GroupRow(gid, platform, name, chat_id, party, number, bool(retired), by, from_iso(at))  # type: ignore[arg-type]
