"""The e-mail channel's rules (domain/mail.py): one id per mail wherever it is read, what a mail becomes, the
subject's consultation number, and the record of a held mail."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidInput
from domain.mail import (
    UNKNOWN_PARTY,
    Decision,
    Disposition,
    Folder,
    Mail,
    MailNotHeld,
    Quarantine,
    ReadMail,
    Thread,
    decide,
    mail_id,
    mail_identity,
    masked_address,
    outgoing_id,
    problem_text,
    subject_number,
    tagged_subject,
)

T0 = datetime(2024, 7, 1, 2, 0, tzinfo=UTC)
OPEN = Thread(UUID("1a2b3c4d-0000-4000-8000-000000000001"), closed=False)
CLOSED = Thread(UUID("9f8e7d6c-0000-4000-8000-000000000002"), closed=True)


def mail(**changes: object) -> ReadMail:
    fields: dict = dict(mailbox="helpdesk@kab-1613.kpu.go.id", folder=Folder.INBOX, uidvalidity=7, uid=1,
                        message_id="<a1@partai.id>", sender_name="Tono", sender_address="tono@partai.id",
                        subject="Akun SIPOL terkunci", text="Akun kami terkunci sejak pagi.", content_hash="ab" * 32,
                        size=900, raw_key="mail/x.eml")
    fields.update(changes)
    return ReadMail(**fields)


def nothing(number: str | None, ids: object) -> Thread | None:
    return None


def never(address: str) -> bool:
    return False


def test_a_mail_has_one_id_whatever_folder_or_uid_it_is_read_under() -> None:
    first, moved = mail(), mail(folder=Folder.SPAM, uidvalidity=99, uid=4321)
    assert mail_id("kab-16.13", first.message_id, first.content_hash) == mail_id(
        "kab-16.13", moved.message_id, moved.content_hash)
    # Another office reading the same mail keeps its own; other bytes under the same Message-ID are another mail.
    assert mail_id("kab-16.13", "<a1@partai.id>", "ab" * 32) != mail_id("kab-16.14", "<a1@partai.id>", "ab" * 32)
    assert mail_id("kab-16.13", "<a1@partai.id>", "ab" * 32) != mail_id("kab-16.13", "<a1@partai.id>", "cd" * 32)


def test_a_new_question_opens_a_consultation() -> None:
    assert decide(mail(), nothing, never) == Decision(Disposition.OPENED)


def test_a_reply_joins_its_thread_by_reference_or_by_the_number_in_the_subject() -> None:
    seen: list[tuple[str | None, list[str]]] = []

    def find(number: str | None, ids: object) -> Thread | None:
        seen.append((number, list(ids)))  # type: ignore[call-overload]
        return OPEN

    reply = mail(subject="Re: [HD-1A2B3C4D] Akun SIPOL", in_reply_to="<out-1@kpu>", references=("<a1@partai.id>",))
    assert decide(reply, find, never) == Decision(Disposition.JOINED, consultation_id=OPEN.consultation_id)
    assert seen == [("1a2b3c4d", ["<out-1@kpu>", "<a1@partai.id>"])]


def test_a_reply_to_a_closed_consultation_opens_a_new_one_that_follows_it() -> None:
    decision = decide(mail(in_reply_to="<out-1@kpu>"), lambda n, i: CLOSED, never)
    assert decision == Decision(Disposition.OPENED, consultation_id=CLOSED.consultation_id)
    assert f"[HD-{CLOSED.consultation_id.hex[:8]}]" in problem_text(mail(), decision.consultation_id)


def test_spam_is_held_for_the_desk_and_automatic_replies_are_set_aside() -> None:
    assert decide(mail(folder=Folder.SPAM), nothing, never).disposition is Disposition.HELD
    assert decide(mail(automatic=True), lambda n, i: OPEN, never) == Decision(
        Disposition.AUTOMATIC, consultation_id=OPEN.consultation_id)


@pytest.mark.parametrize(("changes", "reason"), [
    ({"problems": (Quarantine.TOO_LARGE,)}, Quarantine.TOO_LARGE),
    ({"problems": (Quarantine.UNKNOWN_CHARSET, Quarantine.MALFORMED)}, Quarantine.UNKNOWN_CHARSET),
    ({"sender_address": None}, Quarantine.NO_SENDER),
    ({"sender_address": "helpdesk@kab-1613.kpu.go.id"}, Quarantine.FORGED_SENDER),
])
def test_what_cannot_be_imported_safely_is_quarantined_with_the_reason(changes: dict, reason: Quarantine) -> None:
    def ours(address: str) -> bool:
        return address.endswith("kpu.go.id")

    # Even from the spam folder: the reason is what the desk must see.
    assert decide(mail(folder=Folder.SPAM, **changes), nothing, ours) == Decision(
        Disposition.QUARANTINED, reason=reason)


def test_the_subject_carries_the_number_once() -> None:
    consultation = UUID("1a2b3c4d-5e6f-4000-8000-000000000000")
    assert tagged_subject(consultation, "Akun SIPOL") == "Re: [HD-1a2b3c4d] Akun SIPOL"
    assert tagged_subject(consultation, "RE: Fwd: [HD-1a2b3c4d] Akun SIPOL") == "Re: [HD-1a2b3c4d] Akun SIPOL"
    assert subject_number("Re: [hd-1A2B3C4D] x") == "1a2b3c4d" and subject_number("Akun") is None


def test_the_sender_becomes_the_consultee_with_the_party_to_be_corrected() -> None:
    identity = mail_identity(mail(sender_name="", sender_address="siti.aminah@partai.id"))
    assert (identity.name, identity.email, identity.party) == ("siti.aminah", "siti.aminah@partai.id", UNKNOWN_PARTY)
    with pytest.raises(InvalidInput):
        mail_identity(mail(sender_name="", sender_address="bukan alamat"))


def test_lists_show_the_address_masked() -> None:
    assert masked_address("tono.s@gmail.com") == "t•••@gmail.com"
    assert masked_address(None) == "" and masked_address("x") == ""


def test_each_answer_has_one_outgoing_mail() -> None:
    consultation = uuid4()
    assert outgoing_id(consultation, 5) == outgoing_id(str(consultation), 5) != outgoing_id(consultation, 6)


def test_a_held_mail_is_released_or_rejected_once() -> None:
    read = mail(folder=Folder.SPAM)
    held = Mail.receive("kab-16.13", read, Decision(Disposition.HELD), None, T0)
    assert held.waiting and held.id == mail_id("kab-16.13", read.message_id, read.content_hash)
    consultation = uuid4()
    held.release(consultation, "desk.ani", T0)
    assert (held.disposition, held.consultation_id, held.waiting) == (Disposition.OPENED, consultation, False)
    with pytest.raises(MailNotHeld):
        held.reject("desk.ani", "iklan", T0)
    opened = Mail.receive("kab-16.13", mail(), Decision(Disposition.OPENED), consultation, T0)
    with pytest.raises(MailNotHeld):
        opened.release(consultation, "desk.ani", T0)
