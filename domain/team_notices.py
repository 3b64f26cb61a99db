"""The team's day in the notifications' registry (domain/notifications.py): a SIPOL monitoring report missed (the
reporter on duty, the Koordinator Harian and the commissioner, SOP part D), a special incident reported and passed
on (A.4b–c), a daily report returned to its author. One entry each; the words name a day, a slot or a category,
never a consultee."""

from __future__ import annotations

from domain.incidents import Incident
from domain.monitoring import MonitoringReport
from domain.notification_values import Kind, Notice, Subject, ToRoles, ToStaff
from domain.notifications import SETTLES, notifies
from domain.roles import Role
from domain.staff_report import StaffReport

KOORDINATOR_HARIAN = frozenset({Role.KOORDINATOR_HARIAN})


@notifies(MonitoringReport.Missed)
def _monitoring_missed(event: MonitoringReport.Missed) -> Notice:
    return Notice(kind=Kind.REPORT_MISSED,
                  recipients=ToRoles(frozenset({Role.KOORDINATOR_HARIAN, Role.ANGGOTA_KPU}), also=event.reporters),
                  subject=Subject.MONITORING, subject_id=event.originator_id, number="", code="notice_report_missed",
                  values={"day": event.day.isoformat(), "slot": event.slot.label})


@notifies(Incident.Reported)
def _incident_reported(event: Incident.Reported) -> Notice:
    return Notice(kind=Kind.INCIDENT, recipients=ToRoles(KOORDINATOR_HARIAN), subject=Subject.INCIDENT,
                  subject_id=event.originator_id, number="", code="notice_incident_reported")


@notifies(Incident.Passed)
def _incident_passed(event: Incident.Passed) -> Notice:
    return Notice(kind=Kind.INCIDENT, recipients=ToRoles(frozenset({Role.KOORDINATOR})), subject=Subject.INCIDENT,
                  subject_id=event.originator_id, number="", code="notice_incident_passed")


@notifies(StaffReport.Returned)
def _staff_report_returned(event: StaffReport.Returned) -> Notice | None:
    if not event.author:
        return None
    return Notice(kind=Kind.REPORT_RETURNED, recipients=ToStaff((event.author,)), subject=Subject.STAFF_REPORT,
                  subject_id=event.originator_id, number="", code="notice_report_returned",
                  values={"day": event.day.isoformat()})


# What settles them: the report submitted after all, the incident taken up, the returned report sent again.
SETTLES.update({
    MonitoringReport.SubmittedAfterMiss: (Kind.REPORT_MISSED,),
    Incident.Received: (Kind.INCIDENT,),
    Incident.Closed: (Kind.INCIDENT,),
    StaffReport.Resubmitted: (Kind.REPORT_RETURNED,),
})
