"""FAQ Sipol copies (issue 15): a higher office's entry as an office below holds it only moves forward; who may send
a release to whom (domain/faq_copy.py), and the inbox dead-letters a release that breaks it; what an answer records
when it cites an entry, and what a handover records of the FAQ."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from uuid import uuid4

import pytest

from domain.errors import InvalidInput
from domain.faq_copy import FaqCopy, FaqReleaseMisrouted, check_release_route, passes_on
from domain.faq_values import (
    Citation,
    FaqNotCitable,
    FaqRelease,
    FaqSearch,
    FaqStatus,
    Reach,
    cite,
    make_content,
    prefill_from_case,
)
from domain.offices import OfficeId
from domain.values import Basis, BasisKind, Channel
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from services.inbox import SIGNED, Delivery, Outcome
from services.integration import Envelope, FaqShared, encode, subject
from tests.support.consultations import handed_to_commissioner

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)
PUSAT, PROV, PROV_32, KAB = OfficeId("pusat"), OfficeId("prov-16"), OfficeId("prov-32"), OfficeId("kab-16.13")
CONTENT = make_content("Cara unggah SK kepengurusan", ["upload SK gagal"], "PDF paling besar 2 MB.",
                       [("pkpu", "PKPU 4/2022 Pasal 11")], ["upload"])
STREAM = count(1)


def release(revision: int = 1, status: FaqStatus = FaqStatus.PUBLISHED, owner: str = "pusat", entry_id=None
            ) -> FaqRelease:
    return FaqRelease(entry_id or uuid4(), owner, revision, CONTENT, status, T0 + timedelta(hours=revision),
                      "Diganti." if status is FaqStatus.RETIRED else None)


def test_a_copy_only_moves_forward() -> None:
    first = release(2)
    copy = FaqCopy.receive(first, "prov-16", T0)
    assert (copy.revision, copy.status, copy.reach, copy.via) == (2, FaqStatus.PUBLISHED, Reach.NATIONAL, "prov-16")
    older = FaqRelease(first.entry_id, "pusat", 1, CONTENT, FaqStatus.PUBLISHED, T0)
    assert copy.take(older, "prov-16", T0) is False and copy.take(first, "prov-16", T0) is False
    assert copy.take(release(3, entry_id=first.entry_id), "prov-16", T0) is True and copy.revision == 3
    assert copy.take(release(3, FaqStatus.RETIRED, entry_id=first.entry_id), "prov-16", T0) is True
    assert copy.status is FaqStatus.RETIRED and copy.retire_reason == "Diganti."
    # Retired is final: a later version changes nothing.
    assert copy.take(release(4, entry_id=first.entry_id), "prov-16", T0) is False and copy.revision == 3
    # A release naming another owner for the same id changes nothing either.
    assert copy.take(release(9, owner="prov-16", entry_id=first.entry_id), "prov-16", T0) is False


def test_a_first_release_that_is_a_retirement_is_kept_retired() -> None:
    copy = FaqCopy.receive(release(1, FaqStatus.RETIRED), "pusat", T0)
    assert copy.status is FaqStatus.RETIRED
    assert copy.release().status is FaqStatus.RETIRED


@pytest.mark.parametrize(("holder", "sender", "owner", "allowed"), [
    (PROV, PUSAT, PUSAT, True),  # the centre's own, to a province
    (KAB, PROV, PROV, True),  # a province's own, to its regency
    (KAB, PROV, PUSAT, True),  # the centre's, passed on by the regency's province
    (KAB, PUSAT, PUSAT, False),  # not from the office directly above
    (KAB, PROV_32, PROV_32, False),  # another province
    (KAB, PROV, PROV_32, False),  # another province's entry, passed on
    (PROV, KAB, KAB, False),  # upward
    (PUSAT, PROV, PROV, False),  # upward
])
def test_who_may_send_a_release_to_whom(holder: OfficeId, sender: OfficeId, owner: OfficeId, allowed: bool) -> None:
    if allowed:
        check_release_route(holder, sender, owner)
    else:
        with pytest.raises(FaqReleaseMisrouted):
            check_release_route(holder, sender, owner)


def test_only_a_province_passes_on_and_only_the_centres() -> None:
    assert passes_on(PROV, PUSAT) and not passes_on(PROV, PROV) and not passes_on(KAB, PUSAT)
    assert not passes_on(KAB, PROV) and not passes_on(PUSAT, PUSAT)


def test_a_citation_names_the_entry_and_its_version() -> None:
    entry_id = uuid4()
    basis = cite(entry_id, 3, "Cara unggah SK kepengurusan", FaqStatus.PUBLISHED)
    assert basis == Basis(BasisKind.FAQ_SIPOL, "Cara unggah SK kepengurusan", entry_id, 3)
    for status in (FaqStatus.DRAFT, FaqStatus.RETIRED):
        with pytest.raises(FaqNotCitable):
            cite(entry_id, 1, "x", status)
    assert FaqSearch().found_nothing and not FaqSearch((Citation(entry_id, 3),)).found_nothing


def test_a_candidate_is_prefilled_without_contact_data_and_without_cited_entries() -> None:
    bases = (Basis(BasisKind.PKPU, "PKPU 4/2022"), Basis(BasisKind.FAQ_SIPOL, "FAQ Sipol: x", uuid4(), 1))
    content = prefill_from_case("SK gagal diunggah, hubungi 0812-3456-7890 atau a@b.id", "Pindai ulang.", bases)
    assert "0812" not in content.question and "a@b.id" not in content.question
    assert content.bases == (bases[0],) and content.topics and content.phrasings == ()
    with pytest.raises(InvalidInput):
        prefill_from_case("   ", "x", ())


def shared(sender: str, to: str, the_release: FaqRelease, seq: int) -> Delivery:
    envelope = Envelope(1, sender, to, seq, T0, FaqShared(the_release))
    return Delivery(next(STREAM), subject(envelope), encode(envelope), envelope, seal=SIGNED)


def test_the_inbox_keeps_a_release_once_and_dead_letters_a_misrouted_one(office: Callable[[str], Node]) -> None:
    kab = office("kab-16.13").helpdesk
    good = release(1, owner="prov-16")
    assert [r.outcome for r in kab.receive_batch([shared("prov-16", "kab-16.13", good, 5)])] == [Outcome.APPLIED]
    assert [r.outcome for r in kab.receive_batch([shared("prov-16", "kab-16.13", good, 5)])] == [Outcome.DUPLICATE]
    assert kab._load(good.entry_id).owner == "prov-16"
    # Another province's entry passed on by this regency's own province: refused, kept as a dead letter.
    foreign = release(1, owner="prov-32")
    (receipt,) = kab.receive_batch([shared("prov-16", "kab-16.13", foreign, 6)])
    assert receipt.outcome is Outcome.DEAD_LETTER and receipt.reason == "inconsistent:faq_release_misrouted"
    # The consumer goes on: the next release is applied.
    later = release(1, owner="pusat")
    assert [r.outcome for r in kab.receive_batch([shared("prov-16", "kab-16.13", later, 7)])] == [Outcome.APPLIED]


def test_a_handover_records_what_the_faq_showed(office: Callable[[str], Node]) -> None:
    helpdesk = office("kab-16.13").helpdesk
    who = IdentityInput(name="Ani", party_number=3, phone="081234567890")
    nothing = handed_to_commissioner(helpdesk, "kab-16.13", who, "Masalah baru", "Jadi masalah baru?", "Di luar FAQ")
    assert helpdesk._load(nothing).handover_faq == FaqSearch()
    cid = helpdesk.open_consultation("kab-16.13", Channel.EMAIL, who, "desk")
    helpdesk.record_problem("kab-16.13", cid, "Masalah lain", "desk")
    helpdesk.restate_problem("kab-16.13", cid, "Jadi masalah lain?", "desk")
    helpdesk.confirm_problem("kab-16.13", cid, "desk")
    shown = Citation(uuid4(), 2)
    helpdesk.hand_to_commissioner("kab-16.13", cid, "Entri yang ada tidak menjawab.", "desk", [shown])
    assert helpdesk._load(cid).handover_faq == FaqSearch((shown,))
