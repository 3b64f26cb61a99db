"""What each kind of outgoing mail says, by the cause in the outbox: an acknowledgement (the question received, its
number and its tracking link, threaded under the mail that opened the consultation), an answer (the consultation's
answer and its basis, threaded under the consultee's mail, with the tracking link) or an invitation (the meeting's time
and link, with its .ics). A new kind of mail is one entry in LETTERS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from domain.mail import tagged_subject
from domain.meeting import MeetingState
from domain.personal_data import PLACEHOLDER
from gateways.mail.invitation import invitation_ics, invitation_texts
from gateways.messages import label, message
from gateways.reports.dates import plain_date
from gateways.tracking_tokens import TrackingTokens
from gateways.web.tracking_desk import TRACKING_PATH
from projections.mail_queries import MailQueries, OutboxRow
from services.mail import MailCommands

# A consultation's tracking link and until when it works; None when the node has no public address to give one.
TrackingLink = Callable[[UUID], tuple[str, datetime] | None]


class Letter(msgspec.Struct, frozen=True, kw_only=True):
    to_name: str
    to_address: str
    subject: str
    text: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, media type, bytes)
    automatic: bool = False  # written by the node, not a person (an acknowledgement): marked Auto-Submitted


class Writing(msgspec.Struct, frozen=True):
    """What every letter may need: the commands (to load what the cause recorded), the mail read model, the office,
    and the consultation's tracking link."""

    helpdesk: MailCommands
    queries: MailQueries
    office_name: str
    office_address: str
    zone: ZoneInfo
    tracking_link: TrackingLink


def tracking_links(tokens: TrackingTokens, public_url: str) -> TrackingLink:
    """A new link per letter, good for the configured days from its writing. Without the node's public address a
    mail gives no link at all: a liaison cannot open a relative one, nor a guessed host."""

    def link(consultation_id: UUID) -> tuple[str, datetime] | None:
        if not public_url:
            return None
        token, expires = tokens.issue(consultation_id)
        return f"{public_url.rstrip('/')}{TRACKING_PATH}{token}", expires

    return link


def _addressed(address: str | None) -> bool:
    return bool(address) and address != PLACEHOLDER  # an erased consultee receives nothing


def _link_line(writing: Writing, consultation_id: UUID) -> str:
    """The tracking link's paragraph of a letter (its blank lines around it), or nothing."""
    found = writing.tracking_link(consultation_id)
    if found is None:
        return ""
    link, expires = found
    line = message("mail_tracking_line", link=link, expires=plain_date(expires.astimezone(writing.zone).date()))
    return f"\n{line}\n"


def acknowledgement(writing: Writing, row: OutboxRow) -> Letter | None:
    """The question received: its number, the SOP's time to answer it, and where to follow it."""
    consultation = writing.helpdesk.consultation_as_of(row.consultation_id)
    identity = consultation.identity
    if not _addressed(identity.email):
        return None
    read = writing.helpdesk.mail_of(row.source).mail
    text = message("mail_acknowledgement", name=identity.name, number=f"HD-{consultation.id.hex[:8]}",
                   office=writing.office_name, link_line=_link_line(writing, consultation.id))
    return Letter(to_name=identity.name, to_address=str(identity.email),
                  subject=tagged_subject(consultation.id, read.subject), text=text, in_reply_to=read.message_id,
                  references=read.references, automatic=True)


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
                   number=f"HD-{consultation.id.hex[:8]}", office=writing.office_name,
                   link_line=_link_line(writing, consultation.id))
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


LETTERS: dict[str, Callable[[Writing, OutboxRow], Letter | None]] = {
    "acknowledgement": acknowledgement, "answer": answer, "invitation": invitation,
}
