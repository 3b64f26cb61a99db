"""The front desk's guest-book form (Daftar Hadir): every field checked by the domain at once, and the drawn
signature read from the PNG data URL the canvas posts (static/signature.js)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from domain.errors import DomainError, TextRequired, UnknownParty
from domain.frontdesk import MAX_SIGNATURE_BYTES, InvalidSignature, SignatureRequired, check_signature_png
from domain.parties import PartyRegister
from domain.values import MAX_NAME, clean_name, normalise_email, normalise_phone
from gateways.messages import message

GUEST_FIELDS = ("name", "phone", "email", "party_number", "party_name", "signature")
DATA_URL_PREFIX = "data:image/png;base64,"
# Base64 of the largest accepted PNG, with room for line breaks a client might add.
MAX_DATA_URL = len(DATA_URL_PREFIX) + (MAX_SIGNATURE_BYTES + 2) // 3 * 4 + 1024


def check_guest(register: PartyRegister, values: dict[str, str], lang: str) -> tuple[dict[str, str], bytes | None]:
    """Every field checked by the domain at once, so the consultee corrects all of them in one go."""
    errors: dict[str, str] = {}

    def check(field: str, rule: Callable[[], Any]) -> Any:
        try:
            return rule()
        except DomainError as error:
            errors[error.field if error.field in GUEST_FIELDS else field] = message(error.code, lang)
            return None

    check("name", lambda: clean_name(values["name"], "name", MAX_NAME))
    check("party_number", lambda: register.resolve(party_number(values["party_number"]), values["party_name"]))
    check("phone", lambda: normalise_phone(values["phone"]) if values["phone"] else _required("phone"))
    check("email", lambda: normalise_email(values["email"]) if values["email"] else None)  # optional (C.d.2(d))
    signature = check("signature", lambda: signature_png(values["signature"]))
    return errors, signature


def _required(field: str) -> None:
    raise TextRequired(field=field)


def party_number(text: str) -> int | None:
    """The ballot number picked; None when another party is typed in instead."""
    if not text:
        return None
    if not text.isdecimal() or len(text) > 3:  # ballot numbers have at most three digits
        raise UnknownParty(field="party_number")
    return int(text)


def signature_png(data_url: str) -> bytes:
    """The PNG inside `data:image/png;base64,…` (at most 500 KB); nothing drawn is a missing signature."""
    text = data_url.strip()
    if not text:
        raise SignatureRequired(field="signature")
    if not text.startswith(DATA_URL_PREFIX) or len(text) > MAX_DATA_URL:
        raise InvalidSignature(field="signature")
    try:
        content = base64.b64decode("".join(text[len(DATA_URL_PREFIX):].split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignature(field="signature") from None
    return check_signature_png(content)
