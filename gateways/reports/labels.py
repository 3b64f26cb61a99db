"""The words a report or page prints for the system's codes (channels, statuses, bases, hop states, who answered).

The codes and their order live here; the words are the catalogue's (gateways/messages.py), `kind.code` entries,
Bahasa Indonesia unless another language is asked for.
"""

from __future__ import annotations

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


def bases(items: list[tuple[str, str]], lang: str = DEFAULT) -> str:
    return "; ".join(f"{label('basis', kind, lang)}: {reference}" for kind, reference in items)


def hop_state(code: str, lang: str = DEFAULT) -> str:
    return label("hop", code, lang)


def phone(e164: str | None) -> str | None:
    """A stored number (E.164) the way an Indonesian office writes it: +6281277771234 → 0812-7777-1234."""
    if not e164:
        return e164
    info = parse_phone(e164)
    return info.national if info.valid and info.national else e164
