"""`helpdesk backup` and `helpdesk restore` on SQLite and PostgreSQL: the event store alone is saved (0600), a
restore refuses while the node runs, puts the log back, starts the next epoch, rebuilds the read models, and the
relay then speaks in the new epoch and tells the office above what was lost."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import msgspec
import pytest

from gateways.bootstrap import build_node
from gateways.cli.backup import NodeRunning, backup, hold_node_lock, restore
from gateways.config import Settings
from services.integration import EPOCH_VERSION, LogRestored
from tests.support.escalations import KAB, forward_one


def test_a_restore_puts_the_log_back_in_a_new_epoch(backend_settings: Settings, tmp_path: Path) -> None:
    settings = backend_settings
    # Two escalations, then the backup, then three more.
    node = build_node(settings)
    before = [forward_one(node.helpdesk, n) for n in range(2)]
    node.close()
    out = tmp_path / "backups" / "kab.backup"
    info = backup(settings, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if settings.backend == "postgresql":
        assert stat.S_IMODE(out.with_name(out.name + ".json").stat().st_mode) == 0o600
    node = build_node(settings)
    lost = [forward_one(node.helpdesk, n) for n in range(2, 5)]
    head = node.helpdesk.log_head()
    node.close()

    # While the node runs (it holds its lock), the restore refuses and changes nothing.
    held = hold_node_lock(settings)
    try:
        with pytest.raises(NodeRunning):
            restore(settings, out, "ops")
    finally:
        os.close(held)

    report = restore(settings, out, "ops")
    assert report["epoch"] == 1 and report["backup_position"] == info["position"]
    assert report["lost"] == head - info["position"] and report["lost_through"] == head

    node = build_node(settings)
    try:
        helpdesk = node.helpdesk
        # The log is the backup's, in epoch 1 from its last position; the read models know only what it holds.
        assert helpdesk.restores() == ((1, info["position"]),) and helpdesk.current_epoch() == 1
        listed = {c.id for c in node.consultations.list(KAB, limit=100)}
        assert set(before) <= listed and not set(lost) & listed
        # What the relay sends next: the notice to the province in epoch 1, then new escalations in epoch 1, at
        # positions the lost escalations had used.
        later = forward_one(helpdesk, 9)
        outgoing = [e for _, envelopes in helpdesk.outgoing(info["position"], 1000) for e in envelopes]
        notice, escalation = outgoing
        assert isinstance(notice.body, LogRestored) and notice.to == "prov-16"
        assert (notice.body.epoch, notice.body.backup_epoch, notice.body.backup_position) == (1, 0, info["position"])
        assert escalation.ref.origin_id == later and (escalation.epoch, escalation.v) == (1, EPOCH_VERSION)
        assert escalation.seq <= head  # a reused position: only the epoch tells it apart
    finally:
        node.close()
    # A second restore of the same backup starts epoch 2 (never epoch 1 again).
    assert restore(settings, out, "ops")["epoch"] == 2


def test_a_backup_of_another_office_is_refused(backend_settings: Settings, tmp_path: Path) -> None:
    node = build_node(backend_settings)
    forward_one(node.helpdesk, 1)
    node.close()
    out = tmp_path / "kab.backup"
    backup(backend_settings, out)
    other = msgspec.structs.replace(backend_settings, node_id="kab-16.01")
    with pytest.raises(ValueError, match="kab-16.13"):
        restore(other, out, "ops")
