"""One registry per direction: every body type is applied by exactly one entry (services/inbound.py) whose record
agrees with the way the body travels, every event that speaks is in the outbound registry (services/outbound.py),
and a node whose event store is not the inbox's batch recorder does not start."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from eventsourcing.popo import POPOFactory
from eventsourcing.sqlite import SQLiteProcessRecorder
from eventsourcing.utils import get_topic

import gateways.bootstrap
from domain.consultation import Consultation
from domain.escalation import EscalationCase
from domain.faq import FaqEntry
from domain.faq_copy import FaqCopy
from domain.held_document import HeldDocument
from domain.monitoring import MonitoringReport
from domain.node_log import NodeLog
from gateways.bootstrap import EVENT_STORES, build_node
from gateways.config import ConfigError
from gateways.persistence import EventStore, application_env
from gateways.recorders import SQLiteBatchRecorder
from services.inbound import INBOUND
from services.inbound_records import CASE_SENT_HERE, FAQ_HELD, MONITORING_HELD, NEW_CASE, OWN_LOG, SENT_UP
from services.integration import UPWARD, Body
from services.outbound import OUTBOUND
from services.outbox import SPEAKING_TOPICS
from tests.conftest import FakeClock, FakeHasher, settings_for

# The record a body changes says which way it came: a case from below, the record of a case sent up or a copy of the
# FAQ of the office above, a copy of a regency's monitoring report below, or the log.
RECORDS_BY_WAY = {True: {NEW_CASE, CASE_SENT_HERE, MONITORING_HELD}, False: {SENT_UP, FAQ_HELD}, None: {OWN_LOG}}


def test_every_body_type_is_applied_by_one_entry() -> None:
    assert set(INBOUND) == set(get_args(Body))


@pytest.mark.parametrize("body", get_args(Body), ids=lambda b: b.__struct_config__.tag)
def test_the_record_a_body_changes_agrees_with_its_way(body: type) -> None:
    assert INBOUND[body].record in RECORDS_BY_WAY[body.upward]
    assert (body in UPWARD) is (body.upward is True)


def test_the_events_that_speak_are_the_outbound_registrys() -> None:
    # The relay reads exactly these events of the log; each belongs to an aggregate of this node.
    assert SPEAKING_TOPICS == [get_topic(cls) for cls in OUTBOUND]
    owners = {cls: cls.__qualname__.split(".")[0] for cls in OUTBOUND}
    assert set(owners.values()) == {Consultation.__name__, EscalationCase.__name__, NodeLog.__name__,
                                    HeldDocument.__name__,  # a held document's bytes follow its case
                                    FaqEntry.__name__, FaqCopy.__name__,  # the FAQ's releases go down
                                    MonitoringReport.__name__}  # a regency's monitoring reports go up


def test_the_event_store_is_named_once_and_becomes_eventsourcings_settings(tmp_path: Path) -> None:
    settings = settings_for("sqlite", tmp_path / "kab")
    env = application_env(settings, "helpdesk", EVENT_STORES["sqlite"])
    assert env["PROCESS_RECORDER_TOPIC"] == get_topic(SQLiteBatchRecorder)
    assert env["SQLITE_DBNAME"].endswith("helpdesk.sqlite")


@pytest.mark.parametrize(("backend", "store"), [
    ("memory", EventStore(POPOFactory)),  # the library's own in-memory recorder
    ("sqlite", EventStore(EVENT_STORES["sqlite"].factory, SQLiteProcessRecorder)),
], ids=["memory", "sqlite"])
def test_a_recorder_that_is_not_the_inboxs_fails_at_start(
    backend: str, store: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(gateways.bootstrap.EVENT_STORES, backend, store)
    with pytest.raises(ConfigError, match="is not a batch recorder"):
        build_node(settings_for(backend, tmp_path / "kab"), clock=FakeClock(), hasher=FakeHasher())
