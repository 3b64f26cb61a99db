"""Notifications, one row per (event position, person): recorded once per event per person, because each batch
commits with this read model's tracking position (projections/runner.py). Beside them, what the recipient rules need
and only the events give: the office's staff by role (as projections/users.py keeps them), each consultation's or
case's number, channel and handler, and each person's choices of what reaches them outside the app.

Whether a person has read a notification is not in the log (a click is no fact of the SOP, and an event per click
would fill the audit chain the centre verifies): it is kept in `notification_reads`, keyed by the same (position,
person), outside this read model's tables so that a rebuild keeps it (projections/notification_queries.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

import domain.team_notices  # noqa: F401 - registers the team's day (monitoring, incidents, daily reports)
from domain.notification_values import Kind, Notice, Staff, recipients_of
from domain.notifications import (
    REGISTRY,
    SETTLES,
    SUBJECTS,
    NotificationSettings,
    notice_of,
    settled_by,
    subject_note,
)
from domain.roles import Role
from domain.users import User
from projections.base import ReadModel, Writer, iso, to_json

NOTIFICATIONS = """
    position BIGINT NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL, kind TEXT NOT NULL,
    subject TEXT NOT NULL, subject_id TEXT, number TEXT NOT NULL, code TEXT NOT NULL, vals TEXT NOT NULL,
    at TEXT NOT NULL, settled INTEGER NOT NULL, PRIMARY KEY (position, user_id)
"""
STAFF = "username TEXT PRIMARY KEY, user_id TEXT NOT NULL, role TEXT NOT NULL, active INTEGER NOT NULL"
SUBJECTS_TABLE = "subject_id TEXT PRIMARY KEY, number TEXT, channel TEXT, handler TEXT"
CHOICES = """
    username TEXT PRIMARY KEY, email TEXT, chat_id TEXT, email_kinds TEXT NOT NULL, telegram_kinds TEXT NOT NULL
"""
_STAFF_EVENTS = (User.Registered, User.RoleChanged, User.Deactivated, User.Reactivated)


def kinds_text(kinds: frozenset[Kind]) -> str:
    """A set of kinds as one column: sorted, comma-separated, with commas around (`,a,b,`) so LIKE finds one."""
    return "," + ",".join(sorted(kind.value for kind in kinds)) + "," if kinds else ""


class NotificationsProjection(ReadModel):
    name = "notifications"
    version = 3  # 2: the team's day (domain/team_notices.py); 3: reactivated staff
    tables: ClassVar[dict[str, str]] = {
        "rm_notifications": NOTIFICATIONS, "rm_notify_staff": STAFF, "rm_notify_subjects": SUBJECTS_TABLE,
        "rm_notify_choices": CHOICES,
    }
    indexes = (
        "CREATE INDEX IF NOT EXISTS rm_notifications_user ON rm_notifications (user_id, position)",
        "CREATE INDEX IF NOT EXISTS rm_notifications_subject ON rm_notifications (subject_id, kind)",
    )

    def __init__(self, office_id: str) -> None:
        self.office_id = office_id  # the staff of this office receive; an old account of another office does not
        # Read when the node is built, after every part registered its events (domain/notifications.py).
        self.topics = tuple(dict.fromkeys(
            [*REGISTRY, *SETTLES, *SUBJECTS, *_STAFF_EVENTS, NotificationSettings.Chosen]))

    def process(self, event: Any, position: int, tx: Writer) -> None:
        kind = type(event)
        if kind in _STAFF_EVENTS:
            self._staff(event, tx)
            return
        if kind is NotificationSettings.Chosen:
            self._choices(event, tx)
            return
        settled = settled_by(event)
        if settled is not None:
            subject_id, kinds = settled
            tx.execute(
                f"UPDATE rm_notifications SET settled = 1 WHERE subject_id = ? AND settled = 0"
                f" AND kind IN ({', '.join('?' * len(kinds))})",
                (str(subject_id), *(k.value for k in kinds)),
            )
        note = subject_note(event)
        if note is not None:
            tx.execute(
                "INSERT INTO rm_notify_subjects (subject_id, number, channel, handler) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (subject_id) DO UPDATE SET number = COALESCE(excluded.number, rm_notify_subjects.number),"
                " channel = COALESCE(excluded.channel, rm_notify_subjects.channel),"
                " handler = COALESCE(excluded.handler, rm_notify_subjects.handler)",
                (str(note.subject_id), note.number, note.channel, note.handler),
            )
        notice = notice_of(event)
        if notice is not None:
            self._record(notice, position, iso(event.timestamp) or "", tx)

    def _record(self, notice: Notice, position: int, at: str, tx: Writer) -> None:
        number, channel, handler = notice.number, None, None
        if notice.subject_id is not None:
            found = tx.execute("SELECT number, channel, handler FROM rm_notify_subjects WHERE subject_id = ?",
                               (str(notice.subject_id),))
            if found:
                number, channel, handler = number or found[0][0] or "", found[0][1], found[0][2]
        staff = [Staff(r[0], Role(r[2]), bool(r[3])) for r in tx.execute(
            "SELECT username, user_id, role, active FROM rm_notify_staff ORDER BY username")]
        ids = dict(tx.execute("SELECT username, user_id FROM rm_notify_staff"))
        values = {"number": number, **({"channel": channel} if channel else {}), **notice.values}
        rows = [
            (position, ids[username], username, notice.kind.value, notice.subject.value,
             str(notice.subject_id) if notice.subject_id else None, number, notice.code, to_json(values), at, 0)
            for username in recipients_of(notice.recipients, staff, handler)
        ]
        if rows:
            tx.executemany(
                "INSERT INTO rm_notifications (position, user_id, username, kind, subject, subject_id, number, code,"
                " vals, at, settled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (position, user_id) DO NOTHING",
                rows,
            )

    def _staff(self, event: Any, tx: Writer) -> None:
        if isinstance(event, User.Registered):
            if event.office_id != self.office_id:
                return
            tx.execute(
                "INSERT INTO rm_notify_staff (username, user_id, role, active) VALUES (?, ?, ?, 1)"
                " ON CONFLICT (username) DO NOTHING",
                (event.username, str(event.originator_id), event.role.value),
            )
        elif isinstance(event, User.RoleChanged):
            tx.execute("UPDATE rm_notify_staff SET role = ? WHERE user_id = ?",
                       (event.role.value, str(event.originator_id)))
        else:  # deactivated or reactivated
            tx.execute("UPDATE rm_notify_staff SET active = ? WHERE user_id = ?",
                       (int(isinstance(event, User.Reactivated)), str(event.originator_id)))

    def _choices(self, event: NotificationSettings.Chosen, tx: Writer) -> None:
        choices = event.choices
        tx.execute(
            "INSERT INTO rm_notify_choices (username, email, chat_id, email_kinds, telegram_kinds)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET email = excluded.email,"
            " chat_id = excluded.chat_id, email_kinds = excluded.email_kinds, telegram_kinds = excluded.telegram_kinds",
            (event.username, choices.email, choices.telegram_chat_id, kinds_text(choices.email_kinds),
             kinds_text(choices.telegram_kinds)),
        )
