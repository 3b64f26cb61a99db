"""The messages between nodes: every body survives the wire, an unreadable message is named, subjects are exact."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from domain.audit import GENESIS, seal
from domain.audit_segment import AuditSegment
from domain.casefile import Answer, CaseFile, Note
from domain.faq_values import FaqRelease, FaqStatus, make_content
from domain.monitoring_copy import MonitoringRelease
from domain.monitoring_values import PartyFigures, Slot
from domain.offices import OfficeId
from domain.parties import Party
from domain.values import Basis, BasisKind, Channel
from gateways.nats.audit import decode_shipment
from services import integration
from services.integration import (
    EPOCH_VERSION,
    SCHEMA_VERSION,
    UPWARD,
    Body,
    Envelope,
    Ref,
    UnreadableMessage,
    decode,
    encode,
    subject,
    subject_token,
)
from tests.support.restore_chains import unsigned

# With microseconds, so an encoding that drops them is caught.
T0 = datetime(2024, 7, 29, 1, 30, 0, 123456, tzinfo=UTC)
ORIGIN_ID = uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
REF = Ref("kab-16.13", ORIGIN_ID)
CASE = CaseFile(
    origin_office="kab-16.13", origin_id=ORIGIN_ID, channel=Channel.MESSAGING, party=Party("Partai Buruh", "", 6),
    problem="Keanggotaan ganda.", restatement="Anggota tercatat ganda?", opened_at=T0,
    notes=(Note("kab-16.13", "desk.ani", "Tidak tercakup FAQ.", T0),
           Note("kab-16.13", "kpu.rudi", "Mohon arahan.", T0)),
)
ANSWER = Answer("Gugur bila surat sah.", (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 85"),), "pusat", "pusat.sari", T0)

# Every body, with who sends it to whom.
BODIES: list[tuple[str, str, Body]] = [
    ("kab-16.13", "prov-16", integration.EscalationRequested(CASE)),
    ("prov-16", "kab-16.13", integration.EscalationReceived(REF, T0)),
    ("prov-16", "kab-16.13", integration.EscalationAccepted(REF, "prov.budi", T0)),
    ("prov-16", "kab-16.13", integration.ClarificationRequested(REF, "Kapan surat dibuat?", "prov.budi")),
    ("kab-16.13", "prov-16", integration.ClarificationProvided(REF, "2 Juli 2024.")),
    ("pusat", "prov-16", integration.EscalationAnswered(REF, ANSWER)),
    ("prov-16", "pusat", integration.AnswerReceived(REF, T0 + timedelta(seconds=3))),
]
TAGS = ["escalation_requested", "escalation_received", "escalation_accepted", "clarification_requested",
        "clarification_provided", "escalation_answered", "answer_received"]


def envelope(sender: str, to: str, body: Body, seq: int = 42) -> Envelope:
    return Envelope(SCHEMA_VERSION, sender, to, seq, T0, body)


def test_every_body_type_is_covered() -> None:
    # Every body about a case is in BODIES; the notice of a restored log and an FAQ entry are about no case (below).
    about_no_case = {integration.LogRestored, integration.FaqShared, integration.MonitoringShared}
    assert {type(body) for _, _, body in BODIES} | about_no_case == set(Body.__args__)


def test_an_faq_entry_survives_the_wire_downward_and_about_no_case() -> None:
    content = make_content("Cara unggah SK", ["upload SK"], "PDF 2 MB.", [("pkpu", "PKPU 4/2022")], ["upload"])
    release = FaqRelease(uuid.uuid4(), "pusat", 2, content, FaqStatus.PUBLISHED, T0)
    shared = Envelope(SCHEMA_VERSION, "prov-16", "kab-16.13", 42, T0, integration.FaqShared(release))
    assert decode(encode(shared)) == shared and shared.ref is None
    assert subject(shared) == "hd.kab-16_13.prov-16.faq_shared"
    assert integration.FaqShared not in UPWARD


def test_a_monitoring_report_survives_the_wire_upward_and_about_no_case() -> None:
    release = MonitoringRelease(office_id="kab-16.13", day=T0.date(), slot=Slot.MORNING, due_at=T0, missed=False,
                                version=2, changed_at=T0, submitted_at=T0, content_hash="ab" * 32,
                                screenshot_sha256="cd" * 32, figures=(PartyFigures("Partai Buruh", 6, 3, 120, 1),))
    shared = Envelope(SCHEMA_VERSION, "kab-16.13", "prov-16", 42, T0, integration.MonitoringShared(release))
    assert decode(encode(shared)) == shared and shared.ref is None
    assert subject(shared) == "hd.prov-16.kab-16_13.monitoring_shared"
    assert integration.MonitoringShared in UPWARD


def test_a_restored_logs_notice_survives_the_wire_in_its_epoch() -> None:
    notice = Envelope(EPOCH_VERSION, "kab-16.13", "prov-16", 42, T0, integration.LogRestored(2, 1, 40, T0), epoch=2)
    assert decode(encode(notice)) == notice and notice.ref is None
    assert subject(notice) == "hd.prov-16.kab-16_13.log_restored"


def test_epoch_zero_is_written_as_before_and_a_later_epoch_as_version_2() -> None:
    old = envelope(*BODIES[0])
    assert "epoch" not in json.loads(encode(old)) and old.message_id == "kab-16.13:42:prov-16"
    later = msgspec.structs.replace(old, v=EPOCH_VERSION, epoch=3)
    assert json.loads(encode(later))["epoch"] == 3 and decode(encode(later)) == later
    assert later.message_id == "kab-16.13@3:42:prov-16"


@pytest.mark.parametrize(("version", "epoch"), [(SCHEMA_VERSION, 3), (EPOCH_VERSION, 0), (EPOCH_VERSION, -1)])
def test_a_version_and_an_epoch_that_disagree_are_malformed(version: int, epoch: int) -> None:
    raw = json.loads(encode(envelope(*BODIES[0])))
    raw.update(v=version, epoch=epoch)
    with pytest.raises(UnreadableMessage) as unreadable:
        decode(json.dumps(raw).encode())
    assert unreadable.value.reason == "malformed"


@pytest.mark.parametrize(("sender", "to", "body"), BODIES, ids=TAGS)
def test_every_body_survives_the_wire(sender: str, to: str, body: Body) -> None:
    sent = envelope(sender, to, body)
    received = decode(encode(sent))
    assert received == sent
    assert type(received.body) is type(body)
    assert received.sent_at == T0 and received.sent_at.tzinfo is not None
    assert received.ref == REF  # every body names the same case, the request through its case file


@pytest.mark.parametrize(("body", "tag"), [(b, t) for (_, _, b), t in zip(BODIES, TAGS, strict=True)], ids=TAGS)
def test_the_body_carries_its_type_on_the_wire(body: Body, tag: str) -> None:
    raw = json.loads(encode(envelope("kab-16.13", "prov-16", body)))
    assert raw["v"] == SCHEMA_VERSION and raw["body"]["type"] == tag


def test_up_and_down_are_told_apart() -> None:
    # The receiver's routing check relies on this: a body is upward exactly when a child sends it to its parent.
    assert set(UPWARD) == {type(b) for sender, to, b in BODIES if OfficeId(sender).parent == OfficeId(to)} | {
        integration.MonitoringShared}  # about no case (above)


@pytest.mark.parametrize("version", [0, 3, 99])  # 2 is the version of epochs after a restore
def test_an_unknown_schema_version_is_named(version: int) -> None:
    raw = json.loads(encode(envelope(*BODIES[0])))
    raw["v"] = version
    raw["body"] = {"type": "something_new", "whatever": True}  # a later version may say anything
    with pytest.raises(UnreadableMessage) as unreadable:
        decode(json.dumps(raw).encode())
    assert unreadable.value.reason == "unknown_schema_version"


def _with(**changes: object) -> bytes:
    raw = json.loads(encode(envelope(*BODIES[1])))
    raw.update(changes)
    return json.dumps(raw).encode()


@pytest.mark.parametrize("data", [
    b"",
    b"not json",
    b'{"v": 1',  # truncated
    b"[1, 2]",
    b'{"sender": "kab-16.13"}',  # no version
    b'{"v": "1"}',  # the version as text
    b'{"v": 1}',  # the version and nothing else
    _with(body={"type": "escalation_exploded", "ref": {"origin_office": "kab-16.13", "origin_id": str(ORIGIN_ID)}}),
    _with(body={"type": "escalation_received", "ref": {"origin_office": "kab-16.13"}, "received_at": T0.isoformat()}),
    _with(seq="forty-two"),
    _with(sent_at="yesterday"),
], ids=lambda data: data[:40].decode(errors="replace"))
def test_a_malformed_message_is_named(data: bytes) -> None:
    with pytest.raises(UnreadableMessage) as unreadable:
        decode(data)
    assert unreadable.value.reason == "malformed"


def test_subject_names_receiver_sender_and_type() -> None:
    assert subject(envelope("kab-16.13", "prov-16", integration.EscalationRequested(CASE))) == (
        "hd.prov-16.kab-16_13.escalation_requested")
    assert subject(envelope("pusat", "prov-16", integration.EscalationAnswered(REF, ANSWER))) == (
        "hd.prov-16.pusat.escalation_answered")
    assert subject(envelope("prov-16", "kota-16.71", integration.AnswerReceived(REF, T0))).split(".") == [
        "hd", "kota-16_71", "prov-16", "answer_received"]


@pytest.mark.parametrize(("sender", "to", "body"), BODIES, ids=TAGS)
def test_every_subject_has_four_tokens_and_the_type_last(sender: str, to: str, body: Body) -> None:
    tokens = subject(envelope(sender, to, body)).split(".")
    assert tokens == ["hd", subject_token(to), subject_token(sender), body.__struct_config__.tag]
    assert all(token and " " not in token and "*" not in token and ">" not in token for token in tokens)


def test_the_message_id_is_one_per_event_and_receiver() -> None:
    # An answer from above goes down and is confirmed up from one event: two messages, two ids.
    down = envelope("prov-16", "kab-16.13", integration.EscalationAnswered(REF, ANSWER), seq=7)
    up = envelope("prov-16", "pusat", integration.AnswerReceived(REF, T0), seq=7)
    assert (down.message_id, up.message_id) == ("prov-16:7:kab-16.13", "prov-16:7:pusat")


def test_decoding_checks_values_not_only_shape() -> None:
    # An answer without bases is still a readable message (the domain judges it); an unknown basis kind is not.
    raw = json.loads(encode(envelope("pusat", "prov-16", integration.EscalationAnswered(REF, ANSWER))))
    raw["body"]["answer"]["bases"] = []
    assert decode(json.dumps(raw).encode()).body.answer.bases == ()
    raw["body"]["answer"]["bases"] = [{"kind": "hearsay", "reference": "x"}]
    with pytest.raises(UnreadableMessage) as unreadable:
        decode(json.dumps(raw).encode())
    assert unreadable.value.reason == "malformed"


def test_the_audit_streams_segment_survives_the_wire_and_a_lone_entry_is_still_read() -> None:
    # Not an envelope body: the audit chain travels on its own stream. An office shipping before checkpoints sends
    # one signed entry per message; one shipping checkpoints sends segments ending at one (domain/audit_segment.py).
    first = seal(unsigned(1), GENESIS, lambda digest: "c2lnbmVk")
    second = seal(unsigned(2), first.entry_hash, lambda digest: "c2lnbmVk")
    assert json.loads(msgspec.json.encode(AuditSegment([first, second])))["kind"] == "audit_segment"
    assert decode_shipment(msgspec.json.encode(AuditSegment([first, second]))) == [first, second]
    assert decode_shipment(msgspec.json.encode(first)) == [first]
    assert decode_shipment(b'{"kind": "audit_segment", "entries": [{"seq": 1}]}') is None
    assert decode_shipment(b"{not json") is None
