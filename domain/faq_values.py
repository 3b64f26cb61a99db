"""The values, errors and rules of FAQ Sipol entries (domain/faq.py): topics, status, reach by tier, who writes, who
reads (`visible_to`), the checked content of a version and the citation an answer records."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import partial
from uuid import UUID

import msgspec

from domain.errors import InvalidInput, NotPermitted, Refusals, StepOutOfOrder
from domain.offices import OfficeId, Tier
from domain.outgoing import mask_contacts
from domain.roles import Permission, Role, may
from domain.values import MAX_REFERENCE, Basis, BasisKind, clean_text, make_bases

MAX_QUESTION = 500
MAX_ANSWER = 5_000
MAX_PHRASINGS = 10


class Topic(StrEnum):
    REGISTRATION = "registration"
    MEMBERSHIP = "membership"
    BOARD = "board"
    OFFICE = "office"
    ACCOUNT = "account"
    UPLOAD = "upload"
    VERIFICATION = "verification"
    OTHER = "other"


class FaqStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Reach(StrEnum):
    """Whom an entry speaks for, by the tier of its owner."""

    NATIONAL = "national"  # the centre's
    REGIONAL = "regional"  # a province's, for its regencies
    LOCAL = "local"  # a regency's own note


REACH = {Tier.PUSAT: Reach.NATIONAL, Tier.PROVINSI: Reach.REGIONAL, Tier.KABKOTA: Reach.LOCAL}


# The errors of the FAQ.
class FaqNotWriter(NotPermitted):
    code = "faq_not_writer"


class FaqNotOwner(NotPermitted):
    """Only the office that owns an entry changes it."""

    code = "faq_not_owner"


class FaqRetired(StepOutOfOrder):
    """A retired entry is neither published again nor changed: write a new one."""

    code = "faq_retired"


class FaqAlreadyPublished(StepOutOfOrder):
    """A published entry is changed by a revision, not edited as a draft or published again."""

    code = "faq_already_published"


class FaqNotPublished(StepOutOfOrder):
    """Only a published entry is revised; a draft is edited."""

    code = "faq_not_published"


class UnknownFaqTopic(InvalidInput):
    code = "faq_topic_unknown"


class FaqTopicRequired(InvalidInput):
    code = "faq_topic_required"


class TooManyPhrasings(InvalidInput):
    code = "faq_too_many_phrasings"


class Editor(msgspec.Struct, frozen=True):
    """Who acts on an entry: the account, its role, and the office it works at."""

    actor: str
    role: Role
    office: OfficeId


class FaqContent(msgspec.Struct, frozen=True):
    question: str
    phrasings: tuple[str, ...]
    answer: str
    bases: tuple[Basis, ...]
    topics: tuple[Topic, ...]


class FaqVersion(msgspec.Struct, frozen=True):
    """A version as it stood when replaced, with who last changed it (wrote or published it) and when."""

    version: int
    content: FaqContent
    actor: str
    at: datetime


class FaqRelease(msgspec.Struct, frozen=True):
    """A published entry as it leaves its owner for the offices below (and as they pass it on): the version that
    stands now, or the notice that it was retired. Nothing personal is in it: an entry is written for everyone."""

    entry_id: UUID
    owner: str  # the office that wrote it
    revision: int
    content: FaqContent
    status: FaqStatus  # PUBLISHED, or RETIRED (then `retire_reason`)
    changed_at: datetime
    retire_reason: str | None = None


class Citation(msgspec.Struct, frozen=True):
    """What an answer cites: the entry and the version it read."""

    entry_id: UUID
    version: int


class FaqSearch(msgspec.Struct, frozen=True):
    """What the desk was shown of the FAQ for a problem before handing it to the commissioner (SOP C.a.4–5): the
    entries beside the form when it handed over; none means the problem is not in the FAQ."""

    shown: tuple[Citation, ...] = ()

    @property
    def found_nothing(self) -> bool:
        return not self.shown


class FaqCaseAlreadyDrafted(StepOutOfOrder):
    """An escalated case's answer becomes one FAQ entry: it was drafted already (edit that draft)."""

    code = "faq_case_already_drafted"


class FaqCaseNotAnsweredHere(StepOutOfOrder):
    """Only an answer this office gave (not one passed down from above) becomes an FAQ candidate here."""

    code = "faq_case_not_answered_here"


def prefill_from_case(problem: str, answer: str, bases: tuple[Basis, ...]) -> FaqContent:
    """The draft an escalated case's answer becomes (the learning loop): its problem as the question, its answer and
    basis, contact data and national ids removed (domain/outgoing.py), the topic left for the editor to set."""
    return FaqContent(
        question=clean_text(mask_contacts(problem)[:MAX_QUESTION], "question", MAX_QUESTION), phrasings=(),
        answer=clean_text(mask_contacts(answer)[:MAX_ANSWER], "answer", MAX_ANSWER),
        bases=tuple(b for b in bases if b.entry_id is None), topics=(Topic.OTHER,),
    )


class FaqNotCitable(InvalidInput):
    """Only a published entry this office reads is cited (a draft, a retired entry or another region's is not)."""

    code = "faq_not_citable"


def cite(entry_id: UUID, revision: int, question: str, status: FaqStatus) -> Basis:
    """The basis an answer records when it cites an entry: its id and the version read, with the question as its
    reference (what the report's basis column shows)."""
    if status is not FaqStatus.PUBLISHED:
        raise FaqNotCitable(field="faq")
    return Basis(BasisKind.FAQ_SIPOL, question[:MAX_REFERENCE], entry_id=entry_id, version=revision)


def may_write_faq(role: Role) -> bool:
    """Who keeps the FAQ: Permission.MANAGE_FAQ (domain/roles.py)."""
    return may(role, Permission.MANAGE_FAQ)


def check_topics(raw: list[str] | tuple[str, ...]) -> tuple[Topic, ...]:
    """At least one tag, each of the fixed vocabulary; repeats dropped, order kept."""
    topics: list[Topic] = []
    for index, value in enumerate(raw):
        try:
            topic = Topic(value.strip().lower())
        except ValueError:
            raise UnknownFaqTopic(field=f"topics[{index}]", value=value) from None
        if topic not in topics:
            topics.append(topic)
    if not topics:
        raise FaqTopicRequired(field="topics")
    return tuple(topics)


def make_content(question: str, phrasings: list[str], answer: str, bases: list[tuple[str, str]],
                 topics: list[str]) -> FaqContent:
    """Cleans an entry's texts (domain/values.py clean_text) and checks its limits, refusing every wrong field at
    once (the form shows them all); a local note may cite no basis."""
    refusals = Refusals()
    if len(phrasings) > MAX_PHRASINGS:
        refusals.add(TooManyPhrasings(field="phrasings", limit=MAX_PHRASINGS))
    cleaned = [refusals.check(partial(clean_text, p, f"phrasings[{i}]", MAX_QUESTION)) for i, p in enumerate(phrasings)]
    checked_question = refusals.check(lambda: clean_text(question, "question", MAX_QUESTION))
    checked_answer = refusals.check(lambda: clean_text(answer, "answer", MAX_ANSWER))
    checked_bases = refusals.check(lambda: make_bases(bases)) if bases else ()
    checked_topics = refusals.check(lambda: check_topics(topics))
    refusals.raise_any()
    return FaqContent(
        question=checked_question or "", phrasings=tuple(dict.fromkeys(p for p in cleaned if p)),
        answer=checked_answer or "", bases=checked_bases or (), topics=checked_topics or (),
    )


def visible_to(entry_owner: OfficeId, entry_status: FaqStatus, reader_office: OfficeId) -> bool:
    """The owner sees its entries in every status; others see only published ones: the centre's everywhere, a
    province's at its own regencies; a regency's note nowhere else."""
    if reader_office == entry_owner:
        return True
    if entry_status is not FaqStatus.PUBLISHED:
        return False
    if entry_owner.tier is Tier.PUSAT:
        return True
    return entry_owner.tier is Tier.PROVINSI and reader_office.parent == entry_owner


def check_writer(by: Editor) -> None:
    if not may_write_faq(by.role):
        raise FaqNotWriter(role=by.role.value)
