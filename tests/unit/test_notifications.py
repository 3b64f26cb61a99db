"""Notifications in the domain: which events tell whom (the registry), who a recipients rule names among the office's
staff, what waits until a later step settles it, and a staff member's own choices of e-mail and Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.casefile import Answer, CaseFile
from domain.consultation import Consultation
from domain.errors import InvalidFields
from domain.escalation import EscalationCase
from domain.hops import Hop
from domain.notification_values import (
    Choices,
    Kind,
    NotificationAddressMissing,
    NotificationEmailInvalid,
    Staff,
    Subject,
    ToHandler,
    ToRoles,
    ToStaff,
    checked_choices,
    recipients_of,
)
from domain.notifications import (
    REGISTRY,
    NotificationSettings,
    notice_of,
    notifies,
    number_of,
    settled_by,
    subject_note,
)
from domain.parties import Party
from domain.roles import Role
from domain.sop import Level, Step
from domain.sop_clock import SopClock
from domain.values import Channel
from gateways.messages import catalogue

AT = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
STAFF = [
    Staff("ani", Role.ANGGOTA_HELPDESK), Staff("budi", Role.ANGGOTA_HELPDESK), Staff("harian", Role.KOORDINATOR_HARIAN),
    Staff("kpu1", Role.ANGGOTA_KPU), Staff("kpu2", Role.ANGGOTA_KPU), Staff("kpu3", Role.ANGGOTA_KPU, active=False),
    Staff("ketua", Role.KETUA_HELPDESK),
]


def event(cls: type, originator_id=None, **fields):  # noqa: ANN001, ANN201 - a test's shorthand
    if issubclass(cls, Aggregate.Created):  # a first event names its aggregate's class
        fields["originator_topic"] = "test:Aggregate"
    return cls(originator_id=originator_id or uuid4(), originator_version=2, timestamp=AT, **fields)


def case_file() -> CaseFile:
    return CaseFile(origin_office="kab-16.13", origin_id=uuid4(), channel=Channel.MESSAGING, party=Party(name="X"),
                    problem="Akun terkunci, hubungi 081234567890", restatement="Jadi akun terkunci?", opened_at=AT)


def test_a_handover_tells_every_active_commissioner_with_the_number_and_no_personal_data() -> None:
    consultation = uuid4()
    handover = event(Consultation.HandedToCommissioner, consultation, reason="Tidak ada di FAQ", actor="ani")
    notice = notice_of(handover)
    assert notice is not None
    assert (notice.kind, notice.subject, notice.subject_id) == (Kind.HANDOVER_WAITING, Subject.CONSULTATION,
                                                                 consultation)
    assert notice.number == f"HD-{consultation.hex[:8]}" == number_of(consultation)
    # The deactivated commissioner and every other role are left out.
    assert recipients_of(notice.recipients, STAFF, handler="ani") == ["kpu1", "kpu2"]
    # The desk member who handed it over is its handler now: the answer that comes back is theirs.
    assert subject_note(handover).handler == "ani"  # type: ignore[union-attr]


def test_a_case_from_below_tells_the_commissioners_and_the_koordinator_harian_by_its_origin_number() -> None:
    case = case_file()
    received = event(EscalationCase.Received, office_id="prov-16", case=case,
                     down=Hop(lower_office="kab-16.13", upper_office="prov-16", sent_at=AT))
    notice = notice_of(received)
    assert notice is not None and notice.kind is Kind.CASE_RECEIVED and notice.subject is Subject.CASE
    assert notice.number == number_of(case.origin_id)
    assert notice.values == {"channel": "messaging", "office": "kab-16.13"}  # never the problem's words
    assert recipients_of(notice.recipients, STAFF, handler=None) == ["harian", "kpu1", "kpu2"]


def test_the_answer_back_goes_to_the_desk_member_who_handled_it_or_the_desk_when_they_left() -> None:
    arrived = event(Consultation.AnswerArrived, answer=Answer(text="Unggah ulang", bases=(), office="prov-16",
                                                               author="budi.prov", at=AT),
                    hop=Hop(lower_office="kab-16.13", upper_office="prov-16", sent_at=AT))
    notice = notice_of(arrived)
    assert notice is not None and notice.kind is Kind.ANSWER_RETURNED
    assert notice.values == {"office": "prov-16"}
    assert isinstance(notice.recipients, ToHandler)
    assert recipients_of(notice.recipients, STAFF, handler="budi") == ["budi"]
    # Nobody known, or the handler's account deactivated: the desk (its members and the Koordinator Harian).
    gone = [Staff("budi", Role.ANGGOTA_HELPDESK, active=False), *STAFF[:1], STAFF[2]]
    assert recipients_of(notice.recipients, gone, handler="budi") == ["ani", "harian"]
    assert recipients_of(notice.recipients, STAFF, handler=None) == ["ani", "budi", "harian"]


def test_clarifications_go_to_whoever_handles_the_case() -> None:
    asked = notice_of(event(EscalationCase.ClarificationAskedFromAbove, question="Partai apa?", asked_by="pusat"))
    answered = notice_of(event(EscalationCase.ClarificationReceived, text="Partai X"))
    assert asked is not None and answered is not None
    assert (asked.kind, answered.kind) == (Kind.CLARIFICATION_ASKED, Kind.CLARIFICATION_ANSWERED)
    accepted = subject_note(event(EscalationCase.Accepted, actor="harian"))
    assert accepted is not None and accepted.handler == "harian"
    assert recipients_of(asked.recipients, STAFF, accepted.handler) == ["harian"]


def test_a_step_near_its_standard_tells_its_handler_only_at_three_quarters() -> None:
    consultation = uuid4()

    def reached(level: Level) -> object:
        return event(SopClock.ThresholdReached, consultation_id=consultation, office_id="kab-16.13",
                     step=Step.ANSWER, level=level, moment=AT, started_at=AT, standard_s=600, actor_on_duty="ani")

    assert notice_of(reached(Level.WARNING_50)) is None
    assert notice_of(reached(Level.BREACH)) is None
    near = notice_of(reached(Level.WARNING_75))
    assert near is not None and near.kind is Kind.NEAR_BREACH and near.subject_id == consultation
    assert near.values == {"step": "3"}
    assert recipients_of(near.recipients, STAFF, handler="ani") == ["ani"]


def test_a_later_step_settles_what_waited_on_the_same_record() -> None:
    consultation = uuid4()
    assert settled_by(event(Consultation.ForwardedUp, consultation, hop=Hop("kab-16.13", "prov-16", AT),
                            case=case_file(), actor="kpu1")) == (consultation, (Kind.HANDOVER_WAITING,))
    assert settled_by(event(Consultation.Opened, consultation, office_id="kab-16.13", channel=Channel.EMAIL,
                            identity=None, actor="ani")) is None


def test_staff_named_by_username_receive_when_active() -> None:
    assert recipients_of(ToStaff(("ketua", "kpu3", "nobody")), STAFF, None) == ["ketua"]
    assert recipients_of(ToRoles(frozenset({Role.SEKRETARIS_HELPDESK})), STAFF, None) == []


def test_another_part_adds_its_event_with_one_entry_and_only_once() -> None:
    class Reported:  # stands for an incident's event of another part
        def __init__(self) -> None:
            self.originator_id = uuid4()

    try:
        @notifies(Reported)
        def _incident(e: Reported):  # noqa: ANN202
            from domain.notification_values import Notice

            return Notice(kind=Kind.INCIDENT, recipients=ToRoles(frozenset({Role.KOORDINATOR_HARIAN})),
                          subject=Subject.NONE, subject_id=None, number="", code="notice_incident")

        notice = notice_of(Reported())
        assert notice is not None and notice.kind is Kind.INCIDENT
        with pytest.raises(ValueError, match="already notifies"):
            notifies(Reported)(_incident)
    finally:
        REGISTRY.pop(Reported, None)


def test_every_registered_notice_and_every_kind_has_its_words_in_both_languages() -> None:
    coded = catalogue().coded
    for kind in Kind:
        indonesian, english = coded[f"notification.{kind.value}"]
        assert indonesian and english
    codes = {"notice_handover_waiting", "notice_case_received", "notice_clarification_asked",
             "notice_clarification_answered", "notice_answer_returned", "notice_near_breach"}
    for code in codes:
        assert all(coded[code])


def test_choices_are_checked_together_and_need_an_address_for_a_chosen_way_out() -> None:
    chosen = checked_choices(" kpu1@kpu.go.id ", "-100123", ["handover_waiting"], ["case_received"])
    assert chosen == Choices(email="kpu1@kpu.go.id", telegram_chat_id="-100123",
                             email_kinds=frozenset({Kind.HANDOVER_WAITING}),
                             telegram_kinds=frozenset({Kind.CASE_RECEIVED}))
    with pytest.raises(NotificationAddressMissing) as missing:
        checked_choices("", None, ["handover_waiting"], [])
    assert missing.value.field == "email"
    with pytest.raises(NotificationEmailInvalid):
        checked_choices("bukan-alamat", None, [], [])
    with pytest.raises(InvalidFields) as several:
        checked_choices("bukan-alamat", "12ab", ["handover_waiting", "nonsense"], ["near_breach"])
    assert {error.field for error in several.value.field_errors()} == {"email", "telegram_chat_id", "email_kinds"}


def test_choosing_the_same_again_records_nothing() -> None:
    settings = NotificationSettings.start("kpu1", AT)
    chosen = checked_choices("kpu1@kpu.go.id", None, ["handover_waiting"], [])
    assert settings.choose(chosen, "kpu1", AT) is True
    assert settings.choose(chosen, "kpu1", AT) is False
    assert [type(e) for e in settings.collect_events()] == [NotificationSettings.Started, NotificationSettings.Chosen]


def test_the_teams_day_tells_the_reporter_on_duty_the_koordinator_harian_and_the_commissioner_of_a_missed_report(
        ) -> None:
    from datetime import date

    import domain.team_notices  # noqa: F401 - registers the team's day
    from domain.incidents import Incident
    from domain.monitoring import MonitoringReport
    from domain.monitoring_values import Slot
    from domain.notification_values import Staff, recipients_of
    from domain.staff_report import StaffReport
    from domain.staff_report_values import DayFigures

    at = datetime(2026, 12, 4, 1, 31, tzinfo=UTC)
    missed = MonitoringReport.record_missed(office_id="kab-16.13", day=date(2026, 12, 4), slot=Slot.MORNING, at=at,
                                            reporters=("desk.ani",))
    notice = notice_of(missed.collect_events()[0])
    assert notice is not None and notice.kind is Kind.REPORT_MISSED
    assert notice.values == {"day": "2026-12-04", "slot": "08.00"}
    staff = [Staff("desk.ani", Role.ANGGOTA_HELPDESK), Staff("desk.budi", Role.ANGGOTA_HELPDESK),
             Staff("harian", Role.KOORDINATOR_HARIAN), Staff("kpu.sari", Role.ANGGOTA_KPU),
             Staff("ketua", Role.KETUA_HELPDESK)]
    assert recipients_of(notice.recipients, staff, None) == ["desk.ani", "harian", "kpu.sari"]
    # Without a roster, the Koordinator Harian and the commissioner still hear of it.
    bare = MonitoringReport.record_missed(office_id="kab-16.13", day=date(2026, 12, 4), slot=Slot.EVENING,
                                          at=at.replace(hour=10))
    bare_notice = notice_of(bare.collect_events()[0])
    assert bare_notice is not None and recipients_of(bare_notice.recipients, staff, None) == ["harian", "kpu.sari"]
    # A returned daily report goes back to its author only, and sending it again settles the notice.
    report = StaffReport.submit(office_id="kab-16.13", user_id="u-ani", day=date(2026, 12, 4), today=date(2026, 12, 4),
                                figures=DayFigures(), notes="", role=Role.ANGGOTA_HELPDESK, actor="desk.ani", at=at)
    report.send_back(reason="Lengkapi catatan rapat daring.", role=Role.KOORDINATOR_HARIAN, checker_id="u-harian",
                     actor="harian", at=at)
    returned = notice_of(report.collect_events()[-1])
    assert returned is not None and returned.kind is Kind.REPORT_RETURNED
    assert recipients_of(returned.recipients, staff, None) == ["desk.ani"]
    report.resubmit(figures=DayFigures(), notes="Sudah", role=Role.ANGGOTA_HELPDESK, today=date(2026, 12, 4),
                    actor="desk.ani", at=at)
    assert settled_by(report.collect_events()[-1]) == (report.id, (Kind.REPORT_RETURNED,))
    # An incident reaches the Koordinator Harian when reported, and the Koordinator when passed on.
    assert {Incident.Reported, Incident.Passed} <= set(REGISTRY)
