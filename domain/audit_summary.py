"""What the audit chain says of an event: its fields as flat readable strings, with personal data masked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lokal.samaran import field_type, mask_pii, partial_mask

# Masking and summaries: what the centre reads of an event, without the consultee's contact details.

_NON_DIGIT = re.compile(r"\D")
MAX_TEXT = 200
MAX_ITEMS = 10  # items of one list
MAX_FIELDS = 40  # entries of one summary
# The event's identity and time are already entry fields.
_BOOKKEEPING = {"originator_id", "originator_version", "originator_topic", "timestamp"}
# A credential is no one's business, even hashed.
_SECRET_WORDS = ("password", "secret", "token")
# Contact and identity numbers found inside free text; names stay readable, the record needs them.
_PII_IN_TEXT = ("PHONE", "EMAIL", "NIK", "KK", "NPWP")
# How msgspec.to_builtins writes bytes: one long run of base64, nothing a person could read.
_BASE64_BLOB = re.compile(r"^(?:[A-Za-z0-9+/]{4}){50,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def mask_phone(e164: str) -> str:
    """0812****7890 (lokal's partial mask); a number too short to hide its middle is hidden whole."""
    if len(_NON_DIGIT.sub("", e164)) < 10:
        return "***"
    return partial_mask("PHONE", e164)


def mask_email(email: str) -> str:
    """s***@example.com (lokal's partial mask); something that is not an address is hidden whole."""
    user, at, domain = email.strip().partition("@")
    if not user or not at or not domain:
        return "***"
    return partial_mask("EMAIL", f"{user}@{domain}")


def _masker(path: str) -> Callable[[str], str] | None:
    # lokal knows the Indonesian names of a phone field too (hp, telp, wa…); the last part of a path is the field.
    leaf = path.rsplit(".", 1)[-1].split("[", 1)[0]
    kind = field_type(leaf) or (field_type(leaf[:-1]) if leaf.endswith("s") else None)  # `phones`, `emails`
    return {"PHONE": mask_phone, "EMAIL": mask_email}.get(kind or "")


# Every kind masked in free text (phone, e-mail, NIK, KK, NPWP) has an "@" or six digits close together.
_MAYBE_PII = re.compile(r"@|(?:\d[\s.\-()/+]*){6,}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str):
        # A consultee may write their number into the problem itself, and a sealed entry can never be erased again;
        # masked before cutting, so a number split by the cut cannot slip through half-shown.
        if _MAYBE_PII.search(text):  # lokal's scan is thorough and slow; most texts hold no number or address
            text = mask_pii(text, mode="partial", types=_PII_IN_TEXT).text
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _walk(path: str, value: Any, mask: Callable[[str], str] | None, out: dict[str, str]) -> None:
    leaf = path.rsplit(".", 1)[-1].lower()
    if value is None or any(word in leaf for word in _SECRET_WORDS) or len(out) >= MAX_FIELDS:
        return
    mask = _masker(path) or mask  # a list of phones is masked item by item
    if isinstance(value, bytes | bytearray | memoryview):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(f"{path}.{key}" if path else str(key), item, mask, out)
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        for index, item in enumerate(items[:MAX_ITEMS]):
            _walk(f"{path}[{index}]", item, mask, out)
        if len(items) > MAX_ITEMS and len(out) < MAX_FIELDS:
            out[f"{path}[…]"] = f"{len(items) - MAX_ITEMS} more"
    elif isinstance(value, str) and _BASE64_BLOB.match(value):
        return
    else:
        out[path] = mask(str(value)) if mask else _text(value)


def summarise(type_name: str, fields: dict[str, Any]) -> dict[str, str]:
    """An event's fields (msgspec.to_builtins of it) as flat readable strings: `identity.phone` → `0812****7890`.

    Generic on purpose, so a new event type is summarised without a rule of its own: nested fields get dotted paths,
    list items `[i]`; phone and e-mail fields are masked, and so are numbers and addresses written inside texts;
    credentials and binary blobs are dropped, texts cut to 200 characters. No rule depends on `type_name` yet; it is
    taken so that one can without changing every caller.
    """
    out: dict[str, str] = {}
    for key, value in fields.items():
        if key not in _BOOKKEEPING:
            _walk(str(key), value, None, out)
    return out
