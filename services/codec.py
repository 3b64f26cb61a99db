"""Stores domain events as typed JSON with msgspec, so value objects and enums come back as themselves; a consultee's
personal fields are sealed with their own key (field-level encryption), the rest stays readable.

The stock eventsourcing transcoder knows only a few types; this mapper derives a msgspec Struct from
each event class's fields and decodes into it (the pattern of eventsourcing's own msgpack example).
JSON rather than MessagePack keeps stored events readable in SQL for auditors.

The fields domain/personal_data.py declares are stored as `{"psn": pseudonym, "key": key id, "enc": ciphertext}`:
AES-256-GCM under the subject's key, bound to the event and the field's path. eventsourcing's own cipher could not do
this (one key per application, the whole state, no associated data: docs/research/wave2-tech.md §9). A field whose
key was destroyed reads as "[dihapus]", so aggregates, read models and an audit rebuild go on working after an
erasure; a field stored in plaintext before sealing began reads as it was written.
"""

from __future__ import annotations

import base64
import dataclasses
import secrets
import threading
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.personal_data import (
    PLACEHOLDER,
    FieldKind,
    PersonalFields,
    Sealed,
    associated_data,
    blind_index,
    get_at,
    is_sealed,
    personal_fields,
    pseudonym,
    set_at,
    subject_of,
)
from services.ports import SubjectKeys

_ENVELOPE = ("originator_id", "originator_version")
_NONCE = 12
_LOOKED_UP = (FieldKind.PHONE, FieldKind.EMAIL)
_encoder = msgspec.json.Encoder()
_raw = msgspec.json.Decoder()


class SealedFieldRefused(MapperDeserialisationError):
    """A sealed field's key is there but its ciphertext does not open: it was altered, or moved from another event."""


@cache
def _state_type(cls: type) -> type:
    hints = typing.get_type_hints(cls)
    # A field added later with a default (e.g. Opened.arrived_at) decodes from older events as that default.
    fields = [
        (f.name, hints[f.name]) if f.default is dataclasses.MISSING else (f.name, hints[f.name], f.default)
        for f in dataclasses.fields(cls)
        if f.name not in _ENVELOPE
    ]
    return msgspec.defstruct(f"{cls.__name__}State", fields, forbid_unknown_fields=False)


@cache
def _decoder(cls: type) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(_state_type(cls))


class PersonalDataCipher:
    """Seals the personal fields of an event's stored form with its subject's key, and opens them again."""

    def __init__(self, keys: SubjectKeys, pseudonym_key: bytes) -> None:
        self.keys = keys
        self.pseudonym_key = pseudonym_key
        self._local = threading.local()  # the keys `prepared` fetched, for the thread saving them

    def pseudonym(self, kind: str, value: str) -> str:
        """The office's pseudonym of a value (domain.personal_data.pseudonym), for fields stored before sealing."""
        return pseudonym(self.pseudonym_key, FieldKind(kind), value)

    @contextmanager
    def prepared(self, events: Iterable[Any]) -> Iterator[None]:
        """Within it, this thread seals these events (about to be saved together) with keys fetched for all of them
        at once: one transaction of the key store for the lot, where sealing each asks it once or more."""
        wanted: dict[str, tuple[str, list[str]]] = {}
        for event in events:
            fields = personal_fields(type(event))
            if fields is None:
                continue
            state = msgspec.to_builtins({k: v for k, v in vars(event).items() if k not in _ENVELOPE})
            present = _present(fields, state)
            if present:
                subject = subject_of(fields, str(event.originator_id), state)
                wanted.setdefault(subject, (fields.kind.value, []))[1].extend(self._digests(present))
        ready = self.keys.keys_for_writing((s, kind, d) for s, (kind, d) in wanted.items()) if wanted else {}
        self._local.ready = {s: (*ready[s], frozenset(wanted[s][1])) for s in ready}
        try:
            yield
        finally:
            self._local.ready = {}

    def seal(self, fields: PersonalFields, originator_id: str, version: int, state: dict[str, Any]) -> None:
        present = _present(fields, state)
        if not present:
            return
        subject = subject_of(fields, originator_id, state)
        digests = self._digests(present)
        ready = getattr(self._local, "ready", {}).get(subject)
        if ready is not None and ready[2].issuperset(digests):
            key_id, key = ready[0], ready[1]
        else:
            # The key and the indexes that find the subject again, in one transaction of the key store.
            key_id, key = self.keys.key_for_writing(subject, fields.kind.value, digests)
        cipher = AESGCM(key)
        for path, kind, value in present:
            nonce = secrets.token_bytes(_NONCE)
            sealed = nonce + cipher.encrypt(nonce, value.encode(), associated_data(originator_id, version, path))
            enc = base64.b64encode(sealed).decode("ascii")
            set_at(state, path, msgspec.structs.asdict(
                Sealed(psn=pseudonym(self.pseudonym_key, kind, value), key=key_id, enc=enc)))

    def _digests(self, present: list[tuple[str, FieldKind, str]]) -> list[str]:
        return [blind_index(self.pseudonym_key, kind, value) for _, kind, value in present if kind in _LOOKED_UP]

    def open(self, fields: PersonalFields, originator_id: str, version: int, state: dict[str, Any]) -> None:
        keys: dict[str, bytes | None] = {}
        for path, _kind in fields.fields:
            value = get_at(state, path)
            if is_sealed(value):
                key_id = value["key"]
                if key_id not in keys:
                    keys[key_id] = self.keys.key(key_id)
                set_at(state, path, _opened(keys[key_id], value["enc"], associated_data(originator_id, version, path)))


def _present(fields: PersonalFields, state: dict[str, Any]) -> list[tuple[str, FieldKind, str]]:
    return [(path, kind, value) for path, kind in fields.fields if isinstance(value := get_at(state, path), str)]


def _opened(key: bytes | None, enc: str, aad: bytes) -> str:
    if key is None:
        return PLACEHOLDER  # shredded: the person's data is gone, the event still reads
    try:
        sealed = base64.b64decode(enc, validate=True)
        return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], aad).decode()
    except (InvalidTag, ValueError) as error:
        raise SealedFieldRefused(f"a sealed personal field does not open under its key ({error!r})") from None


class MsgspecMapper(Mapper[Any]):
    # Set by the composition root (seal_personal_data); a mapper without it stores personal fields as they are and
    # reads sealed ones as "[dihapus]" (only applications built by hand in tests have none).
    personal: PersonalDataCipher | None = None

    def seal_personal_data(self, cipher: PersonalDataCipher) -> None:
        self.personal = cipher

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        fields = personal_fields(type(domain_event))
        if fields is not None and self.personal is not None:
            plain = msgspec.to_builtins(state)
            self.personal.seal(fields, str(originator_id), originator_version, plain)
            data = _encoder.encode(plain)
        else:
            data = _encoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent, open_personal: bool = True) -> Any:
        """The event as it was saved. `open_personal=False` is for readers that never look at personal fields: those
        are not opened (no key is asked of the key store) and read as "[dihapus]", as if their key were destroyed."""
        cls = resolve_topic(stored_event.topic)
        data = stored_event.state
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        fields = personal_fields(cls)
        if fields is None:
            decoded = _decoder(cls).decode(data)
        else:
            opened = self._opened(fields, stored_event, _raw.decode(data), open_personal)
            decoded = msgspec.convert(opened, _state_type(cls))
        state = {name: getattr(decoded, name) for name in decoded.__struct_fields__}
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        # Events are frozen dataclasses: set their state the way eventsourcing's own mapper does.
        object.__setattr__(event, "__dict__", state)
        return event

    def _opened(
        self, fields: PersonalFields, stored_event: StoredEvent, state: dict[str, Any], open_personal: bool
    ) -> dict[str, Any]:
        if self.personal is not None and open_personal:
            self.personal.open(fields, str(stored_event.originator_id), stored_event.originator_version, state)
        else:
            for path, _kind in fields.fields:
                if is_sealed(get_at(state, path)):
                    set_at(state, path, PLACEHOLDER)
        return state
