"""Value objects of the consultation record: channel, consultee identity, cited basis, documentation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from uuid import UUID

import msgspec
from email_validator import EmailNotValidError, validate_email
from lokal import parse_phone

from domain.errors import (
    BasisRequired,
    ContactRequired,
    DocumentationNotStored,
    InvalidEmail,
    InvalidHash,
    InvalidPhone,
    InvisibleCharacters,
    Refusals,
    TextRequired,
    TextTooLong,
)
from domain.parties import MAX_PARTY_NAME, Party, PartyRegister

MAX_NAME = 120
MAX_TEXT = 10_000
MAX_REFERENCE = 300
# What nobody means to type and nobody sees: controls (C0 — which XML 1.0, and so XLSX, cannot hold — DEL and C1),
# format characters (zero-width space, BOM, bidi overrides that make a text read backwards), lone surrogates (which
# UTF-8 cannot encode) and the Unicode line and paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_KEPT_IN_TEXT = frozenset("\t\n\r")
# The only invisible characters plain ASCII text can hold (category Cc, less what text keeps): text without them
# is what `_visible` would leave it, so it need not be looked at a character at a time.
_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Channel(StrEnum):
    """The four service channels of SOP part C."""

    EMAIL = "email"  # surat elektronik
    MESSAGING = "messaging"  # aplikasi pesan online (grup)
    ONLINE_MEETING = "online_meeting"  # pertemuan online
    WALK_IN = "walk_in"  # tatap muka
    # What each channel's script requires (restatement, understanding, documentation) is one table:
    # domain/script.py SCRIPTS.


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
    """One cited basis of an answer, e.g. (PKPU, "PKPU 4/2022 Pasal 85 ayat (1)"). An FAQ Sipol entry cited from the
    knowledge base (domain/faq.py) also names the entry and the version the desk read."""

    kind: BasisKind
    reference: str
    entry_id: UUID | None = None
    version: int | None = None


class Documentation(msgspec.Struct, frozen=True):
    """A stored file's reference: where it is kept and the SHA-256 of its content."""

    kind: DocumentationKind
    storage_key: str
    sha256: str


def clean_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """Free text (a problem, an answer, a note): invisible characters removed, tabs and line breaks kept, then
    stripped; refuses an empty or overlong one. What was pasted along with the words is dropped, not argued over."""
    plain = value.isascii() and not _ASCII_INVISIBLE.search(value)
    text = (value if plain else "".join(_visible(char) for char in value)).strip()
    if not text:
        raise TextRequired(field=field)
    if len(text) > limit:
        raise TextTooLong(field=field, limit=limit)
    return text


def clean_name(value: str, field: str, limit: int = MAX_NAME) -> str:
    """A name (a consultee, a staff member, a party): stripped; refuses an empty or overlong one, or one holding any
    invisible character — a name is what lists, reports and signatures show, so it must be what it looks like."""
    text = value.strip()
    if not text:
        raise TextRequired(field=field)
    # Looked for before str.strip() has its say: it takes NEL and the line separators for spaces at either end.
    if any(unicodedata.category(char) in _INVISIBLE for char in value.strip(" \t\r\n")):
        raise InvisibleCharacters(field=field)
    if len(text) > limit:
        raise TextTooLong(field=field, limit=limit)
    return text


def _visible(char: str) -> str:
    if char in _KEPT_IN_TEXT:
        return char
    category = unicodedata.category(char)
    if category in ("Zl", "Zp"):
        return "\n"  # a pasted line or paragraph separator still separates lines
    return "" if category in _INVISIBLE else char


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
    """Builds a checked identity; at least one way to reach the consultee back is required. Every field is checked
    and all that are wrong are refused together (InvalidFields), so a person corrects them in one go."""
    return _checked_identity(name, lambda: party, phone, email)


def check_identity(parties: PartyRegister, name: str, party_number: int | None, party_name: str | None,
                   phone: str | None, email: str | None) -> Identity:
    """The identity as typed at the desk, its party resolved in the register, checked whole like make_identity."""
    return _checked_identity(name, lambda: parties.resolve(party_number, party_name), phone, email)


def _checked_identity(name: str, party_of: Callable[[], Party], phone: str | None, email: str | None) -> Identity:
    phone = phone.strip() if phone else None
    email = email.strip() if email else None
    refusals = Refusals()
    checked_name = refusals.check(lambda: clean_name(name, "name", MAX_NAME))
    party = refusals.check(lambda: _checked_party(party_of()))
    if not phone and not email:
        refusals.add(ContactRequired(field="phone"))
    e164 = refusals.check(lambda: normalise_phone(phone)) if phone else None
    address = refusals.check(lambda: normalise_email(email)) if email else None
    refusals.raise_any()
    assert checked_name is not None and party is not None  # raise_any has refused whatever is missing
    return Identity(name=checked_name, party=party, phone=e164, email=address)


def _checked_party(party: Party) -> Party:
    """A party of the register is reference data; a name typed in its place is checked as a name."""
    if party.number is not None:
        return party
    return msgspec.structs.replace(party, name=clean_name(party.name, "party_name", MAX_PARTY_NAME))


def make_bases(items: list[tuple[str, str]]) -> tuple[Basis, ...]:
    """At least one basis, each with a known kind and a non-empty reference; every row's faults refused together."""
    if not items:
        raise BasisRequired(field="bases")
    refusals = Refusals()
    bases = []
    for index, (kind, reference) in enumerate(items):
        basis_kind = refusals.check(partial(_basis_kind, kind, index))
        cleaned = refusals.check(partial(clean_text, reference, f"bases[{index}].reference", MAX_REFERENCE))
        if basis_kind is not None and cleaned is not None:
            bases.append(Basis(basis_kind, cleaned))
    refusals.raise_any()
    return tuple(bases)


def _basis_kind(kind: str, index: int) -> BasisKind:
    try:
        return BasisKind(kind)
    except ValueError:
        raise BasisRequired(field=f"bases[{index}].kind") from None


def check_answer(text: str, items: list[tuple[str, str]], citing: bool = False) -> tuple[Basis, ...]:
    """An answer's text and its typed bases, every fault refused at once (an empty answer and a missing basis in one
    go); with FAQ Sipol entries cited (`citing`), typed bases are optional. Returns the typed bases."""
    refusals = Refusals()
    refusals.check(lambda: clean_text(text, "text"))
    bases = refusals.check(lambda: make_bases(items)) if items or not citing else ()
    refusals.raise_any()
    return bases or ()


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def make_documentation(kind: str, storage_key: str, sha256: str) -> Documentation:
    """A reference to a stored file, checked in form (a known kind, a key, a SHA-256); see check_stored."""
    try:
        doc_kind = DocumentationKind(kind)
    except ValueError:
        raise TextRequired(field="kind") from None
    digest = sha256.strip().lower()
    if not _SHA256.match(digest):
        raise InvalidHash(field="sha256")
    return Documentation(doc_kind, clean_text(storage_key, "storage_key", MAX_REFERENCE), digest)


def check_stored(documentation: Documentation, held: bool) -> Documentation:
    """Documentation proves the meeting took place (SOP C.c.14, C.d.12) only when it names a file the office keeps
    with exactly that content; `held` is what the office's file store says about this key and SHA-256."""
    if not held:
        raise DocumentationNotStored(field="storage_key")
    return documentation
