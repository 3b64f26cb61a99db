"""A batch of messages is applied in stream order, in one transaction, exactly once: on memory, SQLite and
PostgreSQL, whose recorders (gateways/recorders.py) track several senders in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import count
from uuid import UUID

import msgspec
import pytest
from eventsourcing.utils import get_topic

from domain.casefile import Answer, case_id
from domain.consultation import Consultation, Status
from domain.deadletter import DeadLetter
from domain.errors import NotEscalated
from domain.escalation import EscalationCase
from domain.values import Basis, BasisKind
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from services.inbox import DEAD_LETTERS, SIGNED, Delivery, Outcome, Receipt
from services.integration import ClarificationRequested, Envelope, EscalationAnswered, encode, subject
from tests.conftest import FakeClock
from tests.support.consultations import handed_to_commissioner

KAB, KAB_2, PROV = "kab-16.13", "kab-16.01", "prov-16"
APPLIED, DUPLICATE = Receipt(Outcome.APPLIED), Receipt(Outcome.DUPLICATE)
STREAM = count(1)  # positions in the receiver's stream, as JetStream numbers what it holds


def forwarded(node: Node, n: int) -> UUID:
    """A consultation at a regency, taken through the script and forwarded to the province."""
    office = node.settings.node_id
    who = IdentityInput(name=f"Penghubung {n}", party_number=3, email="penghubung@partai.example")
    cid = handed_to_commissioner(node.helpdesk, office, who, f"Masalah {n}", f"Jadi masalah {n}?", "Di luar FAQ")
    node.helpdesk.forward_up(office, cid, "Mohon arahan.", "kpu")
    return cid


def sent(source: Node, to: Node) -> list[Envelope]:
    return [e for _, envelopes in source.helpdesk.outgoing(0, 10_000) for e in envelopes
            if e.to == to.settings.node_id]


def delivered(*envelopes: Envelope, seal: str = SIGNED) -> list[Delivery]:
    """As the consumer hands them over: by default with the sender's signature verified."""
    return [Delivery(next(STREAM), subject(e), encode(e), e, seal=seal) for e in envelopes]


def again(deliveries: list[Delivery]) -> list[Delivery]:
    """The same messages delivered a second time (the consumer died between the commit and the acks)."""
    return [msgspec.structs.replace(d, redelivered=True) for d in deliveries]


def receive_all(node: Node, deliveries: list[Delivery]) -> list[Receipt]:
    """As the consumer does: each call is one transaction, which ends early at a dead letter."""
    receipts: list[Receipt] = []
    while len(receipts) < len(deliveries):
        receipts += node.helpdesk.receive_batch(deliveries[len(receipts):])
    return receipts


def received_cases(node: Node) -> set[UUID]:
    return {c.id for c in node.escalations.inbox(node.settings.node_id)}


def test_a_batch_from_two_regencies_is_applied_once_in_one_transaction(office: Callable[[str], Node]) -> None:
    kab, kab_2, prov = office(KAB), office(KAB_2), office(PROV)
    ours, theirs = [forwarded(kab, n) for n in range(3)], [forwarded(kab_2, n) for n in range(2)]
    commits: list[int] = []
    prov.helpdesk.listeners.append(lambda: commits.append(1))
    # Both regencies' escalations arrive interleaved in one batch: one commit, each sender tracked.
    mine, other = sent(kab, prov), sent(kab_2, prov)
    batch = delivered(mine[0], other[0], mine[1], other[1], mine[2])
    assert prov.helpdesk.receive_batch(batch) == [APPLIED] * 5
    assert len(commits) == 1
    assert received_cases(prov) == {case_id(KAB, c) for c in ours} | {case_id(KAB_2, c) for c in theirs}
    assert prov.helpdesk.recorder.max_tracking_id(KAB) == mine[2].seq
    assert prov.helpdesk.recorder.max_tracking_id(KAB_2) == other[1].seq
    # Delivered again after the commit: every position is taken, nothing is written, nobody is woken.
    head = prov.helpdesk.recorder.max_notification_id()
    assert prov.helpdesk.receive_batch(again(batch)) == [DUPLICATE] * 5
    assert prov.helpdesk.recorder.max_notification_id() == head and len(commits) == 1


def test_later_messages_of_a_batch_see_what_earlier_ones_did(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    cid = forwarded(kab, 1)
    case = case_id(KAB, cid)
    prov.helpdesk.receive_batch(delivered(*sent(kab, prov)))
    # The province receives, accepts and asks back while the regency is offline.
    prov.helpdesk.accept_case(PROV, case, "budi")
    prov.helpdesk.ask_case_clarification(PROV, case, "Tingkat kecamatan atau desa?", "budi")
    received, accepted, asked = sent(prov, kab)
    # All three reach the regency in one batch, each changing the same consultation after the one before.
    assert kab.helpdesk.receive_batch(delivered(received, accepted, asked)) == [APPLIED] * 3
    consultation = kab.helpdesk.get_consultation(KAB, cid)
    assert (consultation.status, consultation.clarification_question) == (
        Status.CLARIFICATION_REQUESTED, "Tingkat kecamatan atau desa?")
    assert kab.helpdesk._load(cid).up.accepted_by == "budi"


def test_a_dead_letter_in_the_middle_is_kept_and_the_rest_applied_in_order(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    first, second = forwarded(kab, 1), forwarded(kab, 2)
    one, two = sent(kab, prov)
    # Between two genuine escalations: one addressed to the centre, and bytes that are no message at all.
    misaddressed = msgspec.structs.replace(one, to="pusat", seq=one.seq + 1000)
    batch = delivered(one, misaddressed)
    garbage = Delivery(next(STREAM), "hd.prov-16.kab-16_13.escalation_requested", b"{not json", None, "malformed")
    batch += [garbage, *delivered(two)]
    # Each dead letter ends its transaction: the consumer copies and alerts before the rest takes effect.
    misaddressed_kept = Receipt(Outcome.DEAD_LETTER, "misaddressed", kept=True)
    assert prov.helpdesk.receive_batch(batch) == [APPLIED, misaddressed_kept]
    assert receive_all(prov, batch[2:]) == [Receipt(Outcome.DEAD_LETTER, "malformed", kept=True), APPLIED]
    assert received_cases(prov) == {case_id(KAB, first), case_id(KAB, second)}
    assert prov.helpdesk.recorder.max_tracking_id(DEAD_LETTERS) == garbage.stream_seq
    letter = prov.helpdesk._load(prov.helpdesk._letter_id(DEAD_LETTERS, batch[1].stream_seq))
    assert isinstance(letter, DeadLetter) and (letter.reason, letter.subject) == ("misaddressed", batch[1].subject)
    # Delivered again: the dead letters are known (copied again, no second alert), the rest are repeats, even
    # the misaddressed one, whose sender's position the message after it has passed.
    head = prov.helpdesk.recorder.max_notification_id()
    assert receive_all(prov, again(batch)) == [
        DUPLICATE, Receipt(Outcome.DEAD_LETTER, "misaddressed"), Receipt(Outcome.DEAD_LETTER, "malformed"), DUPLICATE]
    assert prov.helpdesk.recorder.max_notification_id() == head


def test_an_inconsistent_message_is_refused_and_the_batch_goes_on(office: Callable[[str], Node], clock: FakeClock
                                                                  ) -> None:
    kab, prov = office(KAB), office(PROV)
    cid = forwarded(kab, 1)
    prov.helpdesk.receive_batch(delivered(*sent(kab, prov)))
    [received] = sent(prov, kab)

    def from_province(step: int, body: ClarificationRequested | EscalationAnswered) -> Envelope:
        return msgspec.structs.replace(received, seq=received.seq + step, body=body)

    # Received, a question, the same question again (the consultation awaits the first answer: inconsistent),
    # then the answer: the refusal leaves the consultation as the messages before it made it.
    asked = from_province(1, ClarificationRequested(received.ref, "Tingkat kecamatan?", "budi"))
    asked_again = from_province(2, ClarificationRequested(received.ref, "Atau desa?", "budi"))
    answer = Answer("Kecamatan.", (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 12"),), PROV, "budi", clock())
    answered = from_province(3, EscalationAnswered(received.ref, answer))
    batch = delivered(received, asked, asked_again, answered)
    assert receive_all(kab, batch) == [
        APPLIED, APPLIED, Receipt(Outcome.DEAD_LETTER, "inconsistent:not_escalated", kept=True), APPLIED]
    consultation = kab.helpdesk.get_consultation(KAB, cid)
    assert (consultation.status, consultation.clarification_question, consultation.answer) == (
        Status.ANSWERED, "Tingkat kecamatan?", "Kecamatan.")


def test_a_refusal_after_a_change_leaves_nothing_of_it(office: Callable[[str], Node], clock: FakeClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    kab, prov = office(KAB), office(PROV)
    cid = forwarded(kab, 1)
    prov.helpdesk.receive_batch(delivered(*sent(kab, prov)))
    [received] = sent(prov, kab)
    # A domain method that changes the consultation and then refuses (none does today: each checks first).
    request = Consultation.request_clarification

    def changes_then_refuses(self: Consultation, question: str, asked_by: str, at: datetime) -> None:
        request(self, question, asked_by, at)
        raise NotEscalated()

    monkeypatch.setattr(Consultation, "request_clarification", changes_then_refuses)
    asked = msgspec.structs.replace(received, seq=received.seq + 1,
                                    body=ClarificationRequested(received.ref, "Tingkat kecamatan?", "budi"))
    answer = Answer("Kecamatan.", (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 12"),), PROV, "budi", clock())
    answered = msgspec.structs.replace(received, seq=received.seq + 2, body=EscalationAnswered(received.ref, answer))
    assert receive_all(kab, delivered(received, asked, answered)) == [
        APPLIED, Receipt(Outcome.DEAD_LETTER, "inconsistent:not_escalated", kept=True), APPLIED]
    # The question the refused message put on the consultation was never written, nor seen by the answer.
    consultation = kab.helpdesk.get_consultation(KAB, cid)
    assert (consultation.status, consultation.clarification_question) == (Status.ANSWERED, None)


def test_a_duplicate_in_the_middle_is_only_acknowledged(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    cases = [case_id(KAB, forwarded(kab, n)) for n in range(4)]
    one, two, three, four = sent(kab, prov)
    prov.helpdesk.receive_batch(delivered(one, two))
    # The second comes again (republished past JetStream's duplicate window), the fourth twice in one batch,
    # and the first is sent anew under a later position: its case exists, so it opens nothing.
    resent = msgspec.structs.replace(one, seq=four.seq + 1)
    assert prov.helpdesk.receive_batch(delivered(three, two, four, four, resent)) == [
        APPLIED, DUPLICATE, APPLIED, DUPLICATE, APPLIED]
    assert received_cases(prov) == set(cases)
    opened = prov.helpdesk.recorder.select_notifications(1, 100, topics=[get_topic(EscalationCase.Received)])
    assert len(opened) == 4
    assert prov.helpdesk.recorder.max_tracking_id(KAB) == resent.seq


def test_a_batch_applied_meanwhile_by_another_delivery_is_decided_again(
    office: Callable[[str], Node], monkeypatch: pytest.MonkeyPatch
) -> None:
    kab, prov = office(KAB), office(PROV)
    cid = forwarded(kab, 1)
    [envelope] = sent(kab, prov)
    write = prov.helpdesk._write

    def another_delivery_first(batch):  # noqa: ANN001, ANN202 - the inbox's private batch
        monkeypatch.setattr(prov.helpdesk, "_write", write)
        assert prov.helpdesk.receive_message(envelope) is Outcome.APPLIED
        return write(batch)

    monkeypatch.setattr(prov.helpdesk, "_write", another_delivery_first)
    # The batch's write finds the position taken (IntegrityError): decided again, the message is a repeat.
    assert prov.helpdesk.receive_batch(delivered(envelope)) == [DUPLICATE]
    assert received_cases(prov) == {case_id(KAB, cid)}
