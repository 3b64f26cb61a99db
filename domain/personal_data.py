"""Which fields of which events are a consultee's personal data, and how they are sealed, pseudonymised and found.

Declared once, here: the event store's mapper encrypts exactly these fields with the subject's own key, the audit
chain shows their pseudonyms instead, and erasure (crypto-shredding) destroys that key. UU 27/2022 (PDP): the
consultee's name, phone and e-mail are collected by the regency for the consultation and stay there.

The subject is the consultee of one consultation, and its id is that consultation's id: the consultation records
the identity (Opened, IdentityCorrected) and the walk-in guest book line names the consultation it opened, so one
key covers the same person in both, and erasing a consultee erases their guest-book line too. A person who comes
back opens a new consultation, a new subject: the blind indexes of phone and e-mail find all of them again.

Staff accounts (User.Registered's username and full name) are not in this registry: they are the office's own
staff acting in office, named on the audit trail as who did what, which is the trail's purpose (and a sealed chain
could not be kept honest about who acted if their names could be shredded).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from domain.clip import Clip
from domain.consultation import Consultation
from domain.frontdesk import QueueDay
from domain.groups import Group
from domain.mail import Mail
from domain.messaging import ChatReceived

# What a destroyed field reads as, everywhere: aggregates, read models, exports. Never an exception.
PLACEHOLDER = "[dihapus]"
PSEUDONYM_PREFIX = "psn:"
_SPACES = re.compile(r"\s+")


class FieldKind(StrEnum):
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"  # a messaging account: a Telegram user id, a WhatsApp number as the network names it


class SubjectKind(StrEnum):
    CONSULTEE = "consultee"  # a party's representative, as one consultation (and its guest-book line) records them
    GROUP_MEMBER = "group_member"  # a party's liaison or operator in a messaging group (domain/groups.py)


class PersonalFields(msgspec.Struct, frozen=True):
    """The personal fields of one event class: where its subject's id is, and each field's dotted path and kind."""

    subject: str  # a field of the event holding the subject's id, or "originator_id"
    kind: SubjectKind
    fields: tuple[tuple[str, FieldKind], ...]


_IDENTITY = (
    ("identity.name", FieldKind.NAME), ("identity.phone", FieldKind.PHONE), ("identity.email", FieldKind.EMAIL),
)
REGISTRY: dict[type, PersonalFields] = {
    Consultation.Opened: PersonalFields("originator_id", SubjectKind.CONSULTEE, _IDENTITY),
    Consultation.IdentityCorrected: PersonalFields("originator_id", SubjectKind.CONSULTEE, _IDENTITY),
    # The guest signs for the consultation the same desk opens with the same identity: one subject.
    # A mail's sender is the consultee of the consultation it opened or joined (else a subject of its own).
    Mail.Received: PersonalFields(
        "subject_id", SubjectKind.CONSULTEE,
        (("mail.sender_name", FieldKind.NAME), ("mail.sender_address", FieldKind.EMAIL)),
    ),
    # A message's sender is the consultee of the consultation it opened or joined (domain/messaging.py).
    ChatReceived.Received: PersonalFields(
        "subject_id", SubjectKind.CONSULTEE,
        (("message.sender_name", FieldKind.NAME), ("message.sender_id", FieldKind.ACCOUNT)),
    ),
    QueueDay.GuestRecorded: PersonalFields(
        "consultation", SubjectKind.CONSULTEE,
        (("name", FieldKind.NAME), ("phone", FieldKind.PHONE), ("email", FieldKind.EMAIL)),
    ),
    # A clip's sender as the group shows them is the consultee of the consultation it opened or joined.
    Clip.Pasted: PersonalFields("subject_id", SubjectKind.CONSULTEE, (("sender", FieldKind.NAME),)),
    # Each liaison or operator of a group register is a subject of their own: their key goes when they do.
    Group.MemberAdded: PersonalFields(
        "member_id", SubjectKind.GROUP_MEMBER, (("name", FieldKind.NAME), ("phone", FieldKind.PHONE)),
    ),
}


def personal_fields(event_class: type) -> PersonalFields | None:
    return REGISTRY.get(event_class)


class SubjectRecord(msgspec.Struct, frozen=True):
    """A data subject as the key store knows it (never its data): erased once `destroyed_at` is set."""

    subject_id: str  # the consultation's id (str of its UUID)
    kind: SubjectKind
    created_at: datetime
    destroyed_at: datetime | None = None

    @property
    def erased(self) -> bool:
        return self.destroyed_at is not None


class ConsultationState(msgspec.Struct, frozen=True):
    """A subject's consultation as the read model has it, for deciding whether its retention has passed."""

    status: str  # domain.script.Status value, e.g. "closed"
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


class Sealed(msgspec.Struct, frozen=True):
    """A personal field as the event store holds it: its pseudonym, the key's id and the AES-GCM ciphertext
    (base64 of the 12-byte nonce followed by the ciphertext and tag)."""

    psn: str
    key: str
    enc: str


def is_sealed(value: Any) -> bool:
    """A stored field's value is sealed (a JSON object with these three keys) rather than plaintext of old."""
    return isinstance(value, dict) and {"psn", "key", "enc"} <= value.keys()


def normalise(kind: FieldKind, value: str) -> str:
    """The form pseudonyms and blind indexes are computed over: a name folded (case, width, spaces), a phone as stored
    (E.164), an e-mail address lower-cased."""
    text = unicodedata.normalize("NFKC", value).strip()
    if kind is FieldKind.NAME:
        return _SPACES.sub(" ", text).casefold()
    if kind is FieldKind.EMAIL:
        return text.lower()
    return text


def pseudonym(secret: bytes, kind: FieldKind, value: str) -> str:
    """The keyed pseudonym the audit trail shows for a value, e.g. `psn:3f1c0a9be2d47756`: the same value gives the
    same pseudonym at this office (so the auditor can tell entries of one person), and nobody without the office's
    key can tell whose it is."""
    return PSEUDONYM_PREFIX + _mac(secret, b"pseudonym", kind, value)[:16]


def blind_index(secret: bytes, kind: FieldKind, value: str) -> str:
    """A lookup digest of a phone or e-mail for the key store, distinct from the pseudonym (destroyed with the key,
    while pseudonyms stay in the log and the audit chain)."""
    return _mac(secret, b"lookup", kind, value)


def _mac(secret: bytes, purpose: bytes, kind: FieldKind, value: str) -> str:
    message = b"\0".join((purpose, kind.value.encode(), normalise(kind, value).encode()))
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def associated_data(originator_id: str, originator_version: int, path: str) -> bytes:
    """What a field's ciphertext is bound to: its event (aggregate and version) and its place in it. A ciphertext
    copied into another event or another field does not decrypt."""
    return f"helpdesk-sipol:pd:v1:{originator_id}:{originator_version}:{path}".encode()


def subject_of(fields: PersonalFields, originator_id: str, state: dict[str, Any]) -> str:
    """The subject's id of an event in its stored form (`state`: the event's fields as JSON builtins)."""
    if fields.subject == "originator_id":
        return originator_id
    return str(state[fields.subject])


def get_at(state: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of an event's fields (None where any part is missing)."""
    value: Any = state
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def set_at(state: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    target = state
    for part in parents:
        target = target[part]
    target[leaf] = value

