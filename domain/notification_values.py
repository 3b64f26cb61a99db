"""What a notification is: its kind, who receives it (a recipients rule), what it points at, and the words it says
(a catalogue code and its values: the consultation number, the channel, the step; never a consultee's name, phone
or e-mail). Pure values, used by domain/notifications.py's registry and the read model."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import InvalidInput, Refusals
from domain.roles import Role


class Kind(StrEnum):
    """What arrived. Each kind's label is `notification.<kind>` in the catalogue."""

    HANDOVER_WAITING = "handover_waiting"  # the desk handed a problem to the commissioner
    CASE_RECEIVED = "case_received"  # an office below sent a case up
    CLARIFICATION_ASKED = "clarification_asked"  # an office above asks a question about a case or consultation
    CLARIFICATION_ANSWERED = "clarification_answered"  # the office below answered the question asked
    ANSWER_RETURNED = "answer_returned"  # the answer of the province or the centre came back
    NEAR_BREACH = "near_breach"  # a step ran to 75 % of its SOP time standard
    # Registered by the team's-day parts (roster, monitoring, incidents): one entry each in the registry.
    MONITORING_DUE = "monitoring_due"
    COVERAGE_GAP = "coverage_gap"
    REPORT_MISSED = "report_missed"
    INCIDENT = "incident"
    REPORT_RETURNED = "report_returned"  # my daily report came back from the Koordinator Harian with a reason


class Subject(StrEnum):
    """What a notification points at: the page it links to."""

    CONSULTATION = "consultation"
    CASE = "case"
    NONE = "none"  # a notice about the office's day (a gap in the roster), with no record of its own
    INCIDENT = "incident"  # a special incident (kejadian khusus)
    MONITORING = "monitoring"  # a SIPOL monitoring report
    STAFF_REPORT = "staff_report"  # a staff member's daily report
    ROSTER = "roster"  # the duty roster (jadwal piket): a coverage gap


class DeliveryChannel(StrEnum):
    """Ways out of the app a person may choose per kind."""

    EMAIL = "email"
    TELEGRAM = "telegram"


class Staff(msgspec.Struct, frozen=True):
    """One account of the office as recipient rules see it."""

    username: str
    role: Role
    active: bool = True


class ToRoles(msgspec.Struct, frozen=True, tag="roles"):
    """Everyone active at the office holding one of `roles`."""

    roles: frozenset[Role]
    also: tuple[str, ...] = ()  # and these named staff (e.g. the reporter on duty), by username

    def pick(self, members: list[Staff], handler: str | None) -> list[str]:
        named = set(self.also)
        return [person.username for person in members if person.role in self.roles or person.username in named]


class ToHandler(msgspec.Struct, frozen=True, tag="handler"):
    """The staff member who handled the consultation or case (who handed it over, who accepted the case); when
    nobody is known (a record older than the read model), everyone holding one of `otherwise`."""

    otherwise: frozenset[Role] = frozenset()

    def pick(self, members: list[Staff], handler: str | None) -> list[str]:
        found = [person.username for person in members if person.username == handler]
        return found or [person.username for person in members if person.role in self.otherwise]


class ToStaff(msgspec.Struct, frozen=True, tag="staff"):
    """Named staff members (by username), e.g. the person on duty a monitoring report falls to."""

    usernames: tuple[str, ...]

    def pick(self, members: list[Staff], handler: str | None) -> list[str]:
        wanted = set(self.usernames)
        return [person.username for person in members if person.username in wanted]


Recipients = ToRoles | ToHandler | ToStaff


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """What one event tells people: its kind, who receives it, what it is about, and its words (`code` is a message
    of the catalogue, `values` fill it in; the read model adds the subject's number and channel it knows)."""

    kind: Kind
    recipients: Recipients
    subject: Subject
    subject_id: UUID | None
    number: str  # "HD-1a2b3c4d": how the staff know the consultation; "" for a notice about the day
    code: str
    values: dict[str, str] = {}


def recipients_of(rule: Recipients, staff: Iterable[Staff], handler: str | None) -> list[str]:
    """The usernames a rule names among the office's staff, each once, in the staff's order; inactive accounts never
    receive anything. A handler who left (deactivated) is replaced by the rule's roles of last resort."""
    return rule.pick([person for person in staff if person.active], handler)


# How a person's choices look: an address for e-mail, a chat id for the office's Telegram bot.
_EMAIL = re.compile(r"^[^@\s<>,;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CHAT_ID = re.compile(r"^-?[0-9]{1,20}$")
MAX_EMAIL = 254


class NotificationEmailInvalid(InvalidInput):
    code = "notification_email_invalid"


class NotificationChatInvalid(InvalidInput):
    code = "notification_chat_invalid"


class NotificationKindUnknown(InvalidInput):
    code = "notification_kind_unknown"


class NotificationAddressMissing(InvalidInput):
    """A kind is chosen for a way out that has no address to go to."""

    code = "notification_address_missing"


class Choices(msgspec.Struct, frozen=True, kw_only=True):
    """A staff member's own choices: their address and chat id (staff data, not a consultee's), and the kinds that
    reach them by each way out of the app."""

    email: str | None = None
    telegram_chat_id: str | None = None
    email_kinds: frozenset[Kind] = frozenset()
    telegram_kinds: frozenset[Kind] = frozenset()

    def kinds_for(self, channel: DeliveryChannel) -> frozenset[Kind]:
        return self.email_kinds if channel is DeliveryChannel.EMAIL else self.telegram_kinds

    def address_for(self, channel: DeliveryChannel) -> str | None:
        return self.email if channel is DeliveryChannel.EMAIL else self.telegram_chat_id


def kinds_of(raw: Iterable[str], field: str) -> frozenset[Kind]:
    try:
        return frozenset(Kind(value) for value in raw)
    except ValueError:
        raise NotificationKindUnknown(field=field) from None


def _address(raw: str | None, pattern: re.Pattern[str], error: type[InvalidInput], field: str) -> str | None:
    value = (raw or "").strip() or None
    if value is not None and (len(value) > MAX_EMAIL or not pattern.match(value)):
        raise error(field=field)
    return value


def checked_choices(email: str | None, telegram_chat_id: str | None, email_kinds: Iterable[str],
                    telegram_kinds: Iterable[str]) -> Choices:
    """The choices as typed, every refusal at once (a person corrects all fields in one go)."""
    refusals = Refusals()
    address = refusals.check(lambda: _address(email, _EMAIL, NotificationEmailInvalid, "email"))
    chat = refusals.check(lambda: _address(telegram_chat_id, _CHAT_ID, NotificationChatInvalid, "telegram_chat_id"))
    by_mail = refusals.check(lambda: kinds_of(email_kinds, "email_kinds")) or frozenset()
    by_telegram = refusals.check(lambda: kinds_of(telegram_kinds, "telegram_kinds")) or frozenset()
    refused = {error.field for error in refusals.errors}
    if by_mail and address is None and "email" not in refused:
        refusals.add(NotificationAddressMissing(field="email"))
    if by_telegram and chat is None and "telegram_chat_id" not in refused:
        refusals.add(NotificationAddressMissing(field="telegram_chat_id"))
    refusals.raise_any()
    return Choices(email=address, telegram_chat_id=chat, email_kinds=by_mail, telegram_kinds=by_telegram)
