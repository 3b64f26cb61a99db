"""The tamper-evident audit chain: each office's events as hashed, linked entries under signed checkpoints, and their
verification.

An entry's hash covers its content and the hash of the entry before it, so a signature over one entry's hash vouches
for every entry before it too. The office signs checkpoints only (the last entry of each batch it seals, and every
CHECKPOINT_EVERY-th entry; domain/audit_segment.py), as Certificate Transparency signs its tree heads; the other
entries carry an empty signature. Chains sealed before checkpoints had every entry signed: each is a checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal

import msgspec

GENESIS = "0" * 64
# The type of the entry an office seals when it restarts from a backup: the chain goes on from the backup's last
# entry, and what the office had sealed after it is lost there (the centre may still hold it).
RESTORED = "NodeLog.Restored"
# A log never restored before has its NodeLog opened by the first restore, in the same save: the opening's entry
# comes just before the restore's, and the chain forks there.
OPENED = "NodeLog.Opened"
FORKS = (OPENED, RESTORED)
# Part of every hashed encoding, so a hash of one kind can never be passed off as another, and a future format can
# change the encoding without old and new hashes ever colliding.
_CONTENT_TAG = b"helpdesk-sipol/audit/content/v1"
_ENTRY_TAG = "helpdesk-sipol/audit/entry/v1"

ProblemKind = Literal[
    "gap", "reordered", "changed_entry", "broken_link", "bad_signature", "changed_event", "missing_event",
    "unknown_key", "bad_checkpoint", "unsigned_tail",
]
# The catalogue's code for each problem's words (gateways/messages.py); the values fill them in.
ProblemCode = Literal[
    "audit_entry_missing", "audit_entries_missing", "audit_seq_repeated", "audit_after", "audit_before",
    "audit_unlinked", "audit_other_office", "audit_entry_changed", "audit_key_unknown", "audit_bad_signature",
    "audit_event_missing", "audit_event_changed", "audit_chain_short", "audit_bad_checkpoint", "audit_unsigned_tail",
]
# The catalogue's code for a restore note's words: with or without entries the centre holds and the office lost.
NoteCode = Literal["audit_restored", "audit_restored_lost"]


class UnsignedEntry(msgspec.Struct, frozen=True):
    """What an entry says about one event, before it is linked to the chain and signed."""

    office: str
    seq: int
    event_id: str  # f"{originator_id}:{originator_version}"
    position: int  # the event's notification id in the node's log
    type: str  # e.g. "Consultation.Opened"
    actor: str | None
    at: datetime  # the event's time, UTC
    consultation_id: str | None  # the origin consultation, for queries
    party: str | None
    summary: dict[str, str]  # readable, PII-masked fields of the event
    content_hash: str  # see content_hash()


class AuditEntry(msgspec.Struct, frozen=True):
    """One sealed entry of an office's chain: `entry_hash` covers every other field but the signature."""

    office: str
    seq: int
    event_id: str
    position: int
    type: str
    actor: str | None
    at: datetime
    consultation_id: str | None
    party: str | None
    summary: dict[str, str]
    content_hash: str
    prev_hash: str
    entry_hash: str
    signature: str  # a checkpoint's: base64 Ed25519 over bytes.fromhex(entry_hash); "" on any other entry

    @property
    def is_checkpoint(self) -> bool:
        return self.signature != ""

    def unsigned(self) -> UnsignedEntry:
        return UnsignedEntry(
            office=self.office,
            seq=self.seq,
            event_id=self.event_id,
            position=self.position,
            type=self.type,
            actor=self.actor,
            at=self.at,
            consultation_id=self.consultation_id,
            party=self.party,
            summary=self.summary,
            content_hash=self.content_hash,
        )


def content_hash(topic: str, originator_id: str, version: int, state: bytes) -> str:
    """SHA-256 of a stored event; each part is length-prefixed, so no two different events share an encoding."""
    digest = hashlib.sha256()
    for part in (_CONTENT_TAG, topic.encode(), str(originator_id).encode(), str(version).encode(), bytes(state)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _utc_text(at: datetime) -> str:
    # A naive time would be read in the machine's zone, so the same entry would hash differently on another node.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(unsigned: UnsignedEntry, prev_hash: str) -> str:
    """SHA-256 of the entry's canonical JSON: a fixed-order array, the summary as sorted pairs, the time in UTC."""
    # Spelled out, not taken from the struct, so reordering or adding a field cannot silently change old hashes.
    canonical = (
        _ENTRY_TAG,
        unsigned.office,
        unsigned.seq,
        unsigned.event_id,
        unsigned.position,
        unsigned.type,
        unsigned.actor,
        _utc_text(unsigned.at),
        unsigned.consultation_id,
        unsigned.party,
        sorted(unsigned.summary.items()),
        unsigned.content_hash,
        prev_hash,
    )
    return hashlib.sha256(msgspec.json.encode(canonical)).hexdigest()


def link(unsigned: UnsignedEntry, prev_hash: str) -> AuditEntry:
    """Links the entry to its predecessor's hash, unsigned: a later checkpoint vouches for it."""
    digest = entry_hash(unsigned, prev_hash)
    return AuditEntry(**msgspec.structs.asdict(unsigned), prev_hash=prev_hash, entry_hash=digest, signature="")


def checkpoint(entry: AuditEntry, sign: Callable[[bytes], str]) -> AuditEntry:
    """The entry signed with the office's key: a checkpoint, vouching for it and, through the links, all before it."""
    return msgspec.structs.replace(entry, signature=sign(bytes.fromhex(entry.entry_hash)))


def seal(unsigned: UnsignedEntry, prev_hash: str, sign: Callable[[bytes], str]) -> AuditEntry:
    """Links the entry to its predecessor's hash and signs it: every entry a checkpoint, as chains were first sealed."""
    return checkpoint(link(unsigned, prev_hash), sign)


class ChainProblem(msgspec.Struct, frozen=True):
    """One thing wrong with a chain; `seq` is the entry at which it was seen (for a gap: the entry after the hole).

    `code` names the catalogue's words for it and `values` fills them in (gateways/audit_notes.py problem_text)."""

    office: str
    seq: int
    kind: ProblemKind
    code: ProblemCode
    values: dict[str, str]


class LostEntry(msgspec.Struct, frozen=True):
    """An entry the centre had received before the office was restored from an older backup."""

    seq: int
    type: str
    at: datetime


class RestoreNote(msgspec.Struct, frozen=True):
    """A restore from backup seen in a chain: not a problem, but something the reader must be told.

    The values are as sealed in the restore entry's summary; the words are the catalogue's (see `code`)."""

    office: str
    seq: int  # the restore entry
    at: datetime  # when the office recorded the restore
    epoch: str
    backup_position: str
    backup_taken_at: str
    restored_by: str
    reason: str
    lost: tuple[LostEntry, ...] = ()  # at the centre: the entries it had received that the office no longer has

    @property
    def code(self) -> NoteCode:
        return "audit_restored_lost" if self.lost else "audit_restored"

    @property
    def lost_seqs(self) -> str:
        """`12–15` (or `12`): the lost entries' numbers, empty when none."""
        return _seqs(self.lost[0].seq, self.lost[-1].seq) if self.lost else ""


class VerifyResult(msgspec.Struct, frozen=True):
    """`problems` in the order found, the first being the one to name; `last_*` let the next run carry on;
    `notes` explain what is sound but unusual (a restore from backup)."""

    checked: int
    problems: list[ChainProblem]
    last_seq: int
    last_hash: str
    notes: list[RestoreNote] = []

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(office: str, seq: int, kind: ProblemKind, code: ProblemCode, **values: object) -> ChainProblem:
    """A problem as a code and its values (every one as text; `office` and `seq` always among them)."""
    said = {"office": office, "seq": seq, **values}
    return ChainProblem(office=office, seq=seq, kind=kind, code=code, values={k: str(v) for k, v in said.items()})


def chain_ends_early(office: str, last_seq: int, last_position: int, sealed: int) -> ChainProblem:
    """A chain shorter than the log it was sealed from: entries deleted from its end leave a chain valid in itself."""
    return _problem(office, last_seq + 1, "gap", "audit_chain_short", last=last_seq, position=last_position,
                    sealed=sealed)


def _seqs(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def recomputed(entry: AuditEntry) -> str | None:
    try:
        return entry_hash(entry.unsigned(), entry.prev_hash)
    except (ValueError, TypeError, AttributeError, msgspec.EncodeError):  # unreadable is as good as changed
        return None


def signature_holds(entry: AuditEntry, verify_signature: Callable[[str, bytes, str], bool]) -> bool:
    try:
        message = bytes.fromhex(entry.entry_hash)
    except ValueError:
        return False
    return verify_signature(entry.office, message, entry.signature)


def verify_chain(
    entries: Iterable[AuditEntry],
    verify_signature: Callable[[str, bytes, str], bool],
    content_hashes: Callable[[str], str | None] | None = None,
    expected_start: int = 1,
    start_prev_hash: str = GENESIS,
    *,
    key_known: Callable[[str], bool] | None = None,
    lost: Callable[[AuditEntry], Sequence[LostEntry]] | None = None,
) -> VerifyResult:
    """Checks one office's chain in a single pass, holding only the highest seq seen and that entry's hash.

    Each entry is checked on its own (hash, signature, event) and against the highest seq seen so far: the next seq
    must link to that entry's hash; a jump is a gap, reported at the entry after the hole and not linked across it;
    a seq at or below the highest is out of order. When the entries that were jumped turn up later and fill the hole,
    that gap is re-recorded as a reordering. `content_hashes` is given at the origin node, which still holds the
    events; `key_known` tells an office without a registered key from a wrong signature. Each restore entry adds
    a note, naming (at the centre, through `lost`) the entries received before it that the office lost.

    An unsigned entry is vouched for by the next checkpoint reached through intact links. A checkpoint that does
    not hold (its signature, or its own hash) is named at the first entry it was to vouch for (the entry after the
    last checkpoint that held); unsigned entries at the end of the chain, after its last checkpoint, are named at
    the first of them. A gap or a broken link is named where it is, as in a chain of signed entries.
    """
    walk = _ChainWalk(expected_start - 1, start_prev_hash, verify_signature, content_hashes, key_known, lost)
    for entry in entries:
        walk.take(entry)
    return walk.result()


class _ChainWalk:
    """verify_chain's state through one pass: the highest seq seen and its hash, the problems and notes so far."""

    def __init__(self, high: int, high_hash: str, verify_signature: Callable[[str, bytes, str], bool],
                 content_hashes: Callable[[str], str | None] | None, key_known: Callable[[str], bool] | None,
                 lost: Callable[[AuditEntry], Sequence[LostEntry]] | None) -> None:
        self.high, self.high_hash = high, high_hash
        self.verify_signature, self.content_hashes, self.key_known, self.lost = (
            verify_signature, content_hashes, key_known, lost)
        self.problems: list[ChainProblem] = []
        self.notes: list[RestoreNote] = []
        self.opening: tuple[AuditEntry, list[LostEntry]] | None = None  # a log's opening, told with its restore
        self.office = ""
        self.unknown_offices: set[str] = set()  # bounded by the number of offices, not of entries
        # The last gap while entries may still fill it: index in problems, first and last missing seq, how many came.
        self.hole: tuple[int, int, int, int] | None = None
        # The first of the unsigned entries since the last checkpoint, linked so far; None: none waits.
        self.run: int | None = None
        self.checked = 0

    def report(self, seq: int, kind: ProblemKind, code: ProblemCode, **values: object) -> None:
        self.problems.append(_problem(self.office, seq, kind, code, **values))

    def take(self, entry: AuditEntry) -> None:
        self.checked += 1
        self.office = self.office or entry.office
        self.check_order(entry)
        self.check_entry(entry)
        self.check_event(entry)
        self.note(entry)
        if entry.seq > self.high:
            self.high, self.high_hash = entry.seq, entry.entry_hash

    def check_order(self, entry: AuditEntry) -> None:
        seq, high = entry.seq, self.high
        if seq > high + 1:
            code: ProblemCode = "audit_entry_missing" if seq - 1 == high + 1 else "audit_entries_missing"
            self.report(seq, "gap", code, missing=_seqs(high + 1, seq - 1))
            self.hole = (len(self.problems) - 1, high + 1, seq - 1, 0)
            self.run = None  # named by the gap: no checkpoint after it can reach the entries before it
        elif seq <= high:
            if seq == high:
                self.report(seq, "reordered", "audit_seq_repeated")
            else:
                self.report(seq, "reordered", "audit_after", high=high)
            self.fill_hole(seq)
        elif entry.prev_hash != self.high_hash:
            self.report(seq, "broken_link", "audit_unlinked", high=high)
            self.run = None  # likewise named by the broken link

    def fill_hole(self, seq: int) -> None:
        if self.hole is None or not self.hole[1] <= seq <= self.hole[2]:
            return
        index, low, top, came = self.hole
        self.hole = (index, low, top, came + 1)
        if came + 1 == top - low + 1:
            # Nothing was missing after all: the entry after the "hole" had only been moved ahead.
            jumped = self.problems[index].seq
            self.problems[index] = _problem(self.office, jumped, "reordered", "audit_before", moved=_seqs(low, top))
            self.hole = None

    def check_entry(self, entry: AuditEntry) -> None:
        seq = entry.seq
        if entry.office != self.office:
            self.report(seq, "broken_link", "audit_other_office", entry_office=entry.office)
        hash_holds = recomputed(entry) == entry.entry_hash
        known = self.key_known is None or self.key_known(entry.office)
        signed = entry.is_checkpoint and known and signature_holds(entry, self.verify_signature)
        first = self.run if entry.is_checkpoint and seq > self.high else None
        if first is not None and known and not (signed and hash_holds):
            # What this checkpoint was to vouch for is vouched for by nothing: named from its first entry.
            self.report(first, "bad_checkpoint", "audit_bad_checkpoint", checkpoint=seq, entries=_seqs(first, seq),
                        entry_office=entry.office)
        if not hash_holds:
            self.report(seq, "changed_entry", "audit_entry_changed")
        if not known:
            if entry.office not in self.unknown_offices:
                self.unknown_offices.add(entry.office)
                self.report(seq, "unknown_key", "audit_key_unknown", entry_office=entry.office)
        elif entry.is_checkpoint and not signed and first is None:
            self.report(seq, "bad_signature", "audit_bad_signature", entry_office=entry.office)
        if seq > self.high:  # an entry out of order links to nothing checked, and is named as such
            self.run = None if entry.is_checkpoint else self.run or seq

    def check_event(self, entry: AuditEntry) -> None:
        if self.content_hashes is None:
            return
        stored = self.content_hashes(entry.event_id)
        if stored is None:
            self.report(entry.seq, "missing_event", "audit_event_missing", event=entry.event_id)
        elif stored != entry.content_hash:
            self.report(entry.seq, "changed_event", "audit_event_changed", event=entry.event_id)

    def note(self, entry: AuditEntry) -> None:
        opening = self.opening
        found = list(self.lost(entry)) if self.lost is not None and entry.type in FORKS else []
        if opening is not None and opening[1] and entry.type != RESTORED:
            self.notes.append(restore_note(*opening))  # opened, but no restore recorded with it: told on its own
        if entry.type == RESTORED:
            self.notes.append(restore_note(entry, [*(opening[1] if opening else ()), *found]))
        self.opening = (entry, found) if entry.type == OPENED else None

    def result(self) -> VerifyResult:
        if self.opening is not None and self.opening[1]:
            self.notes.append(restore_note(*self.opening))
        if self.run is not None:
            # Truncated after its last checkpoint, or a checkpoint's signature removed: nothing vouches for these.
            self.report(self.run, "unsigned_tail", "audit_unsigned_tail", entries=_seqs(self.run, self.high))
        return VerifyResult(checked=self.checked, problems=self.problems, last_seq=self.high,
                            last_hash=self.high_hash, notes=self.notes)


def restore_note(entry: AuditEntry, lost: Sequence[LostEntry] = ()) -> RestoreNote:
    said = entry.summary
    return RestoreNote(
        office=entry.office, seq=entry.seq, at=entry.at, epoch=said.get("epoch", "–"),
        backup_position=said.get("backup_position", "–"), backup_taken_at=said.get("backup_taken_at", "–"),
        restored_by=said.get("restored_by", entry.actor or "–"), reason=said.get("reason", "–"),
        lost=tuple(sorted(lost, key=lambda e: e.seq)),
    )
