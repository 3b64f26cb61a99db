"""SOP part D in the domain: when a monitoring report is due, late and missed in WIB, WITA and WIT offices (explicit
moments across the day boundary), the figures' checks, and a report frozen, corrected and submitted after a miss."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import InvalidFields
from domain.frozen_report import CorrectionUnchanged, ReasonRequired, ReportAlreadySubmitted
from domain.monitoring import (
    MonitoringNotSubmitted,
    MonitoringReport,
    NotMissedYet,
    due_at,
    monitoring_report_id,
    monitors,
    slot_state,
    slots_missed_by,
)
from domain.monitoring_values import (
    FigureInput,
    MonitoringContent,
    NegativeFigure,
    PartyFigureMissing,
    PartyFigures,
    ScreenshotRef,
    ScreenshotRequired,
    Slot,
    SlotNotOpen,
    SlotState,
    UnknownMonitoredParty,
    active_parties,
    boards_threshold,
    check_figures,
    check_report_input,
    decode_content,
    members_threshold,
)
from domain.offices import OfficeId
from domain.parties import Party

WIB, WITA, WIT = "kab-16.13", "kab-73.01", "kab-94.01"  # Musi Rawas Utara, Kepulauan Selayar, a Papua regency
DAY = date(2026, 12, 4)
NEXT = DAY + timedelta(days=1)
M, E = Slot.MORNING, Slot.EVENING


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=UTC)


# The zones, as the offices' province codes give them.
def test_the_three_offices_are_in_their_own_zones() -> None:
    assert [OfficeId(o).timezone for o in (WIB, WITA, WIT)] == ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


@pytest.mark.parametrize(("office", "morning_utc", "evening_utc"), [
    (WIB, utc(4, 1), utc(4, 10)),  # 08.00 WIB is 01:00 UTC, 17.00 WIB is 10:00 UTC
    (WITA, utc(4, 0), utc(4, 9)),
    (WIT, utc(3, 23), utc(4, 8)),  # 08.00 WIT on the 4th is still the 3rd in UTC
])
def test_a_slot_is_due_at_its_local_time(office: str, morning_utc: datetime, evening_utc: datetime) -> None:
    assert due_at(office, DAY, M) == morning_utc
    assert due_at(office, DAY, E) == evening_utc


@pytest.mark.parametrize("office", [WIB, WITA, WIT])
def test_a_slot_is_due_until_its_half_hour_of_grace_ends_then_missed(office: str) -> None:
    due = due_at(office, DAY, M)
    # Before its time and up to a second before the grace ends: due.
    assert slot_state(office, DAY, M, None, due - timedelta(minutes=5)) is SlotState.DUE
    assert slot_state(office, DAY, M, None, due + timedelta(minutes=29, seconds=59)) is SlotState.DUE
    # Thirty minutes after its time: missed.
    assert slot_state(office, DAY, M, None, due + timedelta(minutes=30)) is SlotState.MISSED
    # Submitted within the grace: on time, whenever it is looked at; at the grace's end or later: late.
    later = due + timedelta(hours=5)
    assert slot_state(office, DAY, M, due + timedelta(minutes=29, seconds=59), later) is SlotState.ON_TIME
    assert slot_state(office, DAY, M, due + timedelta(minutes=30), later) is SlotState.LATE


def test_the_slots_missed_by_a_moment_follow_each_offices_own_day() -> None:
    # 23:30 UTC on the 4th: 06:30 WIB, 07:30 WITA and 08:30 WIT on the 5th.
    now = utc(4, 23, 30)
    # WIB and WITA: the 5th's morning is not missed yet; the 4th (their yesterday) is missed whole.
    assert slots_missed_by(WIB, now) == [(DAY, M), (DAY, E)]
    assert slots_missed_by(WITA, now) == [(DAY, M), (DAY, E)]
    # WIT: its new day's 08.00 has passed its grace already.
    assert slots_missed_by(WIT, now) == [(DAY, M), (DAY, E), (NEXT, M)]
    # A second before, WIT's morning was still due.
    assert slots_missed_by(WIT, now - timedelta(seconds=1)) == [(DAY, M), (DAY, E)]


def test_the_evening_slot_is_missed_at_half_past_five_local_and_yesterday_stays_in_view() -> None:
    # 17.29.59 WITA on the 4th (09:29:59 UTC): only the morning is missed; at 17.30 the evening too.
    assert slots_missed_by(WITA, utc(4, 9, 29, 59)) == [(DAY - timedelta(days=1), M),
                                                        (DAY - timedelta(days=1), E), (DAY, M)]
    assert (DAY, E) in slots_missed_by(WITA, utc(4, 9, 30))
    # Just after midnight WIB (17:05 UTC on the 4th is 00:05 on the 5th): yesterday's evening is still reported.
    assert slots_missed_by(WIB, utc(4, 17, 5)) == [(DAY, M), (DAY, E)]


def test_a_node_begun_after_a_slot_raises_no_alert_for_it_but_one_down_overnight_still_does() -> None:
    # A WIB node whose log began at 09:00 on the 4th (02:00 UTC): that morning's 08.00 was not its to report.
    began = utc(4, 2, 0)
    assert slots_missed_by(WIB, utc(4, 17, 5), since=began) == [(DAY, E)]
    # Begun the evening before, and down all night: both slots of the 4th are its misses.
    assert slots_missed_by(WIB, utc(4, 17, 5), since=utc(3, 12, 0)) == [(DAY, M), (DAY, E)]


def test_only_regency_and_city_offices_monitor() -> None:
    assert monitors(OfficeId(WIB)) and monitors(OfficeId("kota-16.71"))
    assert not monitors(OfficeId("prov-16")) and not monitors(OfficeId("pusat"))


# The figures.
PARTIES = (Party("Partai Satu", "P1", 1), Party("Partai Dua", "P2", 2))


def figures(*rows: tuple[str, object, object, object]) -> list[FigureInput]:
    return [FigureInput(party, p, a, k) for party, p, a, k in rows]  # type: ignore[arg-type]


def test_figures_are_whole_numbers_from_zero_one_row_per_party_in_register_order() -> None:
    checked = check_figures(figures(("partai dua", "3", "1.250", 1), ("Partai Satu", 0, 0, "0")), PARTIES)
    assert checked == (PartyFigures("Partai Satu", 1, 0, 0, 0), PartyFigures("Partai Dua", 2, 3, 1250, 1))


def test_every_wrong_figure_is_refused_at_once() -> None:
    given = figures(("Partai Satu", "-1", "banyak", "2"), ("Partai Tiga", 1, 1, 1))
    with pytest.raises(InvalidFields) as refused:
        check_figures(given, PARTIES)
    found = {(type(e), e.field) for e in refused.value.errors}
    assert found == {
        (NegativeFigure, "figures[0].pengurus"), (NegativeFigure, "figures[0].anggota"),
        (PartyFigureMissing, "figures[1].pengurus"), (UnknownMonitoredParty, "figures"),
    }


def test_a_report_without_its_screenshot_is_refused_with_its_figures_errors() -> None:
    with pytest.raises(InvalidFields) as refused:
        check_report_input(figures(("Partai Satu", -3, 1, 1), ("Partai Dua", 1, 1, 1)), PARTIES, False)
    assert {(type(e), e.field) for e in refused.value.errors} == {
        (NegativeFigure, "figures[0].pengurus"), (ScreenshotRequired, "screenshot")}


def test_aceh_local_parties_are_monitored_only_in_aceh() -> None:
    parties = (*PARTIES, Party("Partai Aceh", "PA", 18, local=True))
    assert active_parties(parties, "16") == PARTIES
    assert active_parties(parties, "11") == parties


def test_the_registration_thresholds() -> None:
    # Members: 1,000, or 1/1,000 of the population when fewer (research §2.3: a city of 92,154 needs 92).
    assert members_threshold(2_478_145) == 1_000
    assert members_threshold(92_154) == 92
    assert members_threshold(None) == 1_000
    # Boards: half the kecamatan, rounded up (Musi Rawas Utara has 7: 4).
    assert boards_threshold(7) == 4
    assert boards_threshold(20) == 10


# The frozen report.
SHOT = ScreenshotRef("ab/" + "a" * 64 + ".png", "a" * 64, "image/png")


def content(office: str = WIB, day: date = DAY, slot: Slot = M, anggota: int = 10) -> MonitoringContent:
    return MonitoringContent(office_id=office, day=day, slot=slot, screenshot=SHOT,
                             figures=(PartyFigures("Partai Satu", 1, 2, anggota, 1),))


def test_a_submitted_report_is_frozen_with_its_hash_and_corrected_only_by_a_new_version() -> None:
    at = due_at(WIB, DAY, M) + timedelta(minutes=10)
    report = MonitoringReport.submit(content=content(), submitter="desk.ani", submitter_role="anggota_helpdesk", at=at)
    first = report.latest
    assert report.id == monitoring_report_id(WIB, DAY, M)
    assert first.content_hash == hashlib.sha256(first.content).hexdigest()
    assert decode_content(first.content) == content() and not report.late and not report.missed

    # A correction needs a reason, and must change something.
    with pytest.raises(ReasonRequired):
        report.correct(content(anggota=12), " ", "kh.budi", "koordinator_harian", at)
    with pytest.raises(CorrectionUnchanged):
        report.correct(content(), "salah ketik", "kh.budi", "koordinator_harian", at)
    report.correct(content(anggota=12), "Salah ketik anggota", "kh.budi", "koordinator_harian",
                   at + timedelta(hours=1))
    assert [v.version for v in report.versions] == [1, 2]
    assert report.versions[0] == first  # the first version stays exactly as it was
    assert report.latest.corrects == 1 and report.latest.reason == "Salah ketik anggota"
    assert report.submitted_at == at  # the report was on time; a correction does not change that


def test_a_report_is_taken_from_an_hour_before_its_time() -> None:
    with pytest.raises(SlotNotOpen):
        MonitoringReport.submit(content=content(slot=E), submitter="desk.ani", submitter_role="anggota_helpdesk",
                                at=due_at(WIB, DAY, E) - timedelta(minutes=61))
    MonitoringReport.submit(content=content(slot=E), submitter="desk.ani", submitter_role="anggota_helpdesk",
                            at=due_at(WIB, DAY, E) - timedelta(minutes=60))


def test_a_missed_slot_is_recorded_after_its_grace_and_submitted_late_afterwards() -> None:
    due = due_at(WIT, NEXT, M)  # 23:00 UTC on the 4th
    with pytest.raises(NotMissedYet):
        MonitoringReport.record_missed(office_id=WIT, day=NEXT, slot=M, at=due + timedelta(minutes=29))
    report = MonitoringReport.record_missed(office_id=WIT, day=NEXT, slot=M, at=due + timedelta(minutes=30))
    assert report.missed and not report.submitted and report.id == monitoring_report_id(WIT, NEXT, M)
    missed = report.collect_events()
    assert isinstance(missed[0], MonitoringReport.Missed)
    assert (missed[0].office_id, missed[0].day, missed[0].slot) == (WIT, NEXT, M)
    # A missed report is not corrected: it is submitted, late.
    with pytest.raises(MonitoringNotSubmitted):
        report.correct(content(WIT, NEXT), "alasan", "desk.ani", "anggota_helpdesk", due + timedelta(hours=1))
    report.submit_after_miss(content(WIT, NEXT), "desk.ani", "anggota_helpdesk", due + timedelta(hours=1))
    assert report.late and report.missed and report.latest.version == 1
    with pytest.raises(ReportAlreadySubmitted):
        report.submit_after_miss(content(WIT, NEXT), "desk.ani", "anggota_helpdesk", due + timedelta(hours=2))


def test_a_report_submitted_after_the_grace_without_a_recorded_miss_is_late() -> None:
    at = due_at(WITA, DAY, E) + timedelta(minutes=45)
    report = MonitoringReport.submit(content=content(WITA, slot=E), submitter="desk.ani",
                                     submitter_role="anggota_helpdesk", at=at)
    assert report.late and not report.missed
