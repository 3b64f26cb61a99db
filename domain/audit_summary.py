"""What the audit chain says of an event: its fields as flat readable strings, with no part of any personal data.

The chain leaves the office (the centre verifies it), so a consultee's name, phone and e-mail appear only as the
keyed pseudonyms stored beside their ciphertext (domain/personal_data.py); any other phone or e-mail field, and
every phone number, e-mail address, NIK, KK or NPWP number written into a text, is replaced whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lokal.samaran import field_type, mask_pii

from domain.outgoing import PLACEHOLDERS, mask_contacts
from domain.personal_data import PersonalFields, get_at, is_sealed

MAX_TEXT = 200
MAX_ITEMS = 10  # items of one list
MAX_FIELDS = 40  # entries of one summary
# The event's identity and time are already entry fields.
_BOOKKEEPING = {"originator_id", "originator_version", "originator_topic", "timestamp"}
# A credential is no one's business, even hashed.
_SECRET_WORDS = ("password", "secret", "token")
# A personal field stored in plaintext (before fields were sealed) that nobody can pseudonymise here.
UNSEALED = "[data pribadi]"
# How msgspec.to_builtins writes bytes: one long run of base64, nothing a person could read.
_BASE64_BLOB = re.compile(r"^(?:[A-Za-z0-9+/]{4}){50,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def pseudonyms(fields: PersonalFields | None, stored: dict[str, Any],
               pseudonymise: Callable[[str, str], str] | None = None) -> dict[str, str]:
    """What the chain shows for each personal field of an event, by path, taken from the event as stored (`stored`:
    its JSON): the pseudonym sealed beside the ciphertext, so a rebuild after the key is destroyed shows the same.
    A field stored in plaintext before sealing began is pseudonymised with `pseudonymise(kind, value)` if given."""
    found: dict[str, str] = {}
    for path, kind in fields.fields if fields else ():
        value = get_at(stored, path)
        if is_sealed(value):
            found[path] = str(value["psn"])
        elif isinstance(value, str):
            found[path] = pseudonymise(kind.value, value) if pseudonymise else UNSEALED
    return found


def _masker(path: str) -> Callable[[str], str] | None:
    # lokal knows the Indonesian names of a phone field too (hp, telp, wa…); the last part of a path is the field.
    leaf = path.rsplit(".", 1)[-1].split("[", 1)[0]
    kind = field_type(leaf) or (field_type(leaf[:-1]) if leaf.endswith("s") else None)  # `phones`, `emails`
    placeholder = PLACEHOLDERS.get(kind or "") if kind in ("PHONE", "EMAIL") else None
    return (lambda _value: placeholder) if placeholder else None


# NPWP numbers (tax ids) are masked here besides what domain/outgoing.py masks: fifteen digits close together.
_MAYBE_NPWP = re.compile(r"(?:\d[\s.\-]*){15}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str):
        # A consultee may write their number into the problem itself, and a sealed entry can never be erased again;
        # masked whole before cutting, so a number split by the cut cannot slip through.
        text = mask_contacts(text)
        if _MAYBE_NPWP.search(text):  # lokal's scan is thorough and slow; most texts hold no such number
            text = mask_pii(text, mode="placeholder", types=("NPWP",)).text
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _walk(path: str, value: Any, mask: Callable[[str], str] | None, out: dict[str, str],
          personal: Mapping[str, str]) -> None:
    leaf = path.rsplit(".", 1)[-1].lower()
    if value is None or any(word in leaf for word in _SECRET_WORDS) or len(out) >= MAX_FIELDS:
        return
    if path in personal:
        out[path] = personal[path]
        return
    mask = _masker(path) or mask  # a list of phones is masked item by item
    if isinstance(value, bytes | bytearray | memoryview):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(f"{path}.{key}" if path else str(key), item, mask, out, personal)
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        for index, item in enumerate(items[:MAX_ITEMS]):
            _walk(f"{path}[{index}]", item, mask, out, personal)
        if len(items) > MAX_ITEMS and len(out) < MAX_FIELDS:
            out[f"{path}[…]"] = f"{len(items) - MAX_ITEMS} more"
    elif isinstance(value, str) and _BASE64_BLOB.match(value):
        return
    else:
        out[path] = mask(str(value)) if mask else _text(value)


def summarise(type_name: str, fields: dict[str, Any], personal: Mapping[str, str] | None = None) -> dict[str, str]:
    """An event's fields (msgspec.to_builtins of it) as flat readable strings: `identity.name` → `psn:3f1c0a9be2d47756`.

    Generic on purpose, so a new event type is summarised without a rule of its own: nested fields get dotted paths,
    list items `[i]`; the personal fields shown as `personal` gives them (path → pseudonym, see `pseudonyms`), any
    other phone or e-mail field replaced whole, and so are numbers and addresses written inside texts; credentials
    and binary blobs are dropped, texts cut to 200 characters. No rule depends on `type_name` yet; it is taken so
    that one can without changing every caller.
    """
    out: dict[str, str] = {}
    for key, value in fields.items():
        if key not in _BOOKKEEPING:
            _walk(str(key), value, None, out, personal or {})
    return out
