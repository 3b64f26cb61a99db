"""The node's staff accounts, one row each (no password hash): the Ketua's list of the office's staff."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.users import User
from projections.base import ReadModel, Writer, iso

COLUMNS = """
    id TEXT PRIMARY KEY, username TEXT NOT NULL, full_name TEXT NOT NULL, role TEXT NOT NULL,
    office_id TEXT NOT NULL, active INTEGER NOT NULL, registered_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    nip TEXT
"""


class UsersProjection(ReadModel):
    name = "users"
    version = 3  # 2: reactivated accounts; 3: the NIP printed under a signature
    tables: ClassVar[dict[str, str]] = {"rm_users": COLUMNS}
    indexes = ("CREATE INDEX IF NOT EXISTS rm_users_office ON rm_users (office_id, username)",)
    # Password changes and revoked sessions change nothing the list shows.
    topics = (User.Registered, User.RoleChanged, User.Deactivated, User.Reactivated, User.NipRecorded)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        at, key = iso(event.timestamp), str(event.originator_id)
        kind = type(event)
        if kind is User.Registered:
            # An account is registered once (its id derives from the username); a repeat changes nothing.
            tx.execute(
                "INSERT INTO rm_users (id, username, full_name, role, office_id, active, registered_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (id) DO NOTHING",
                (key, event.username, event.full_name, event.role.value, event.office_id, at, at),
            )
        elif kind is User.RoleChanged:
            tx.execute("UPDATE rm_users SET role = ?, updated_at = ? WHERE id = ?", (event.role.value, at, key))
        elif kind is User.NipRecorded:
            tx.execute("UPDATE rm_users SET nip = ?, updated_at = ? WHERE id = ?", (event.nip, at, key))
        elif kind is User.Deactivated or kind is User.Reactivated:
            tx.execute("UPDATE rm_users SET active = ?, updated_at = ? WHERE id = ?",
                       (int(kind is User.Reactivated), at, key))
