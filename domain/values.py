"""Value objects of the consultation record: channel, consultee identity, cited basis, documentation."""

from __future__ import annotations

import re
from enum import StrEnum

import msgspec
from email_validator import EmailNotValidError, validate_email
from lokal import parse_phone

from domain.errors import (
    BasisRequired,
    ContactRequired,
    InvalidCharacters,
    InvalidEmail,
    InvalidHash,
    InvalidPhone,
    TextRequired,
    TextTooLong,
)
from domain.parties import Party

MAX_NAME = 120
MAX_TEXT = 10_000
MAX_REFERENCE = 300
# C0 control characters except tab, line feed and carriage return (what XML 1.0, and so XLSX, cannot hold).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Channel(StrEnum):
    """The four service channels of SOP part C."""

    EMAIL = "email"  # surat elektronik
    MESSAGING = "messaging"  # aplikasi pesan online (grup)
    ONLINE_MEETING = "online_meeting"  # pertemuan online
    WALK_IN = "walk_in"  # tatap muka

    @property
    def needs_documentation(self) -> bool:
        """SOP C.c.14 and C.d.12: meetings are recorded or screenshotted, walk-ins photographed."""
        return self in (Channel.ONLINE_MEETING, Channel.WALK_IN)


class BasisKind(StrEnum):
    """What an answer may rest on (SOP C.a.4: peraturan perundang-undangan, juknis, juklak, FAQ Sipol)."""

    UU = "uu"  # Undang-Undang
    PKPU = "pkpu"  # Peraturan KPU
    KEPUTUSAN_KPU = "keputusan_kpu"  # Keputusan KPU, including the technical guide (petunjuk teknis)
    PETUNJUK_PELAKSANAAN = "petunjuk_pelaksanaan"  # implementation guide (juklak)
    FAQ_SIPOL = "faq_sipol"


class DocumentationKind(StrEnum):
    PHOTO = "photo"
    RECORDING = "recording"
    SCREENSHOT = "screenshot"
    DOCUMENT = "document"


class Identity(msgspec.Struct, frozen=True):
    """The consultee as the SOP records them: representative's name, party, phone, e-mail."""

    name: str
    party: Party
    phone: str | None = None  # E.164, e.g. +6281234567890
    email: str | None = None  # normalised address


class Basis(msgspec.Struct, frozen=True):
    """One cited basis of an answer, e.g. (PKPU, "PKPU 4/2022 Pasal 85 ayat (1)")."""

    kind: BasisKind
    reference: str


class Documentation(msgspec.Struct, frozen=True):
    """A stored file's reference: where it is kept and the SHA-256 of its content."""

    kind: DocumentationKind
    storage_key: str
    sha256: str


def clean_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """Strips the text and refuses an empty or overlong one, or one with control characters."""
    text = value.strip()
    if not text:
        raise TextRequired(field=field)
    if _CONTROL.search(text):
        raise InvalidCharacters(field=field)
    if len(text) > limit:
        raise TextTooLong(field=field, limit=limit)
    return text


def normalise_phone(raw: str) -> str:
    """Any common Indonesian writing (0812…, +62 812…, 62812…, (0733) 451234) to E.164."""
    info = parse_phone(raw)
    if not info.valid or info.e164 is None:
        raise InvalidPhone(field="phone", detail=info.errors[0].message if info.errors else "")
    return info.e164


def normalise_email(raw: str) -> str:
    """Checks the address's syntax (no network look-up) and returns its normal form."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidEmail(field="email", detail=str(error)) from None


def make_identity(name: str, party: Party, phone: str | None, email: str | None) -> Identity:
    """Builds a checked identity; at least one way to reach the consultee back is required."""
    phone = phone.strip() if phone else None
    email = email.strip() if email else None
    if not phone and not email:
        raise ContactRequired(field="phone")
    return Identity(
        name=clean_text(name, "name", MAX_NAME),
        party=party,
        phone=normalise_phone(phone) if phone else None,
        email=normalise_email(email) if email else None,
    )


def make_bases(items: list[tuple[str, str]]) -> tuple[Basis, ...]:
    """At least one basis, each with a known kind and a non-empty reference."""
    if not items:
        raise BasisRequired(field="bases")
    bases = []
    for index, (kind, reference) in enumerate(items):
        try:
            basis_kind = BasisKind(kind)
        except ValueError:
            raise BasisRequired(field=f"bases[{index}].kind") from None
        bases.append(Basis(basis_kind, clean_text(reference, f"bases[{index}].reference", MAX_REFERENCE)))
    return tuple(bases)


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def make_documentation(kind: str, storage_key: str, sha256: str) -> Documentation:
    try:
        doc_kind = DocumentationKind(kind)
    except ValueError:
        raise TextRequired(field="kind") from None
    digest = sha256.strip().lower()
    if not _SHA256.match(digest):
        raise InvalidHash(field="sha256")
    return Documentation(doc_kind, clean_text(storage_key, "storage_key", MAX_REFERENCE), digest)
