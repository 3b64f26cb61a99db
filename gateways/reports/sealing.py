"""A consultee's data inside a frozen report, sealed with their own key: the frozen bytes (and every backup of the
log) hold no plaintext of the person, and erasing them (destroying the key) makes every version read "[dihapus]".

The cells take the event store's shape and cipher (domain.personal_data.Sealed: pseudonym, key id, AES-256-GCM under
the subject's key, services/codec.py), bound to the report and the cell (domain.frozen_report.sealed_cell_context).
One difference: the nonce is synthetic, derived from the key, the cell and the text (HMAC-SHA256 under a key derived
from the subject's key with HKDF), so the same substance seals to the same bytes. A report's content hash is what tells
a correction that changes nothing from one that changes something; random nonces would make every correction differ.
Only identical text in the identical cell of the identical report under the identical key gives the identical nonce,
and then the identical ciphertext, so no nonce is ever reused over two different messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.frozen_report import sealed_cell_context
from domain.personal_data import PLACEHOLDER, FieldKind, Sealed, SubjectKind
from gateways.reports.labels import BROKEN_SEAL
from services.ports import SubjectKeys

_NONCE = 12
_NONCE_INFO = b"helpdesk-sipol:report-nonce:v1"
Cell = str | Sealed


class CellSealer:
    """Seals a consultee's value into a report cell with their key, and opens it again while the key exists."""

    def __init__(self, keys: SubjectKeys, pseudonym: Callable[[str, str], str]) -> None:
        self.keys = keys
        self.pseudonym = pseudonym  # services.codec.PersonalDataCipher.pseudonym: the audit trail's pseudonyms

    def sealer(self, subject_ids: Iterable[str]) -> Callable[[UUID, str, str, FieldKind, str], Cell]:
        """Seals the cells of one report's content, whose consultees are `subject_ids`: each value under its
        subject's live key. An empty value, or one already erased, stays as it is (nothing of the person is in it);
        so does a subject erased whose read models are not rebuilt yet: "[dihapus]", never a new key made for them."""
        wanted = list(dict.fromkeys(subject_ids))
        # Asked with no ids the key store lists every subject: a report with no consultee asks nothing.
        erased = {s.subject_id for s in self.keys.subjects(wanted) if s.erased} if wanted else set()

        def seal(report_id: UUID, path: str, subject: str, kind: FieldKind, value: str) -> Cell:
            if not value or value == PLACEHOLDER:
                return value
            if subject in erased:
                return PLACEHOLDER
            key_id, key = self.keys.key_for_writing(subject, SubjectKind.CONSULTEE.value)
            plain, context = value.encode(), sealed_cell_context(report_id, path)
            nonce = _synthetic_nonce(key, context, plain)
            enc = base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, context)).decode("ascii")
            return Sealed(psn=self.pseudonym(kind.value, value), key=key_id, enc=enc)

        return seal

    def opener(self) -> Callable[[UUID, str, Cell], str]:
        """Opens the cells of one rendering, each key looked up once: the text, "[dihapus]" once the key is destroyed,
        or labels.BROKEN_SEAL for a ciphertext that does not open under its key (altered, or moved from elsewhere)."""
        keys: dict[str, bytes | None] = {}

        def open_cell(report_id: UUID, path: str, cell: Cell) -> str:
            if isinstance(cell, str):
                return cell  # not personal, erased before freezing, or frozen before sealing began
            if cell.key not in keys:
                keys[cell.key] = self.keys.key(cell.key)
            key = keys[cell.key]
            if key is None:
                return PLACEHOLDER
            try:
                sealed = base64.b64decode(cell.enc, validate=True)
                context = sealed_cell_context(report_id, path)
                return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], context).decode()
            except (InvalidTag, ValueError):
                return BROKEN_SEAL

        return open_cell


def _synthetic_nonce(key: bytes, context: bytes, plain: bytes) -> bytes:
    nonce_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_NONCE_INFO).derive(key)
    return hmac.new(nonce_key, context + b"\0" + plain, hashlib.sha256).digest()[:_NONCE]
