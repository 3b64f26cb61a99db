"""The node's locks (gateways/node_lock.py): the processes of one running node share `node.lock`, which a restore
takes alone; one `helpdesk serve` and one runner of the background work per node. (flock locks belong to an open file,
so two opens in this process stand for two processes.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateways.config import load_settings
from gateways.node_lock import (
    BACKGROUND_LOCK,
    LOCK_FILE,
    SERVE_LOCK,
    NodeRunning,
    hold_process_locks,
    node_lock,
    release,
)


def test_the_nodes_processes_share_the_lock_that_a_restore_takes_alone(tmp_path: Path) -> None:
    settings = load_settings({}, node_id="kab-16.13", database="postgresql://x@127.0.0.1:9/x", background="worker",
                             data_dir=str(tmp_path))
    # `helpdesk serve --workers 2` (its supervisor and two HTTP processes) and `helpdesk worker`, all at once.
    serve = hold_process_locks(settings, serve=True, background=False)
    http = [hold_process_locks(settings, serve=False, background=False) for _ in range(2)]
    worker = hold_process_locks(settings, serve=False, background=True)
    # A second serve, or a second runner of the background work (worker or inline serve): refused, naming which.
    with pytest.raises(NodeRunning) as second_serve:
        hold_process_locks(settings, serve=True, background=False)
    assert second_serve.value.lock == SERVE_LOCK
    with pytest.raises(NodeRunning) as second_worker:
        hold_process_locks(settings, serve=False, background=True)
    assert second_worker.value.lock == BACKGROUND_LOCK
    for held in (serve, *http, worker):
        release(held)
    # While any one of them runs, whichever, a restore is refused.
    for serves, background in ((True, False), (False, False), (False, True)):
        alone = hold_process_locks(settings, serve=serves, background=background)
        with pytest.raises(NodeRunning) as restore, node_lock(settings):
            pass
        assert restore.value.lock == LOCK_FILE
        release(alone)
    # All stopped: the restore takes the node, and no process starts under it.
    with node_lock(settings):
        with pytest.raises(NodeRunning) as starting:
            hold_process_locks(settings, serve=False, background=False)
        assert starting.value.lock == LOCK_FILE
