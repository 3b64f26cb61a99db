"""The team's day in the notifications' registry (domain/notifications.py): a SIPOL monitoring report missed (the
reporter on duty, the Koordinator Harian and the commissioner, SOP part D), a special incident reported and passed
on (A.4b–c), a daily report returned to its author, and the reminders of the day (domain/reminders.py): a gap in the
roster, a monitoring report coming due. One entry each; the words name a day, a slot or a category, never a
consultee."""

from __future__ import annotations

from domain.incidents import Incident
from domain.monitoring import MonitoringReport, monitoring_report_id
from domain.monitoring_values import Slot
from domain.notification_values import Kind, Notice, Subject, ToRoles, ToStaff
from domain.notifications import SETTLES, notifies
from domain.reminders import Reminder
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


@notifies(Reminder.Reminded)
def _reminded(event: Reminder.Reminded) -> Notice:
    if event.kind is Kind.COVERAGE_GAP:
        # The Koordinator Harian divides the duties (SOP B.2): the roster's page, the day named.
        return Notice(kind=Kind.COVERAGE_GAP, recipients=ToRoles(KOORDINATOR_HARIAN), subject=Subject.ROSTER,
                      subject_id=event.originator_id, number="", code="notice_coverage_gap",
                      values={"day": event.day.isoformat(), "gaps": str(event.gaps)})
    # A monitoring report coming due: the reporters on duty, or the Koordinator Harian when nobody holds the duty.
    # Its subject is the report's own id, so that the report submitted (or missed) settles it.
    slot = Slot(event.slot)
    return Notice(kind=Kind.MONITORING_DUE,
                  recipients=ToStaff(event.recipients) if event.recipients else ToRoles(KOORDINATOR_HARIAN),
                  subject=Subject.MONITORING, subject_id=monitoring_report_id(event.office_id, event.day, slot),
                  number="", code="notice_monitoring_due", values={"day": event.day.isoformat(), "slot": slot.label})


# What settles them: the report submitted after all, the incident taken up, the returned report sent again.
SETTLES.update({
    MonitoringReport.SubmittedAfterMiss: (Kind.REPORT_MISSED,),
    # A report coming due is settled by the report, or by its miss (then the miss is what waits).
    MonitoringReport.Submitted: (Kind.MONITORING_DUE,),
    MonitoringReport.Missed: (Kind.MONITORING_DUE,),
    Incident.Received: (Kind.INCIDENT,),
    Incident.Closed: (Kind.INCIDENT,),
    StaffReport.Resubmitted: (Kind.REPORT_RETURNED,),
})
