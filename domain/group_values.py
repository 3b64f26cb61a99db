"""The words of the messaging groups' register (domain/groups.py): platforms, the members' roles, the refusals, and
how a member is shown masked in every list (UU 27/2022: names and numbers stay at the office)."""

from __future__ import annotations

import re
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import DomainError, InvalidInput

MAX_GROUP_NAME = 100
MAX_MEMBERS = 100
# A Telegram chat's id: an integer, negative for groups and supergroups (-100… for a supergroup).
_CHAT_ID = re.compile(r"^-?[0-9]{1,20}$")


class Platform(StrEnum):
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    OTHER = "other"  # Signal, a Line group...: clipped by hand like a WhatsApp group


class MemberRole(StrEnum):
    LIAISON = "liaison"  # the party's liaison officer (narahubung)
    OPERATOR = "operator"  # the party's SIPOL operator


class Member(msgspec.Struct, frozen=True):
    member_id: UUID
    name: str
    role: MemberRole
    phone: str | None = None  # E.164


class GroupRetired(DomainError):
    code = "group_retired"
    kind = "conflict"


class UnknownGroup(DomainError):
    code = "unknown_group"
    kind = "not_found"


class UnknownMember(DomainError):
    code = "unknown_member"
    kind = "not_found"


class MemberAlreadyListed(DomainError):
    code = "member_already_listed"
    kind = "conflict"


class TooManyMembers(InvalidInput):
    code = "too_many_members"


class UnknownPlatform(InvalidInput):
    code = "unknown_platform"


class UnknownMemberRole(InvalidInput):
    code = "unknown_member_role"


class ChatIdInvalid(InvalidInput):
    """A Telegram chat id is a whole number (what the bot reports in the group); other platforms have none."""

    code = "chat_id_invalid"


class ChatAlreadyRegistered(DomainError):
    code = "chat_already_registered"
    kind = "conflict"


class AlreadyWatching(DomainError):
    code = "already_watching"
    kind = "conflict"


class NotWatching(DomainError):
    code = "not_watching"
    kind = "not_found"


def platform_of(raw: str) -> Platform:
    try:
        return Platform(raw.strip())
    except ValueError:
        raise UnknownPlatform(field="platform") from None


def member_role_of(raw: str) -> MemberRole:
    try:
        return MemberRole(raw.strip())
    except ValueError:
        raise UnknownMemberRole(field="role") from None


def check_chat_id(platform: Platform, chat_id: str | None) -> str | None:
    """A Telegram group's chat id, checked; None for a group without one (WhatsApp and others: no bot reads them)."""
    text = (chat_id or "").strip()
    if not text:
        return None
    if platform is not Platform.TELEGRAM or not _CHAT_ID.match(text):
        raise ChatIdInvalid(field="chat_id")
    return str(int(text))


def mask_name(name: str) -> str:
    """A member's name as lists show it: each word's first letter ("Budi Santoso" → "B••• S•••")."""
    return " ".join(f"{word[:1]}•••" for word in name.split()) or "•••"


def mask_phone(phone: str | None) -> str:
    """A phone number as lists show it: its country code and last three digits ("+62•••••890")."""
    if not phone:
        return ""
    return f"{phone[:3]}•••••{phone[-3:]}" if len(phone) > 6 else "•••"
