"""The hourly check of the mailbox on the record (domain/mailbox_watch.py): one entry per folder and hour, every
read that found mail, every outage once and its end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.mailbox_watch import MailboxWatch, watch_id

T0 = datetime(2024, 7, 1, 1, 0, tzinfo=UTC)  # 08.00 WIB
BOX = "helpdesk@kab-1613.kpu.go.id"


def recorded(watch: MailboxWatch) -> list[tuple[str, object]]:
    return [(type(e).__name__, getattr(e, "folder", getattr(e, "reason", None))) for e in watch.collect_events()]


def test_a_watch_per_mailbox_and_day() -> None:
    watch = MailboxWatch.start("kab-16.13", BOX, date(2024, 7, 1), T0)
    assert watch.id == watch_id("kab-16.13", BOX.upper(), date(2024, 7, 1)) != watch_id(
        "kab-16.13", BOX, date(2024, 7, 2))


def test_one_read_per_folder_and_hour_is_recorded_and_every_one_that_found_mail() -> None:
    watch = MailboxWatch.start("kab-16.13", BOX, date(2024, 7, 1), T0)
    for minutes in range(0, 60, 5):  # every five minutes for an hour, nothing new
        watch.folder_read("inbox", 0, T0 + timedelta(minutes=minutes))
        watch.folder_read("spam", 0, T0 + timedelta(minutes=minutes))
    watch.folder_read("inbox", 2, T0 + timedelta(minutes=57))  # found mail
    watch.folder_read("inbox", 0, T0 + timedelta(minutes=61))  # the next hour
    assert recorded(watch) == [("Started", None), ("FolderRead", "inbox"), ("FolderRead", "spam"),
                               ("FolderRead", "inbox"), ("FolderRead", "inbox")]


def test_an_outage_is_one_entry_and_its_end_another() -> None:
    watch = MailboxWatch.start("kab-16.13", BOX, date(2024, 7, 1), T0)
    watch.folder_read("inbox", 0, T0)
    for minutes in (5, 10, 15):
        watch.read_failed("ConnectionRefusedError: [Errno 111] Connection refused", T0 + timedelta(minutes=minutes))
    watch.folder_read("inbox", 0, T0 + timedelta(minutes=20))  # same hour, but it ends the outage
    assert [name for name, _ in recorded(watch)] == ["Started", "FolderRead", "ReadFailed", "FolderRead"]
    assert not watch.failing
