"""What each kind of outgoing mail says, by the cause in the outbox: an answer (the consultation's answer and its
basis, threaded under the consultee's mail) or an invitation (the meeting's time and link, with its .ics). A new kind
of mail is one entry in LETTERS."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

import msgspec

from domain.mail import tagged_subject
from domain.meeting import MeetingState
from domain.personal_data import PLACEHOLDER
from gateways.mail.invitation import invitation_ics, invitation_texts
from gateways.messages import label, message
from projections.mail_queries import MailQueries, OutboxRow
from services.mail import MailCommands


class Letter(msgspec.Struct, frozen=True, kw_only=True):
    to_name: str
    to_address: str
    subject: str
    text: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, media type, bytes)


class Writing(msgspec.Struct, frozen=True):
    """What every letter may need: the commands (to load what the cause recorded), the mail read model, the office."""

    helpdesk: MailCommands
    queries: MailQueries
    office_name: str
    office_address: str
    zone: ZoneInfo


def _addressed(address: str | None) -> bool:
    return bool(address) and address != PLACEHOLDER  # an erased consultee receives nothing


def answer(writing: Writing, row: OutboxRow) -> Letter | None:
    consultation = writing.helpdesk.consultation_as_of(row.consultation_id, row.cause_version)
    identity = consultation.identity
    if not _addressed(identity.email):
        return None
    first = writing.queries.first_mail(consultation.id)
    mail = writing.queries.get(consultation.office_id, first) if first else None
    in_reply_to, references = writing.queries.thread_ids(consultation.id)
    bases = "\n".join(f"- {label('basis', b.kind.value)}: {b.reference}" for b in consultation.bases)
    text = message("mail_answer", name=identity.name, answer=consultation.answer or "", bases=bases or "-",
                   number=f"HD-{consultation.id.hex[:8]}", office=writing.office_name)
    return Letter(to_name=identity.name, to_address=str(identity.email),
                  subject=tagged_subject(consultation.id, mail.subject if mail else ""), text=text,
                  in_reply_to=in_reply_to, references=references)


def invitation(writing: Writing, row: OutboxRow) -> Letter | None:
    meeting = writing.helpdesk.meeting_version(row.source, row.cause_version)
    identity = writing.helpdesk.consultation_as_of(row.consultation_id).identity
    if not _addressed(identity.email):
        return None
    cancelled = meeting.state is MeetingState.CANCELLED
    summary, text = invitation_texts(meeting, writing.office_name, writing.zone, cancelled)
    method = "CANCEL" if cancelled else "REQUEST"
    ics = invitation_ics(meeting, writing.office_name, writing.office_address, identity.name, identity.email,
                         writing.zone, method)
    return Letter(to_name=identity.name, to_address=str(identity.email),
                  subject=tagged_subject(row.consultation_id, summary), text=text,
                  attachments=((f"undangan-{meeting.id.hex[:8]}.ics", f"text/calendar; method={method}", ics),))

LETTERS: dict[str, Callable[[Writing, OutboxRow], Letter | None]] = {"answer": answer, "invitation": invitation}
