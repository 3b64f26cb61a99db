"""What leaves the office holds no contact data, while the office keeps every text as it was typed."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
from eventsourcing.persistence import StoredEvent

from domain.casefile import Answer, CaseFile, Note
from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.parties import Party
from domain.values import Basis, BasisKind, Channel, Identity
from services.codec import MsgspecMapper
from tests.support.leaks import leaked

T0 = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)
TYPED = "hubungi 0813-2222-3333 atau tono.s@gmail.com; NIK 1613011203840002"
BASES = (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 85"),)
IDENTITY = Identity(name="Tono Sugiarto", party=Party("Partai Buruh", "", 6), phone="+6281322223333")


def leaks(value: object) -> list[str]:
    """The pieces of TYPED's phone, e-mail and NIK found anywhere in a struct or text."""
    text = msgspec.json.encode(value).decode() if not isinstance(value, str) else value
    pieces = ("0813", "2222", "3333", "tono.s", "gmail", "@", "1613011203840002", "161301")
    return leaked(text, pieces)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def with_commissioner() -> Consultation:
    consultation = Consultation.open(id=uuid.uuid4(), office_id="kab-16.13", channel=Channel.WALK_IN,
                                     identity=IDENTITY, actor="desk.ani", at=T0)
    # The desk writes the consultee's contact data into every free text on the way up.
    consultation.record_problem(f"Keanggotaan ganda; {TYPED}", "desk.ani", at(1))
    consultation.restate_problem(f"Anggota tercatat ganda? {TYPED}", "desk.ani", at(2))
    consultation.confirm_problem("desk.ani", at(3))
    consultation.hand_to_commissioner(f"Tidak ada di FAQ; {TYPED}", "desk.ani", at(4))
    return consultation


def test_the_case_file_sent_up_holds_no_contact_data_and_the_consultation_keeps_it_all() -> None:
    consultation = with_commissioner()
    # The commissioner forwards it with a note that repeats the number.
    consultation.forward_up("prov-16", f"Mohon arahan; {TYPED}", "kpu.rudi", at(5))
    forwarded = consultation.collect_events()[-1]
    assert isinstance(forwarded, Consultation.ForwardedUp)
    sent = forwarded.case
    assert leaks(sent) == []
    assert sent.problem == "Keanggotaan ganda; hubungi [nomor telepon] atau [alamat e-mail]; NIK [NIK]"
    assert [note.text for note in sent.notes] == [
        "Tidak ada di FAQ; hubungi [nomor telepon] atau [alamat e-mail]; NIK [NIK]",
        "Mohon arahan; hubungi [nomor telepon] atau [alamat e-mail]; NIK [NIK]",
    ]
    assert "[nomor telepon]" in sent.restatement and not re.search(r"\d{4}", sent.restatement)
    # The office keeps its own full texts.
    assert TYPED in consultation.problem and TYPED in consultation.restatement
    assert TYPED in consultation.handover_reason
    assert forwarded.own_note == f"Mohon arahan; {TYPED}"


def test_a_clarification_sent_up_is_masked_and_kept_whole_at_the_office() -> None:
    consultation = with_commissioner()
    consultation.forward_up("prov-16", "Mohon arahan.", "kpu.rudi", at(5))
    consultation.request_clarification("Siapa yang bisa dihubungi?", "prov.budi", at(6))
    consultation.clarify(f"Ketua DPC, {TYPED}", "desk.ani", at(7))
    given = consultation.collect_events()[-1]
    assert isinstance(given, Consultation.ClarificationGiven)
    assert leaks(given.text) == [] and given.text.startswith("Ketua DPC, hubungi [nomor telepon]")
    assert consultation.clarifications == (f"Ketua DPC, {TYPED}",)


def test_a_note_without_contact_data_is_sent_as_typed_and_not_kept_twice() -> None:
    consultation = with_commissioner()
    consultation.forward_up("prov-16", "Mohon arahan provinsi.", "kpu.rudi", at(5))
    forwarded = consultation.collect_events()[-1]
    assert forwarded.case.notes[-1].text == "Mohon arahan provinsi."
    assert forwarded.own_note is None


def received_case() -> EscalationCase:
    # A case from a node that did not mask yet: the province masks it whole when it forwards.
    case = CaseFile(origin_office="kab-16.13", origin_id=uuid.uuid4(), channel=Channel.EMAIL,
                    party=Party("Partai Buruh", "", 6), problem=f"Keanggotaan ganda; {TYPED}", restatement="Ganda?",
                    opened_at=T0, notes=(Note("kab-16.13", "kpu.rudi", TYPED, T0),))
    escalation = EscalationCase.receive(office_id="prov-16", case=case, from_office="kab-16.13", sent_at=T0, at=at(1))
    escalation.accept("prov.budi", at(2))
    return escalation


def test_what_the_province_sends_up_or_down_holds_no_contact_data() -> None:
    # Forwarded to the centre, with a note of its own.
    escalation = received_case()
    escalation.forward_up("pusat", f"Perlu tafsir pusat; {TYPED}", "prov.budi", at(3))
    forwarded = escalation.collect_events()[-1]
    assert isinstance(forwarded, EscalationCase.Forwarded)
    assert leaks(forwarded.case) == []
    assert forwarded.own_note == f"Perlu tafsir pusat; {TYPED}"
    # A question from the centre, answered upward.
    escalation.clarification_from_above("Siapa kontaknya?", "pusat.sari", at(4))
    escalation.clarify_upward(f"Ketua DPC, {TYPED}", "prov.budi", at(5))
    clarified = escalation.collect_events()[-1]
    assert leaks(clarified.text) == [] and escalation.clarifications_given == (f"Ketua DPC, {TYPED}",)
    # Another question from the centre, passed down as asked but masked.
    escalation.clarification_from_above(f"Benar nomornya {TYPED}?", "pusat.sari", at(6))
    escalation.pass_question_down("prov.budi", at(7))
    passed = escalation.collect_events()[-1]
    assert isinstance(passed, EscalationCase.QuestionPassedDown) and leaks(passed.question) == []
    # The answer from above is passed down masked.
    escalation.receive_clarification("Benar.", at(8))
    escalation.clarify_upward("Benar.", "prov.budi", at(9))
    escalation.receive_answer_from_above(Answer(f"Hubungi {TYPED}", BASES, "pusat", "pusat.sari", at(10)), at(11))
    answered = escalation.collect_events()[-1]
    assert isinstance(answered, EscalationCase.Answered) and leaks(answered.answer) == []


def test_a_question_and_an_answer_sent_down_are_masked_and_kept_whole_at_the_office() -> None:
    escalation = received_case()
    escalation.ask_clarification(f"Apakah {TYPED} benar?", "prov.budi", at(3))
    asked = escalation.collect_events()[-1]
    assert isinstance(asked, EscalationCase.ClarificationAsked) and leaks(asked.question) == []
    assert escalation.question == f"Apakah {TYPED} benar?"
    escalation.receive_clarification("Benar.", at(4))
    escalation.answer_here(f"Perbaiki data; {TYPED}", BASES, "prov.budi", at(5))
    answered = escalation.collect_events()[-1]
    assert isinstance(answered, EscalationCase.Answered) and leaks(answered.answer) == []
    assert escalation.answer is not None and escalation.answer.text == f"Perbaiki data; {TYPED}"


def as_stored_before_masking(event: object) -> object:
    """The event as an earlier version stored it: no own_* field, the typed text in the field that was sent."""
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    stored = mapper.to_stored_event(event)
    state = msgspec.json.decode(stored.state)
    if isinstance(state.get("answer"), dict):  # an answer: the typed text was the one sent
        state["answer"]["text"] = state.pop("own_text", None) or state["answer"]["text"]
    for own, sent in (("own_question", "question"), ("own_text", "text"), ("own_note", None)):
        typed = state.pop(own, None)
        if typed is not None and sent is not None:
            state[sent] = typed
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, msgspec.json.encode(state))
    return mapper.to_domain_event(old)


def test_events_recorded_before_masking_still_decode_and_replay() -> None:
    escalation = received_case()
    escalation.ask_clarification(f"Apakah {TYPED} benar?", "prov.budi", at(3))
    asked = [as_stored_before_masking(e) for e in escalation.collect_events()]
    escalation.receive_clarification("Benar.", at(4))
    escalation.answer_here(f"Perbaiki data; {TYPED}", BASES, "prov.budi", at(5))
    answered = [as_stored_before_masking(e) for e in escalation.collect_events()]
    # They decode with the new fields at their defaults, and replay to the texts the office typed.
    assert asked[-1].own_question is None and answered[-1].own_text is None
    replayed = None
    for event in asked:
        replayed = event.mutate(replayed)
    assert replayed.question == f"Apakah {TYPED} benar?"
    for event in answered:
        replayed = event.mutate(replayed)
    assert replayed.answer.text == f"Perbaiki data; {TYPED}" and replayed.clarifications == ("Benar.",)
