"""Special incidents (kejadian khusus, SOP A.4b–c; issue 16): any staff member reports one, the Koordinator Harian
receives it and passes it to the Koordinator with a note, the Koordinator closes it with how it was resolved; each
step is an event naming who and when, taken only by the role the table names and only in turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidFields, NotPermitted, TextRequired, TextTooLong
from domain.incident_values import (
    MAX_DESCRIPTION,
    IncidentCategory,
    IncidentOutOfTurn,
    IncidentState,
    IncidentStep,
    IncidentTimeInvalid,
    UnknownIncident,
    UnknownIncidentCategory,
    check_report,
    next_step,
)
from domain.incidents import Incident
from domain.roles import Role
from gateways.bootstrap import Node
from services.incidents import IncidentInput
from services.views import UserView

OFFICE = "kab-16.13"
WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # 09:00 WIB


def report(**changes: object) -> Incident:
    fields: dict[str, object] = {"category": "network", "description": "Wi-Fi meja layanan putus",
                                 "location": "Meja layanan 1", "occurred_at": "2026-12-04T08:45"}
    fields.update(changes)
    given = check_report(str(fields["category"]), str(fields["description"]), str(fields["location"]),
                         fields["occurred_at"], NOW, WIB)  # type: ignore[arg-type]
    return Incident.report(office_id=OFFICE, given=given, role=Role.ANGGOTA_HELPDESK, actor="desk.ani", at=NOW)


def test_a_report_holds_what_when_where_and_its_category_in_office_time() -> None:
    incident = report()
    assert incident.category is IncidentCategory.NETWORK and incident.state is IncidentState.REPORTED
    # 08:45 on the office's wall clock (WIB) is 01:45 UTC.
    assert incident.occurred_at == datetime(2026, 12, 4, 1, 45, tzinfo=UTC)
    assert (incident.location, incident.reporter) == ("Meja layanan 1", "desk.ani")
    # Left empty, the time is now.
    assert report(occurred_at="").occurred_at == NOW


def test_every_wrong_field_of_a_report_is_refused_at_once() -> None:
    with pytest.raises(InvalidFields) as refused:
        check_report("earthquake", "  ", "x" * 500, "besok pagi", NOW, WIB)
    kinds = {error.field: type(error) for error in refused.value.field_errors()}
    assert kinds == {"category": UnknownIncidentCategory, "description": TextRequired, "location": TextTooLong,
                     "occurred_at": IncidentTimeInvalid}
    # Tomorrow, and more than 30 days ago, are no time of an incident reported now.
    for when in ("2026-12-05T08:00", (NOW - timedelta(days=31)).isoformat()):
        with pytest.raises(IncidentTimeInvalid):
            report(occurred_at=when)
    with pytest.raises(TextTooLong):
        report(description="x" * (MAX_DESCRIPTION + 1))


def test_the_steps_go_in_turn_each_by_its_role_and_each_named() -> None:
    incident = report()
    # The desk may not receive; the Koordinator may not close before it was passed to them.
    with pytest.raises(NotPermitted):
        incident.receive(Role.ANGGOTA_HELPDESK, "desk.ani", NOW)
    with pytest.raises(IncidentOutOfTurn):
        incident.close(Role.KOORDINATOR, "Router diganti", "koord", NOW)
    incident.receive(Role.KOORDINATOR_HARIAN, "harian.budi", NOW + timedelta(minutes=2))
    with pytest.raises(IncidentOutOfTurn):
        incident.receive(Role.KOORDINATOR_HARIAN, "harian.budi", NOW)
    with pytest.raises(TextRequired):
        incident.pass_on(Role.KOORDINATOR_HARIAN, " ", "harian.budi", NOW)
    incident.pass_on(Role.KOORDINATOR_HARIAN, "Sudah coba restart router", "harian.budi", NOW + timedelta(minutes=5))
    # The Koordinator Harian cannot close: closing is the Koordinator's (EVALUATE_SERVICE).
    with pytest.raises(NotPermitted):
        incident.close(Role.KOORDINATOR_HARIAN, "Beres", "harian.budi", NOW)
    incident.close(Role.KOORDINATOR, "Router diganti oleh bagian TI", "koord.sari", NOW + timedelta(hours=1))
    assert incident.state is IncidentState.CLOSED
    steps = [(type(e).__name__, e.actor, e.timestamp) for e in incident.collect_events()]
    assert steps == [("Reported", "desk.ani", NOW), ("Received", "harian.budi", NOW + timedelta(minutes=2)),
                     ("Passed", "harian.budi", NOW + timedelta(minutes=5)),
                     ("Closed", "koord.sari", NOW + timedelta(hours=1))]


def test_each_role_is_offered_the_step_the_table_gives_it() -> None:
    assert next_step(Role.KOORDINATOR_HARIAN, IncidentState.REPORTED) is IncidentStep.RECEIVE
    assert next_step(Role.KOORDINATOR_HARIAN, IncidentState.RECEIVED) is IncidentStep.PASS
    assert next_step(Role.KOORDINATOR_HARIAN, IncidentState.PASSED) is None
    assert next_step(Role.KOORDINATOR, IncidentState.PASSED) is IncidentStep.CLOSE
    assert next_step(Role.ANGGOTA_HELPDESK, IncidentState.REPORTED) is None
    assert all(next_step(role, IncidentState.CLOSED) is None for role in Role)


def staff(node: Node, role: Role, username: str) -> UserView:
    user_id = node.accounts.register_user(username, f"Petugas {username}", role, OFFICE, "kata-sandi-uji-123", "test")
    return node.accounts.get_user(user_id)


def test_an_incident_goes_up_the_chain_and_the_read_model_shows_each_step(memory_node: Node) -> None:
    incident_story(memory_node)


def incident_story(node: Node) -> None:
    desk = staff(node, Role.ANGGOTA_HELPDESK, "ik-desk")
    harian = staff(node, Role.KOORDINATOR_HARIAN, "ik-harian")
    koordinator = staff(node, Role.KOORDINATOR, "ik-koord")
    # The desk reports SIPOL unreachable.
    incident_id = node.helpdesk.report_incident(desk, IncidentInput("sipol", "SIPOL tidak bisa dibuka", "Meja 2"))
    [row] = node.incidents.list(OFFICE)
    assert (row.id, row.state, row.reported_by, row.category) == (str(incident_id), IncidentState.REPORTED,
                                                                  "ik-desk", "sipol")
    # A refused step writes nothing: the desk may not pass it on.
    with pytest.raises(NotPermitted):
        node.helpdesk.pass_incident(desk, incident_id, "catatan")
    # The Koordinator Harian receives and passes it, the Koordinator closes it.
    node.helpdesk.receive_incident(harian, incident_id)
    node.helpdesk.pass_incident(harian, incident_id, "Semua meja terdampak")
    assert node.incidents.get(OFFICE, str(incident_id)).state is IncidentState.PASSED  # type: ignore[union-attr]
    node.helpdesk.close_incident(koordinator, incident_id, "SIPOL pulih pukul 10.00")
    done = node.incidents.get(OFFICE, str(incident_id))
    assert done is not None and done.state is IncidentState.CLOSED
    assert (done.received_by, done.passed_by, done.pass_note, done.closed_by, done.resolution) == (
        "ik-harian", "ik-harian", "Semua meja terdampak", "ik-koord", "SIPOL pulih pukul 10.00")
    assert node.incidents.list(OFFICE, closed=False) == []
    # Another office's staff find no such incident.
    other = UserView(uuid4(), "ik-other", "Petugas lain", Role.KOORDINATOR_HARIAN, "kab-16.14", True)
    with pytest.raises(UnknownIncident):
        node.helpdesk.receive_incident(other, incident_id)
