"""The schedule form's first values (gateways/web/meeting_panel.py): the next full hour within the working day in
the office's own time, else 09.00 of the next working morning; never a slot across midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.offices import OfficeId
from domain.roles import Role
from domain.script import Status
from domain.values import Channel
from gateways.web.meeting_panel import meeting_panel


class Consultation:
    channel, status = Channel.ONLINE_MEETING, Status.OPENED


class Desk:
    role, username = Role.ANGGOTA_HELPDESK, "desk.ani"


@pytest.mark.parametrize(("utc", "day", "start", "end"), [
    (datetime(2026, 12, 3, 2, 30, tzinfo=UTC), "2026-12-03", "10:00", "11:00"),  # 09.30 WIB
    (datetime(2026, 12, 3, 7, 10, tzinfo=UTC), "2026-12-03", "15:00", "16:00"),  # 14.10 WIB: the last suggested hour
    (datetime(2026, 12, 3, 9, 30, tzinfo=UTC), "2026-12-04", "09:00", "10:00"),  # 16.30 WIB: tomorrow
    (datetime(2026, 12, 3, 15, 11, tzinfo=UTC), "2026-12-04", "09:00", "10:00"),  # 22.11 WIB: not 23.00–00.00
    (datetime(2026, 12, 3, 22, 30, tzinfo=UTC), "2026-12-04", "09:00", "10:00"),  # 05.30 WIB: this morning
])
def test_the_suggested_slot_is_in_working_hours_and_never_crosses_midnight(utc, day, start, end) -> None:
    panel = meeting_panel([], Consultation(), Desk(), OfficeId("kab-16.13"), utc)  # type: ignore[arg-type]
    assert panel is not None
    assert panel["defaults"] == {"day": day, "starts_at": start, "ends_at": end, "host": "desk.ani"}


def test_a_wit_office_suggests_in_its_own_time() -> None:
    at = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    panel = meeting_panel([], Consultation(), Desk(), OfficeId("kab-94.01"), at)  # type: ignore[arg-type]
    assert panel is not None and panel["defaults"]["starts_at"] == "10:00"  # 09.30 WIT
