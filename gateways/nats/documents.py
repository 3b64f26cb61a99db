"""The bytes of evidence on NATS: a document cut into signed chunks on the sender's side, put together, checked and
kept on the receiver's.

A chunk is a MessagePack struct (raw bytes, no base64) on `<p>.<to>.<from>.document`: the subjects, streams, stream
sourcing across JetStream domains and permissions of the escalations (`<p>.*.<office>.>`), so a document is stored in
the sender's own stream while the link is down and reaches the office above with the case that names it. Each chunk
is signed like an envelope (`Helpdesk-Signature` over its exact bytes) and carries `Nats-Msg-Id`
`doc:<from>:<to>:<sha256>:<index>`: sent once per content and destination, a republished chunk is dropped.

The receiver stages each admitted chunk on disk before it is acknowledged (a restart loses nothing already taken);
once all are there it hands the whole to the Helpdesk, which keeps it only if its SHA-256 is the one named.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.evidence import DocumentRefused, Evidence, admit_chunk, cut
from domain.routing import BAD_SIGNATURE, SIGNED, UNKNOWN_SENDER_KEY, UNSIGNED
from gateways.nats.topology import Topology
from gateways.signing import Keyring, OfficeKey
from gateways.storage import FileRefused
from services.evidence import DocumentSend
from services.helpdesk import Helpdesk
from services.integration import subject_token

SIGNATURE_HEADER = "Helpdesk-Signature"  # as gateways/nats/relay.py signs envelopes
KIND = "document"
VERSION = 1


class Chunk(msgspec.Struct, frozen=True):
    v: int
    sender: str
    to: str
    evidence: Evidence
    index: int
    data: bytes


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Chunk)


def is_document(subject: str) -> bool:
    return subject.rsplit(".", 1)[-1] == KIND


def chunk_subject(prefix: str, chunk: Chunk) -> str:
    return f"{prefix}.{subject_token(chunk.to)}.{subject_token(chunk.sender)}.{KIND}"


def chunk_id(chunk: Chunk) -> str:
    return f"doc:{chunk.sender}:{chunk.to}:{chunk.evidence.sha256}:{chunk.index}"


async def send_document(js: JetStreamContext, topology: Topology, key: OfficeKey, send: DocumentSend,
                        data: bytes) -> int:
    """Publishes the document's chunks in order, each acknowledged by JetStream; returns how many."""
    parts = cut(data)
    for index, part in enumerate(parts):
        chunk = Chunk(VERSION, topology.node, send.to, send.evidence, index, part)
        body = _encoder.encode(chunk)
        await js.publish(chunk_subject(topology.prefix, chunk), body, timeout=10,
                         headers={"Nats-Msg-Id": chunk_id(chunk), SIGNATURE_HEADER: key.sign(body)})
    return len(parts)


class DocumentReceiver:
    """Takes chunks addressed to this office: admits, stages, and keeps a document once whole."""

    def __init__(self, topology: Topology, keyring: Keyring, helpdesk: Helpdesk, staging: Path) -> None:
        self.topology, self.keyring, self.helpdesk, self.staging = topology, keyring, helpdesk, staging

    def receive(self, message: Msg, source_refusal: str = "") -> str:
        """Why the chunk is refused ("" when it is staged, completes its document, or repeats one already kept)."""
        try:
            chunk = _decoder.decode(message.data)
        except msgspec.DecodeError:
            return "malformed"
        if chunk.v != VERSION:
            return "unknown_schema_version"
        if message.subject != chunk_subject(self.topology.prefix, chunk):
            return "subject_mismatch"
        if source_refusal:
            return source_refusal
        refusal = admit_chunk(self.helpdesk.office, chunk.sender, chunk.to, self.seal(message, chunk),
                              chunk.evidence, chunk.index, len(chunk.data))
        if refusal or self.helpdesk.document_kept(chunk.evidence.sha256):
            return refusal
        folder = self.staging / subject_token(chunk.sender) / chunk.evidence.sha256
        _write_once(folder / f"{chunk.index:05d}", chunk.data)
        parts = [folder / f"{i:05d}" for i in range(chunk.evidence.chunks)]
        if not all(part.exists() for part in parts):
            return ""
        try:
            self.helpdesk.keep_arrived_document(chunk.sender, chunk.evidence, b"".join(p.read_bytes() for p in parts))
        except DocumentRefused as refused:
            return refused.reason
        except FileRefused as refused:
            return f"document_{refused.code}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # kept, or refused whole: nothing half stays
        return ""

    def seal(self, message: Msg, chunk: Chunk) -> str:
        signature = (message.headers or {}).get(SIGNATURE_HEADER)
        if not signature:
            return UNSIGNED
        if not self.keyring.knows(chunk.sender):
            return UNKNOWN_SENDER_KEY
        return SIGNED if self.keyring.verify(chunk.sender, message.data, signature) else BAD_SIGNATURE


def _write_once(path: Path, data: bytes) -> None:
    """Whole under a temporary name, then renamed: a crash never leaves half a chunk."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
