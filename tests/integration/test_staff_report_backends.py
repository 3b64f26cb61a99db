"""Staff daily reports on SQLite and PostgreSQL too: the figures read from the consultations' and clocks' read
models, the report submitted, returned, submitted again and accepted; only the backend changes."""

from __future__ import annotations

from gateways.bootstrap import Node
from tests.conftest import FakeClock
from tests.unit.test_staff_reports import staff_report_story


def test_a_report_is_prefilled_checked_and_accepted_on_every_backend(node: Node, clock: FakeClock) -> None:
    staff_report_story(node, clock)
