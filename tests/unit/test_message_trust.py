"""Only signed messages are applied, a position far ahead is refused, and a position already applied is a repeat
only with the same bytes: on memory, SQLite and PostgreSQL (the digests live beside the events)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import msgspec

from domain.casefile import case_id
from domain.deadletter import DeadLetter
from gateways.bootstrap import Node
from services.inbox import (
    BAD_SIGNATURE,
    DEAD_LETTERS,
    MAX_AHEAD,
    SIGNED,
    UNKNOWN_SENDER_KEY,
    UNSIGNED,
    Delivery,
    Outcome,
    Receipt,
)
from services.integration import EPOCH_VERSION, Envelope, decode, encode, subject
from tests.unit.test_inbox_batch import forwarded, received_cases, sent

KAB, PROV = "kab-16.13", "prov-16"
APPLIED, DUPLICATE = Receipt(Outcome.APPLIED), Receipt(Outcome.DUPLICATE)
STREAM = count(1)


def delivery(envelope: Envelope, seal: str = SIGNED, data: bytes | None = None) -> Delivery:
    return Delivery(next(STREAM), subject(envelope), encode(envelope) if data is None else data, envelope, seal=seal)


def receive(node: Node, *deliveries: Delivery) -> list[Receipt]:
    receipts: list[Receipt] = []
    while len(receipts) < len(deliveries):
        receipts += node.helpdesk.receive_batch(list(deliveries[len(receipts):]))
    return receipts


def refused(reason: str) -> Receipt:
    return Receipt(Outcome.DEAD_LETTER, reason, kept=True)


def test_a_message_is_applied_only_with_its_senders_signature(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    cid = forwarded(kab, 1)
    [escalation] = sent(kab, prov)
    # Unsigned, signed by another key, signed by a key the province does not know: each refused under its name.
    verdicts = [UNSIGNED, BAD_SIGNATURE, UNKNOWN_SENDER_KEY]
    assert receive(prov, *(delivery(escalation, seal) for seal in verdicts)) == [refused(v) for v in verdicts]
    assert received_cases(prov) == set()
    assert not prov.helpdesk.recorder.max_tracking_id(KAB)
    # The genuine message after them is applied: the refusals took no position of the sender.
    assert receive(prov, delivery(escalation)) == [APPLIED]
    assert received_cases(prov) == {case_id(KAB, cid)}


def test_a_copy_of_an_applied_message_is_a_repeat_whoever_sends_it(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    forwarded(kab, 1)
    [escalation] = sent(kab, prov)
    assert receive(prov, delivery(escalation)) == [APPLIED]
    head = prov.helpdesk.recorder.max_notification_id()
    # The same bytes again, even unsigned (replayed by anyone): the content is what was verified, so a repeat.
    assert receive(prov, delivery(escalation, UNSIGNED), delivery(escalation)) == [DUPLICATE, DUPLICATE]
    assert prov.helpdesk.recorder.max_notification_id() == head


def test_other_bytes_at_an_applied_position_are_a_conflict_not_a_repeat(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    forwarded(kab, 1)
    [escalation] = sent(kab, prov)
    assert receive(prov, delivery(escalation)) == [APPLIED]
    # The regency, put back from a backup without a new epoch, speaks the same position about another case.
    forwarded(kab, 2)
    other = sent(kab, prov)[-1]
    reused = msgspec.structs.replace(other, seq=escalation.seq)
    forged = msgspec.structs.replace(other, seq=escalation.seq)
    assert receive(prov, delivery(reused), delivery(forged, UNSIGNED)) == [refused("conflict"), refused(UNSIGNED)]
    letter = prov.helpdesk._load(prov.helpdesk._letter_id(DEAD_LETTERS, next(STREAM) - 2))
    assert isinstance(letter, DeadLetter) and letter.reason == "conflict"
    assert len(received_cases(prov)) == 1


def test_a_position_far_beyond_the_senders_is_refused_and_later_messages_still_arrive(
    office: Callable[[str], Node],
) -> None:
    kab, prov = office(KAB), office(PROV)
    first = forwarded(kab, 1)
    [escalation] = sent(kab, prov)
    assert receive(prov, delivery(escalation)) == [APPLIED]
    # One signed message with seq = 2^40 (a corrupt sender, or its key misused), and one a whole epoch range ahead.
    second = forwarded(kab, 2)
    later = sent(kab, prov)[-1]
    far = msgspec.structs.replace(later, seq=2**40)
    too_late_epoch = msgspec.structs.replace(later, v=EPOCH_VERSION, epoch=10**6)
    assert receive(prov, delivery(far), delivery(too_late_epoch)) == [
        refused("position_too_far"), refused("epoch_too_far")]
    assert prov.helpdesk.recorder.max_tracking_id(KAB) == escalation.seq
    # The genuine next escalation is applied: the far position was not adopted.
    assert receive(prov, delivery(later)) == [APPLIED]
    assert received_cases(prov) == {case_id(KAB, first), case_id(KAB, second)}
    # The bound itself: just within it is taken as a position, just beyond is not.
    assert MAX_AHEAD >= 10**8 > 2 * 10**7  # five years of a busy office


def test_a_new_epoch_reuses_positions_without_conflict(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    origins = [forwarded(kab, n) for n in range(3)]
    applied = sent(kab, prov)
    assert receive(prov, *(delivery(e) for e in applied)) == [APPLIED] * 3
    # The regency goes on in epoch 1 (here from its head; tests/integration/test_backup_restore.py restores a
    # real backup): the notice and the next escalation speak epoch 1, in version 2.
    kab.helpdesk.start_epoch(epoch=1, backup_position=kab.helpdesk.log_head(), backup_taken_at=None,
                             restored_by="ops", reason="command", neighbours=(PROV,))
    new_origin = forwarded(kab, 9)
    notice, fresh = [e for e in sent(kab, prov) if e.epoch == 1]
    assert (notice.v, fresh.v, fresh.message_id.split(":")[0]) == (EPOCH_VERSION, EPOCH_VERSION, f"{KAB}@1")
    assert decode(encode(fresh)) == fresh and decode(encode(notice)) == notice
    # As if its backup had ended just after the first escalation: the positions the province saw after it are
    # spoken again in epoch 1, tracked apart, and applied.
    restored_at = applied[0].seq
    notice = msgspec.structs.replace(notice, seq=restored_at + 2,  # after NodeLog.Opened
                                     body=msgspec.structs.replace(notice.body, backup_position=restored_at))
    reused = msgspec.structs.replace(fresh, seq=applied[1].seq)
    assert receive(prov, delivery(notice), delivery(reused)) == [APPLIED, APPLIED]
    assert prov.helpdesk.recorder.max_tracking_id(f"{KAB}@1") == applied[1].seq
    assert prov.helpdesk.recorder.max_tracking_id(KAB) == applied[2].seq
    assert case_id(KAB, new_origin) in received_cases(prov)
    # The province names the cases whose messages the regency lost: the two after its backup, in sending order.
    assert prov.helpdesk.cases_lost_by(KAB) == [f"{KAB}:{o}" for o in origins[1:]]
