"""Queries over the staff accounts read model: the office's staff, and whether the node has any account yet."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.roles import Role
from domain.views import UserView
from projections.base import from_iso
from projections.runner import ReadModelRunner


class Signatory(msgspec.Struct, frozen=True):
    """A staff member as a report prints them under a signature: the full name, and the NIP when recorded."""

    username: str
    full_name: str
    nip: str | None


class UserQueries:
    def __init__(self, runner: ReadModelRunner) -> None:
        self.runner = runner

    def list(self, office_id: str) -> list[UserView]:
        """The office's accounts, active or not, by username."""
        self.runner.catch_up("users")
        rows = self.runner.store.query(
            "SELECT id, username, full_name, role, office_id, active FROM rm_users WHERE office_id = ?"
            " ORDER BY username",
            (office_id,),
        )
        return [UserView(id=UUID(r[0]), username=r[1], full_name=r[2], role=Role(r[3]), office_id=r[4],
                         active=bool(r[5])) for r in rows]

    def full_names(self, office_id: str) -> dict[str, str]:
        """username → full name of the office's staff, for pages that name a step's actor (never by username)."""
        return {u.username: u.full_name for u in self.list(office_id)}

    def exist(self) -> bool:
        """Whether any account was ever registered on this node (the first is made from the command line)."""
        self.runner.catch_up("users")
        return bool(self.runner.store.query("SELECT 1 FROM rm_users LIMIT 1"))

    def first_registered(self) -> datetime | None:
        """When the node's first account was registered: when the office began working on this node (its log begins
        with it; the monitoring watcher raises no alert for a slot due before)."""
        self.runner.catch_up("users")
        found = self.runner.store.query("SELECT MIN(registered_at) FROM rm_users")
        return from_iso(found[0][0]) if found and found[0][0] else None

    def signatory(self, username: str) -> Signatory | None:
        """The account's name and NIP; None when there is no such account."""
        self.runner.catch_up("users")
        rows = self.runner.store.query("SELECT username, full_name, nip FROM rm_users WHERE username = ?", (username,))
        return Signatory(*rows[0]) if rows else None

    def holders(self, office_id: str, role: Role) -> tuple[Signatory, ...]:
        """The office's active accounts holding `role`, by username."""
        self.runner.catch_up("users")
        rows = self.runner.store.query(
            "SELECT username, full_name, nip FROM rm_users WHERE office_id = ? AND role = ? AND active = 1"
            " ORDER BY username", (office_id, role.value))
        return tuple(Signatory(*row) for row in rows)
