"""The node's log and its epochs: a restore starts an epoch later than any before, and each position belongs to the
epoch it was recorded in, so what a restored office lost is named exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.node_log import COMMAND, DETECTED, EpochNotAhead, NodeLog, epoch_at, lost_after, node_log_id

AT = datetime(2024, 7, 29, 1, 30, tzinfo=UTC)


def restored(log: NodeLog, epoch: int, position: int, reason: str = COMMAND) -> NodeLog:
    log.restore(epoch=epoch, backup_epoch=log.epoch, backup_position=position, backup_taken_at=AT,
                restored_by="ops", reason=reason, neighbours=("prov-16",), at=AT)
    return log


def test_a_log_has_one_fixed_id_per_office() -> None:
    assert NodeLog.open("kab-16.13", AT).id == node_log_id("kab-16.13") != node_log_id("kab-16.01")


def test_each_position_belongs_to_the_epoch_it_was_recorded_in() -> None:
    log = NodeLog.open("kab-16.13", AT)
    assert log.epoch == 0 and epoch_at(log.restores, 500) == 0
    # Restored from a backup ending at 100, later from one taken at 150 in epoch 1, then from the first again.
    restored(log, 1, 100)
    restored(log, 2, 150)
    restored(log, 3, 100, DETECTED)
    assert log.epoch == 3
    assert [epoch_at(log.restores, p) for p in (50, 100, 101, 150, 151)] == [0, 0, 3, 3, 3]
    assert [e.__class__.__name__ for e in log.collect_events()] == ["Opened", "Restored", "Restored", "Restored"]


def test_a_restore_never_reuses_an_epoch() -> None:
    log = restored(NodeLog.open("kab-16.13", AT), 2, 10)
    with pytest.raises(EpochNotAhead):
        restored(log, 2, 20)
    with pytest.raises(EpochNotAhead):
        restored(log, 1, 20)


@pytest.mark.parametrize(("message", "lost"), [
    ((0, 100), False),  # in the backup
    ((0, 101), True),  # after it, in the backup's epoch
    ((1, 5), True),  # a later epoch the restore went back behind
    ((2, 101), False),  # the epoch the log goes on in
])
def test_what_a_restore_loses_is_what_was_said_after_the_backup(message: tuple[int, int], lost: bool) -> None:
    assert lost_after(0, 100, 2, *message) is lost
