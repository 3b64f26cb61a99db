"""Stores domain events as typed JSON with msgspec, so value objects and enums come back as themselves.

The stock eventsourcing transcoder knows only a few types; this mapper derives a msgspec Struct from
each event class's fields and decodes into it (the pattern of eventsourcing's own msgpack example).
JSON rather than MessagePack keeps stored events readable in SQL for auditors.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from typing import Any

import msgspec
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

_ENVELOPE = ("originator_id", "originator_version")
_encoder = msgspec.json.Encoder()


@lru_cache(maxsize=None)
def _decoder(cls: type) -> msgspec.json.Decoder[Any]:
    hints = typing.get_type_hints(cls)
    # A field added later with a default (e.g. Opened.arrived_at) decodes from older events as that default.
    fields = [
        (f.name, hints[f.name]) if f.default is dataclasses.MISSING else (f.name, hints[f.name], f.default)
        for f in dataclasses.fields(cls)
        if f.name not in _ENVELOPE
    ]
    state = msgspec.defstruct(f"{cls.__name__}State", fields, forbid_unknown_fields=False)
    return msgspec.json.Decoder(state)


class MsgspecMapper(Mapper[Any]):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
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

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        data = stored_event.state
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        decoded = _decoder(cls).decode(data)
        state = {name: getattr(decoded, name) for name in decoded.__struct_fields__}
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        event = object.__new__(cls)
        # Events are frozen dataclasses: set their state the way eventsourcing's own mapper does.
        object.__setattr__(event, "__dict__", state)
        return event
