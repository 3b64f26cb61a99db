"""Notifications, one row per (event position, person): recorded once per event per person, because each batch
commits with this read model's tracking position (projections/runner.py). Beside them, what the recipient rules need
and only the events give: the office's staff by role (as projections/users.py keeps them), each consultation's or
case's number, channel and handler, and each person's choices of what reaches them outside the app.

Whether a person has read a notification is not in the log (a click is no fact of the SOP, and an event per click
would fill the audit chain the centre verifies): it is kept in `notification_reads`, keyed by the same (position,
person), outside this read model's tables so that a rebuild keeps it (projections/notification_queries.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import domain.team_notices  # noqa: F401 - registers the team's day (monitoring, incidents, daily reports)
from domain.notification_values import Kind, Notice, Staff, recipients_of
from domain.notifications import (
    REGISTRY,
    SETTLES,
    SUBJECTS,
    NotificationSettings,
    SubjectNote,
    notice_of,
    settled_by,
    subject_note,
)
from domain.roles import Role
from domain.users import User
from projections.base import KEYS_PER_QUERY, BatchRows, ReadModel, Writer, iso, to_json

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
_SUBJECT_NAMES = ("subject_id", "number", "channel", "handler")
_NOTIFICATION_NAMES = (
    "position", "user_id", "username", "kind", "subject", "subject_id", "number", "code", "vals", "at", "settled",
)
_KIND, _SUBJECT_ID, _SETTLED = 3, 5, 10  # where these columns are in a notification's row


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
    reads_personal_data = False  # a notice never names the consultee (domain/notifications.py)

    def __init__(self, office_id: str) -> None:
        self.office_id = office_id  # the staff of this office receive; an old account of another office does not
        # Read when the node is built, after every part registered its events (domain/notifications.py).
        self.topics = tuple(dict.fromkeys(
            [*REGISTRY, *SETTLES, *SUBJECTS, *_STAFF_EVENTS, NotificationSettings.Chosen]))
        self._batch: _Batch | None = None  # between begin_batch and end_batch

    def begin_batch(self, tx: Writer, events: Sequence[Any] = ()) -> None:
        # What each event notes and tells is worked out once, here, so the subjects they name load in one query.
        self._batch = batch = _Batch()
        for event in events:
            note, notice = subject_note(event), notice_of(event)
            batch.derived[id(event)] = (note, notice)
            if note is not None:
                batch.wanted.append(str(note.subject_id))
            if notice is not None and notice.subject_id is not None:
                batch.wanted.append(str(notice.subject_id))
        batch.subjects.load(tx, batch.wanted)

    def end_batch(self, tx: Writer) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.write(tx)

    def process(self, event: Any, position: int, tx: Writer) -> None:
        if self._batch is None:  # outside a runner's batch (a test feeding events by hand): a batch of one
            self.begin_batch(tx, (event,))
            self._apply(event, position, self._batch, tx)  # type: ignore[arg-type]
            self.end_batch(tx)
        else:
            self._apply(event, position, self._batch, tx)

    def _apply(self, event: Any, position: int, batch: _Batch, tx: Writer) -> None:
        kind = type(event)
        if kind in _STAFF_EVENTS:
            self._staff(event, tx)
            batch.staff = None  # read again by the next notice
            return
        if kind is NotificationSettings.Chosen:
            self._choices(event, tx)
            return
        settled = settled_by(event)
        if settled is not None:
            batch.settle(str(settled[0]), {k.value for k in settled[1]})
        derived = batch.derived.get(id(event))
        note, notice = derived if derived is not None else (subject_note(event), notice_of(event))
        if note is not None:
            batch.note(tx, note)
        if notice is not None:
            self._record(notice, position, iso(event.timestamp) or "", batch, tx)

    def _record(self, notice: Notice, position: int, at: str, batch: _Batch, tx: Writer) -> None:
        number, channel, handler = notice.number, None, None
        if notice.subject_id is not None:
            found = batch.subjects.get(tx, str(notice.subject_id))
            if found is not None:
                number, channel, handler = number or found["number"] or "", found["channel"], found["handler"]
        staff, ids = batch.staff_now(tx)
        values = {"number": number, **({"channel": channel} if channel else {}), **notice.values}
        subject_id = str(notice.subject_id) if notice.subject_id else None
        for username in recipients_of(notice.recipients, staff, handler):
            batch.add([position, ids[username], username, notice.kind.value, notice.subject.value, subject_id,
                       number, notice.code, to_json(values), at, 0])

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


class _Batch:
    """One batch of this read model, kept in memory and written at its end: the subjects its events read and note
    (read once), the staff as they now stand, the notifications it records (each settled here by the batch's later
    events), and what the batch settles of the notifications stored before it."""

    def __init__(self) -> None:
        self.subjects = BatchRows("rm_notify_subjects", _SUBJECT_NAMES)
        self.derived: dict[int, tuple[SubjectNote | None, Notice | None]] = {}  # by id() of the batch's events
        self.wanted: list[str] = []
        self.staff: tuple[list[Staff], dict[str, str]] | None = None
        self.rows: dict[tuple[int, str], list[Any]] = {}
        self.by_subject: dict[str, list[list[Any]]] = {}
        self.settled: dict[str, set[str]] = {}  # subject id -> the kinds the batch's events settle

    def staff_now(self, tx: Writer) -> tuple[list[Staff], dict[str, str]]:
        """The office's staff by username, and each one's user id."""
        if self.staff is None:
            found = tx.execute("SELECT username, user_id, role, active FROM rm_notify_staff ORDER BY username")
            self.staff = [Staff(r[0], Role(r[2]), bool(r[3])) for r in found], {r[0]: r[1] for r in found}
        return self.staff

    def note(self, tx: Writer, note: SubjectNote) -> None:
        key = str(note.subject_id)
        row = self.subjects.get(tx, key)
        if row is None:
            self.subjects.add({"subject_id": key, "number": note.number, "channel": note.channel,
                               "handler": note.handler})
            return
        # What the note leaves out (None) stays as the subject had it.
        for column, value in (("number", note.number), ("channel", note.channel), ("handler", note.handler)):
            if value is not None:
                row[column] = value
        self.subjects.changed(key)

    def settle(self, subject_id: str, kinds: set[str]) -> None:
        for row in self.by_subject.get(subject_id, ()):
            if row[_KIND] in kinds:
                row[_SETTLED] = 1
        self.settled.setdefault(subject_id, set()).update(kinds)

    def add(self, row: list[Any]) -> None:
        """A notification (one per event and person: a person named twice gets it once)."""
        key = (row[0], row[1])
        if key not in self.rows:
            self.rows[key] = row
            if row[_SUBJECT_ID] is not None:
                self.by_subject.setdefault(row[_SUBJECT_ID], []).append(row)

    def write(self, tx: Writer) -> None:
        self.subjects.write(tx)
        # Every notification stored before the batch came before all of its events: the waiting ones of a kind
        # they settle are settled, found first with one query so only those are written.
        subjects, waiting = list(self.settled), []
        for start in range(0, len(subjects), KEYS_PER_QUERY):
            chunk = subjects[start:start + KEYS_PER_QUERY]
            waiting += tx.execute(
                "SELECT DISTINCT subject_id, kind FROM rm_notifications WHERE settled = 0"
                f" AND subject_id IN ({', '.join('?' * len(chunk))})", chunk)
        settled = [(subject_id, kind) for subject_id, kind in waiting if kind in self.settled[subject_id]]
        if settled:
            tx.executemany("UPDATE rm_notifications SET settled = 1 WHERE subject_id = ? AND kind = ? AND settled = 0",
                           settled)
        tx.insert_many("rm_notifications", _NOTIFICATION_NAMES, list(self.rows.values()))
