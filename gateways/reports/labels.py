"""The words a report or page prints for the system's codes (channels, statuses, bases, hop states, who answered).

The codes and their order live here; the words are the catalogue's (gateways/messages.py), `kind.code` entries,
Bahasa Indonesia unless another language is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lokal import parse_phone

from gateways.messages import DEFAULT, label

# In the order the reports list them.
CHANNEL_CODES = ("walk_in", "email", "messaging", "online_meeting")
STATUS_CODES = (
    "opened", "problem_recorded", "problem_restated", "problem_confirmed", "with_commissioner", "escalated",
    "clarification_requested", "answered", "not_understood", "understood", "logged", "closed",
)
BASIS_CODES = ("uu", "pkpu", "keputusan_kpu", "petunjuk_pelaksanaan", "faq_sipol")
# Who answered, apart from an office above (named by its id).
ANSWER_SOURCES = ("desk", "commissioner", "pusat")
# A hop between two offices (domain/hops.py HopState): the one table the pages and reports name its states with.
HOP_STATE_CODES = ("sent", "received", "accepted", "answered", "returned")

# code -> Bahasa Indonesia, for the callers that list them.
CHANNELS = {code: label("channel", code) for code in CHANNEL_CODES}
STATUSES = {code: label("status", code) for code in STATUS_CODES}
BASES = {code: label("basis", code) for code in BASIS_CODES}
HOP_STATES = {code: label("hop", code) for code in HOP_STATE_CODES}

# A consultee's sealed cell in a frozen report whose ciphertext does not open under its key (altered, or moved).
BROKEN_SEAL = label("seal", "broken")


def channel(code: str, lang: str = DEFAULT) -> str:
    return label("channel", code, lang)


def documentation(code: str, lang: str = DEFAULT) -> str:
    return label("documentation", code, lang)


def status(code: str, lang: str = DEFAULT) -> str:
    return label("status", code, lang)


def answer_source(code: str | None, lang: str = DEFAULT) -> str:
    """Who answered: the desk, the office's commissioner, or an office above (by its id)."""
    if not code:
        return "-"
    if code in ANSWER_SOURCES:
        return label("source", code, lang)
    if code.startswith("prov-"):
        return label("source", "province", lang, office=code)
    return code


def bases(items: Sequence[tuple[Any, ...]], lang: str = DEFAULT) -> str:
    """An answer's bases in one cell: each `(kind, reference)`, or `(kind, reference, entry_id, version)` with the
    entry of the FAQ Sipol it cited (`entry_id` None for another basis)."""
    return "; ".join(basis(item, lang) for item in items)


def basis(item: tuple[Any, ...], lang: str = DEFAULT) -> str:
    kind, reference, entry_id, version = (*item, None, None)[:4]
    if entry_id:
        return faq_citation(reference, entry_id, version)
    return f"{label('basis', kind, lang)}: {reference}"


def faq_citation(reference: str, entry_id: object, version: int | None) -> str:
    """A cited FAQ Sipol entry, by the first 8 characters of its id and the version read (the reference holds its
    question, domain/faq_values.py cite): `FAQ Sipol #1a2b3c4d v2: <question>`."""
    return f"FAQ Sipol #{str(entry_id)[:8]} v{version}: {reference}"


def hop_state(code: str, lang: str = DEFAULT) -> str:
    return label("hop", code, lang)


def phone(e164: str | None) -> str | None:
    """A stored number (E.164) the way an Indonesian office writes it: +6281277771234 → 0812-7777-1234."""
    if not e164:
        return e164
    info = parse_phone(e164)
    return info.national if info.valid and info.national else e164
