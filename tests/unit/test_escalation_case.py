"""The EscalationCase held by an office above: every transition, and every step refused out of turn."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain import errors
from domain.casefile import Answer, CaseFile, Note, case_id
from domain.escalation import CaseStatus, EscalationCase
from domain.hops import Hop, HopState
from domain.parties import Party
from domain.values import Basis, BasisKind, Channel

T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
OFFICER = "prov.budi"
BASES = (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 85"),)
ORIGIN_ID = uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
CASE = CaseFile(
    origin_office="kab-16.13", origin_id=ORIGIN_ID, channel=Channel.EMAIL, party=Party("Partai Buruh", "", 6),
    problem="Keanggotaan ganda.", restatement="Anggota tercatat ganda?", opened_at=T0,
    notes=(Note("kab-16.13", "kpu.rudi", "Mohon arahan provinsi.", T0),),
)
ANSWER_FROM_ABOVE = Answer("Gugur bila surat sah.", BASES, "pusat", "pusat.sari", T0 + timedelta(hours=5))

Step = Callable[[EscalationCase, datetime], None]

COMMANDS: dict[str, Step] = {
    "accept": lambda c, at: c.accept(OFFICER, at),
    "ask_clarification": lambda c, at: c.ask_clarification("Kapan suratnya dibuat?", OFFICER, at),
    "receive_clarification": lambda c, at: c.receive_clarification("2 Juli 2024.", at),
    "answer_here": lambda c, at: c.answer_here("Silakan perbaiki data.", BASES, OFFICER, at),
    "forward_up": lambda c, at: c.forward_up("pusat", "Perlu tafsir pusat.", OFFICER, at),
    "asked_from_above": lambda c, at: c.clarification_from_above("Partai apa?", "pusat.sari", at),
    "clarify_upward": lambda c, at: c.clarify_upward("Partai Buruh.", OFFICER, at),
    "pass_question_down": lambda c, at: c.pass_question_down(OFFICER, at),
    "answer_from_above": lambda c, at: c.receive_answer_from_above(ANSWER_FROM_ABOVE, at),
    "confirm_returned": lambda c, at: c.confirm_returned(at - timedelta(seconds=1), at),
}

# The shortest walk from receiving to each status.
PATHS: dict[CaseStatus, tuple[str, ...]] = {
    CaseStatus.RECEIVED: (),
    CaseStatus.ACCEPTED: ("accept",),
    CaseStatus.CLARIFICATION_REQUESTED: ("accept", "ask_clarification"),
    CaseStatus.FORWARDED: ("accept", "forward_up"),
    CaseStatus.CLARIFICATION_FROM_ABOVE: ("accept", "forward_up", "asked_from_above"),
    CaseStatus.QUESTION_PASSED_DOWN: ("accept", "forward_up", "asked_from_above", "pass_question_down"),
    CaseStatus.ANSWERED: ("accept", "answer_here"),
    CaseStatus.RETURNED: ("accept", "answer_here", "confirm_returned"),
}


def case_at(status: CaseStatus) -> EscalationCase:
    case = EscalationCase.receive(office_id="prov-16", case=CASE, from_office="kab-16.13",
                                  sent_at=T0 - timedelta(minutes=1), at=T0)
    for minute, name in enumerate(PATHS[status], start=1):
        COMMANDS[name](case, T0 + timedelta(minutes=minute))
    assert case.status is status
    return case


def test_a_received_case_is_named_for_its_origin_and_its_hop_is_received() -> None:
    case = case_at(CaseStatus.RECEIVED)
    assert case.id == case_id("kab-16.13", ORIGIN_ID)
    assert (case.office_id, case.from_office, case.down.upper_office) == ("prov-16", "kab-16.13", "prov-16")
    assert (case.down.sent_at, case.down.received_at, case.down.state) == (
        T0 - timedelta(minutes=1), T0, HopState.RECEIVED)
    assert case.up is None and case.accepted_by is None


def test_accepting_names_the_officer_on_the_hop() -> None:
    case = case_at(CaseStatus.ACCEPTED)
    assert case.accepted_by == OFFICER
    assert (case.down.state, case.down.accepted_by, case.down.accepted_at) == (
        HopState.ACCEPTED, OFFICER, T0 + timedelta(minutes=1))


def test_a_clarification_asked_and_received_returns_the_case_to_accepted() -> None:
    case = case_at(CaseStatus.CLARIFICATION_REQUESTED)
    assert case.question == "Kapan suratnya dibuat?"
    case.receive_clarification("2 Juli 2024.", T0 + timedelta(hours=1))
    assert (case.status, case.question, case.clarifications) == (CaseStatus.ACCEPTED, None, ("2 Juli 2024.",))
    # A second round keeps both answers.
    case.ask_clarification("Ada tanda terima?", OFFICER, T0 + timedelta(hours=2))
    case.receive_clarification("Ada.", T0 + timedelta(hours=3))
    assert case.clarifications == ("2 Juli 2024.", "Ada.")


def test_answering_here_sends_the_answer_down_and_returning_closes_the_hop() -> None:
    case = case_at(CaseStatus.ANSWERED)
    at = T0 + timedelta(minutes=2)
    assert case.answer == Answer("Silakan perbaiki data.", BASES, "prov-16", OFFICER, at)
    assert (case.down.state, case.down.answered_at, case.down.answered_by) == (
        HopState.ANSWERED, at, f"{OFFICER} (prov-16)")
    case.confirm_returned(T0 + timedelta(hours=1), T0 + timedelta(hours=1, seconds=2))
    assert (case.status, case.down.state, case.down.returned_at) == (
        CaseStatus.RETURNED, HopState.RETURNED, T0 + timedelta(hours=1))


def test_forwarding_opens_a_hop_above_and_adds_the_note() -> None:
    case = case_at(CaseStatus.FORWARDED)
    at = T0 + timedelta(minutes=2)
    assert case.up == Hop(lower_office="prov-16", upper_office="pusat", sent_at=at)
    assert [n.text for n in case.case.notes] == ["Mohon arahan provinsi.", "Perlu tafsir pusat."]
    assert case.case.notes[-1] == Note("prov-16", OFFICER, "Perlu tafsir pusat.", at)
    assert case.down.state is HopState.ACCEPTED  # the hop below waits for the answer


def test_the_hop_above_moves_forward_only() -> None:
    case = case_at(CaseStatus.FORWARDED)
    accepted = case.up.accepted("pusat.sari", T0 + timedelta(hours=1))
    case.note_up_hop(accepted, T0 + timedelta(hours=1))
    version = case.version
    # A late "received" (or a repeat of "accepted") changes nothing.
    case.note_up_hop(case.up.received(T0 + timedelta(minutes=30)), T0 + timedelta(hours=2))
    case.note_up_hop(accepted, T0 + timedelta(hours=2))
    assert (case.up, case.version) == (accepted, version)


def test_a_question_from_above_is_answered_upward() -> None:
    case = case_at(CaseStatus.CLARIFICATION_FROM_ABOVE)
    assert case.question_from_above == "Partai apa?"
    case.clarify_upward("Partai Buruh.", OFFICER, T0 + timedelta(hours=1))
    assert (case.status, case.question_from_above) == (CaseStatus.FORWARDED, None)
    assert case.clarifications_given == ("Partai Buruh.",)  # the office keeps what it told the one above


@pytest.mark.parametrize("start", [CaseStatus.FORWARDED, CaseStatus.CLARIFICATION_FROM_ABOVE])
def test_the_answer_from_above_is_passed_down_and_the_hop_above_returned(start: CaseStatus) -> None:
    case = case_at(start)
    at = T0 + timedelta(hours=6)
    case.receive_answer_from_above(ANSWER_FROM_ABOVE, at)
    assert (case.status, case.answer) == (CaseStatus.ANSWERED, ANSWER_FROM_ABOVE)
    assert (case.up.state, case.up.answered_at, case.up.returned_at) == (
        HopState.RETURNED, ANSWER_FROM_ABOVE.at, at)
    assert (case.down.state, case.down.answered_by) == (HopState.ANSWERED, "pusat.sari (pusat)")


def test_a_repeated_return_confirmation_changes_nothing() -> None:
    for status in (CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.FORWARDED, CaseStatus.RETURNED):
        case = case_at(status)
        version = case.version
        case.confirm_returned(T0 + timedelta(days=1), T0 + timedelta(days=1))
        assert (case.status, case.version) == (status, version)


_CLOSED = (CaseStatus.ANSWERED, CaseStatus.RETURNED)
_AWAY = (CaseStatus.FORWARDED, CaseStatus.CLARIFICATION_FROM_ABOVE, CaseStatus.QUESTION_PASSED_DOWN)


def _expected_refusals() -> list[tuple[str, CaseStatus, str, type[errors.DomainError]]]:
    """For every command, the statuses it is refused in and the error it must name."""
    refusals: list[tuple[str, CaseStatus, str, type[errors.DomainError]]] = []

    def add(command: str, statuses: tuple[CaseStatus, ...], error: type[errors.DomainError]) -> None:
        refusals.extend((f"{command}_when_{s.value}", s, command, error) for s in statuses)

    add("accept", (CaseStatus.ACCEPTED, CaseStatus.CLARIFICATION_REQUESTED, *_AWAY), errors.CaseAlreadyAccepted)
    add("accept", _CLOSED, errors.CaseClosed)
    for command in ("ask_clarification", "answer_here", "forward_up"):
        add(command, (CaseStatus.RECEIVED,), errors.CaseNotAccepted)
        add(command, (CaseStatus.CLARIFICATION_REQUESTED,), errors.AwaitingClarification)
        add(command, _AWAY, errors.AlreadyEscalated)
        add(command, _CLOSED, errors.CaseClosed)
    others = [s for s in CaseStatus if s not in (CaseStatus.CLARIFICATION_REQUESTED, CaseStatus.QUESTION_PASSED_DOWN)]
    add("receive_clarification", tuple(others), errors.NoClarificationRequested)
    add("asked_from_above", tuple(s for s in CaseStatus if s is not CaseStatus.FORWARDED), errors.NotEscalated)
    not_asked = tuple(s for s in CaseStatus if s is not CaseStatus.CLARIFICATION_FROM_ABOVE)
    add("clarify_upward", not_asked, errors.NoClarificationRequested)
    add("pass_question_down", not_asked, errors.NoClarificationRequested)
    add("answer_from_above", tuple(s for s in CaseStatus if s not in _AWAY), errors.NotEscalated)
    return refusals


REFUSALS = _expected_refusals()


@pytest.mark.parametrize(("start", "command", "error"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_step_out_of_turn_is_refused_and_changes_nothing(
    start: CaseStatus, command: str, error: type[errors.DomainError]
) -> None:
    case = case_at(start)
    version = case.version
    with pytest.raises(error) as refused:
        COMMANDS[command](case, T0 + timedelta(hours=1))
    assert type(refused.value) is error  # the exact rule, for the screen to explain
    assert (case.status, case.version) == (start, version)


@pytest.mark.parametrize("status", list(CaseStatus))
@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"confirm_returned"}))
def test_every_command_is_either_a_transition_or_a_named_refusal(status: CaseStatus, command: str) -> None:
    # Together with the table above, this proves each (status, command) pair is decided on purpose.
    refused = {(r[1], r[2]) for r in REFUSALS}
    case = case_at(status)
    if (status, command) in refused:
        return
    COMMANDS[command](case, T0 + timedelta(hours=1))
    assert case.version > len(PATHS[status]) + 1


def test_the_centre_has_no_office_above() -> None:
    case = case_at(CaseStatus.ACCEPTED)
    with pytest.raises(errors.NoOfficeAbove):
        case.forward_up(None, "Tidak ada atasan.", OFFICER, T0 + timedelta(hours=1))
    assert case.status is CaseStatus.ACCEPTED


@pytest.mark.parametrize(("command", "field"), [
    (lambda c, at: c.ask_clarification("  ", OFFICER, at), "question"),
    (lambda c, at: c.answer_here("  ", BASES, OFFICER, at), "text"),
    (lambda c, at: c.forward_up("pusat", " ", OFFICER, at), "note"),
])
def test_a_blank_text_is_refused(command: Step, field: str) -> None:
    case = case_at(CaseStatus.ACCEPTED)
    with pytest.raises(errors.TextRequired) as refused:
        command(case, T0 + timedelta(hours=1))
    assert refused.value.field == field


def test_an_answer_without_a_basis_is_refused() -> None:
    case = case_at(CaseStatus.ACCEPTED)
    with pytest.raises(errors.BasisRequired):
        case.answer_here("Jawaban tanpa dasar.", (), OFFICER, T0 + timedelta(hours=1))
    assert case.status is CaseStatus.ACCEPTED


def test_a_question_from_above_can_go_on_to_the_origin_and_its_answer_back_up() -> None:
    case = case_at(CaseStatus.QUESTION_PASSED_DOWN)
    # The office below is asked exactly what the office above asked.
    assert case.question == case.question_from_above == "Partai apa?"
    case.receive_clarification("Partai Buruh, tingkat kabupaten.", T0 + timedelta(hours=1))
    assert case.status is CaseStatus.CLARIFICATION_FROM_ABOVE  # back with the officer, to pass up
    case.clarify_upward("Partai Buruh, tingkat kabupaten.", OFFICER, T0 + timedelta(hours=2))
    assert (case.status, case.clarifications_given) == (CaseStatus.FORWARDED, ("Partai Buruh, tingkat kabupaten.",))
