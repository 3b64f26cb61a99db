"""What of a free text may leave the office: contact data and national ids replaced whole by placeholders."""

from __future__ import annotations

import re

from lokal.samaran import PiiType, mask_pii

# A consultee writes their number, address or NIK into the problem; the office keeps it to call them back, but another
# office has no use for it and must not receive it (security review 2026-12-02, finding 3). Whole values are replaced,
# not partially shown: a province reads "[nomor telepon]", never "0813****3333".
PLACEHOLDERS = {
    "PHONE": "[nomor telepon]",
    "EMAIL": "[alamat e-mail]",
    "NIK": "[NIK]",
    "KK": "[nomor KK]",  # a family card number is sixteen digits too, and as personal as a NIK
}
_TYPES: tuple[PiiType, ...] = ("PHONE", "EMAIL", "NIK", "KK")  # the keys of PLACEHOLDERS

# Every kind masked here has an "@" or six digits close together; lokal's scan is thorough and slower, and most texts
# hold neither (the same pre-check as domain/audit_summary.py's).
_MAYBE_CONTACT = re.compile(r"@|(?:\d[\s.\-()/+]*){6,}")

# What lokal leaves by design (it wants context or a valid check) but a desk still types: a mobile number spaced as
# "0813 - 2222 - 3333", a landline as "0711-123456" or "021 5551234", sixteen digits that fail NIK's own check. No date,
# amount, regulation or party number has this shape: a mobile starts 08/628/+628 and has 10 to 14 digits, a landline
# starts 0 with a two- or three-digit area code and has 9 to 11 digits, and nothing else is sixteen digits long.
_NOT_INSIDE = r"(?<![\w+(])(?<!\d[\s.\-])"  # a match starts a number, never in the middle of a longer one
_BACKSTOPS = (  # the longest shape first, so its digits are gone before a shorter one could take part of them
    (re.compile(_NOT_INSIDE + r"\d(?:[\s.\-]?\d){15}(?![\d\-])"), "NIK"),
    # No dot inside a phone number here: "08.00 - 12.00 - 13.00" is a schedule (lokal reads "0813.2222.3333" itself).
    (re.compile(_NOT_INSIDE + r"(?:\+62|62|0)[\s\-]*8(?:[\s\-]*\d){8,12}(?![\d\-])"), "PHONE"),
    (re.compile(_NOT_INSIDE + r"\(?0[1-9]\d{1,2}\)?[\s\-]{0,3}\d{3,4}[\s\-]?\d{3,4}(?![\d\-])"), "PHONE"),
)


def mask_contacts(text: str) -> str:
    """`text` with every phone number, e-mail address, NIK and KK number replaced whole by a Bahasa placeholder.

    lokal-id finds them (`mask_pii`, its Indonesian formats and checks); a few regular shapes it leaves are caught
    after it (`_BACKSTOPS`). `"hubungi 0813-2222-3333"` → `"hubungi [nomor telepon]"`; a text with none of them comes
    back unchanged (dates, party numbers and amounts stay as written).
    """
    if not text or not _MAYBE_CONTACT.search(text):
        return text
    parts: list[str] = []
    cursor = 0
    for match in mask_pii(text, mode="placeholder", types=_TYPES).matches:  # non-overlapping, in reading order
        parts.append(text[cursor : match.start])
        parts.append(PLACEHOLDERS[match.type])
        cursor = match.end
    parts.append(text[cursor:])
    masked = "".join(parts)
    for pattern, kind in _BACKSTOPS:  # the placeholders hold no digit, so nothing masked is matched again
        masked = pattern.sub(PLACEHOLDERS[kind], masked)
    return masked
