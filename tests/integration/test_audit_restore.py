"""A regency restored from its backup over real NATS: its audit chain goes on with a signed restore entry, the
centre keeps the entries the regency lost as lost, takes the new ones, and `audit verify` explains it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from domain.audit import FORKS, RESTORED
from domain.values import Channel
from gateways.persistence import sqlite_dir
from projections.audit_queries import OWN, RECEIVED, AuditFilter, entries, search, verify_all
from services.consultations import IdentityInput
from tests.support.federation import running_offices
from tests.support.office import Office
from tests.support.waiting import eventually

KAB, PUSAT = "kab-16.13", "pusat"


@pytest.fixture
async def pair(database: str, tmp_path: Path, nats_url: str, nats_prefix: str, clock, hasher):
    """The regency on SQLite (its event store is one file to copy aside) and the centre on each backend."""
    backends = {n: db for n, db in ((KAB, "sqlite"), (PUSAT, database))}
    async with running_offices(backends, tmp_path, nats_url, nats_prefix, clock, hasher, audit=True) as built:
        yield built


def chain(office: Office, table: str = OWN) -> list:
    return list(entries(office.node.store, table, KAB))


async def consult(kab: Office, *names: str) -> None:
    for name in names:
        who = IdentityInput(name=name, party_number=3, email=f"{name.lower()}@kpu.id")
        await kab.run("open_consultation", KAB, Channel.EMAIL, who, "desk")


async def arrived(kab: Office, pusat: Office, what: str) -> list:
    """Waits until the centre holds exactly the regency's own chain, and returns it."""
    def same() -> list | None:
        kab.node.projections.catch_up("audit")
        own = [e.entry_hash for e in chain(kab)]
        return own and [e.entry_hash for e in chain(pusat, RECEIVED)] == own and chain(kab)
    return await eventually(same, what=what)


def event_store(office: Office) -> Path:
    return sqlite_dir(office.settings) / "helpdesk.sqlite"


def cli_verify(office: Office, keys: Path) -> subprocess.CompletedProcess[str]:
    """`helpdesk audit verify` run as the office's operator would, with its key and the offices' public keys."""
    settings = office.settings
    env = {**os.environ, "HELPDESK_NODE_ID": settings.node_id, "HELPDESK_DATABASE": settings.database,
           "HELPDESK_DATA_DIR": settings.data_dir, "HELPDESK_NATS_URL": "", "HELPDESK_AUDIT_KEYS_FILE": str(keys),
           "HELPDESK_AUDIT_KEY_FILE": settings.audit_key_file, "HELPDESK_POSTGRES_SCHEMA": settings.postgres_schema}
    return subprocess.run([sys.executable, "-m", "gateways.cli.main", "audit", "verify"], env=env,
                          capture_output=True, text=True, timeout=300)


def take_backup(kab: Office, path: Path, clock) -> tuple[int, datetime]:  # noqa: ANN001
    """The nightly backup: the event store copied aside with SQLite's online backup; its last position and time."""
    with sqlite3.connect(event_store(kab)) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return kab.node.helpdesk.recorder.max_notification_id(), clock.advance(minutes=5)


async def restore_from(pair: dict[str, Office], backup: Path, epoch: int, taken: tuple[int, datetime], clock,  # noqa: ANN001
                  hasher) -> Office:  # noqa: ANN001
    """The disk fails: the regency's store is put back from `backup`, its read models rebuilt from it, the restore
    recorded (as `helpdesk restore` does), and its link started again."""
    kab = pair[KAB]
    await kab.stop_link()
    kab.node.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{event_store(kab)}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, event_store(kab))
    clock.advance(minutes=60)
    kab = pair[KAB] = Office(kab.settings, clock, hasher)
    kab.node.projections.rebuild()
    kab.node.helpdesk.start_epoch(epoch=epoch, backup_position=taken[0], backup_taken_at=taken[1],
                                  restored_by="admin", reason="command")
    kab.node.projections.catch_up()
    await kab.start_link(audit=True)
    return kab


def centre_check(pusat: Office):  # noqa: ANN201
    [check] = [c for c in verify_all(pusat.node.projections, PUSAT, pusat.node.keyring.verify,
                                     pusat.node.keyring.knows, KAB) if c.source == "received"]
    return check.result


def own_check(kab: Office):  # noqa: ANN201
    [own] = verify_all(kab.node.projections, KAB, kab.node.keyring.verify, kab.node.keyring.knows, KAB)
    return own.result


async def test_two_restores_each_name_what_was_lost(pair: dict[str, Office], tmp_path: Path, clock, hasher) -> None:
    kab, pusat = pair[KAB], pair[PUSAT]
    await consult(kab, "Ani")
    first_backup = await arrived(kab, pusat, "the entries of the first backup")
    taken = take_backup(kab, tmp_path / "one.sqlite", clock)
    await consult(kab, "Budi")
    lost_first = (await arrived(kab, pusat, "the entries after the first backup"))[len(first_backup):]

    # Restored once; the work goes on, and is backed up again.
    kab = await restore_from(pair, tmp_path / "one.sqlite", 1, taken, clock, hasher)
    await consult(kab, "Citra")
    second_backup = await arrived(kab, pusat, "the entries of the second backup")
    taken = take_backup(kab, tmp_path / "two.sqlite", clock)
    await consult(kab, "Dodi", "Eka")
    lost_second = (await arrived(kab, pusat, "the entries after the second backup"))[len(second_backup):]

    # Restored again, from the second backup: only what came after it is lost this time.
    kab = await restore_from(pair, tmp_path / "two.sqlite", 2, taken, clock, hasher)
    await consult(kab, "Fajar")
    now = await arrived(kab, pusat, "the entries after the second restore")
    restores = [e for e in now if e.type == RESTORED]
    assert [e.summary["epoch"] for e in restores] == ["1", "2"] and pusat.link.status.dead_letters == 0

    result = centre_check(pusat)
    assert result.ok, result.problems
    assert [(n.seq, n.epoch) for n in result.notes] == [(restores[0].seq, "1"), (restores[1].seq, "2")]
    assert [[(e.seq, e.type, e.at) for e in n.lost] for n in result.notes] == [
        [(e.seq, e.type, e.at) for e in lost_first], [(e.seq, e.type, e.at) for e in lost_second]]
    # The regency's own chain, checked against its event store, holds both restores too.
    own = own_check(kab)
    assert own.ok, own.problems
    assert [(n.seq, n.epoch, n.lost) for n in own.notes] == [(restores[0].seq, "1", ()), (restores[1].seq, "2", ())]


async def test_the_centre_names_what_a_restored_regency_lost(pair: dict[str, Office], tmp_path: Path, clock,
                                                             hasher) -> None:
    kab, pusat = pair[KAB], pair[PUSAT]
    # The regency works, and its chain reaches the centre.
    await consult(kab, "Ani", "Budi", "Citra")
    backed_up = await arrived(kab, pusat, "the first entries at the centre")

    # Its nightly backup.
    backup = tmp_path / "backup.sqlite"
    taken = take_backup(kab, backup, clock)

    # More work after the backup; the centre receives it too.
    clock.advance(minutes=30)
    await consult(kab, "Dodi", "Eka")
    before_restore = await arrived(kab, pusat, "the entries made after the backup")
    lost = before_restore[len(backed_up):]
    assert len(lost) >= 2

    # The disk fails: the store is put back from the backup, the read models rebuilt (the chain comes out with the
    # same hashes, its checkpoints where the rebuild's batches end), the restore recorded; the work goes on.
    kab = await restore_from(pair, backup, 1, taken, clock, hasher)
    assert [e.entry_hash for e in chain(kab)][:len(backed_up)] == [e.entry_hash for e in backed_up]
    await consult(kab, "Fajar")
    after = await arrived(kab, pusat, "the restore entry and the new entries at the centre")

    # The regency's chain goes on from the backup's last entry with the restore (preceded by the opening of the
    # node's log, when this is the log's first restore).
    fork = after[len(backed_up)]
    assert (fork.type in FORKS, fork.seq, fork.prev_hash) == (True, len(backed_up) + 1, backed_up[-1].entry_hash)
    [restore] = [e for e in after if e.type == RESTORED]
    assert restore.seq <= fork.seq + 1 and restore.summary["epoch"] == "1" and restore.summary["restored_by"] == "admin"
    # Nothing was dead-lettered at the centre, and its copy of the chain verifies, with a note naming exactly
    # the entries the regency lost.
    assert pusat.link.status.dead_letters == 0
    result = centre_check(pusat)
    assert result.ok, result.problems
    [note] = result.notes
    assert (note.seq, note.epoch, note.code) == (restore.seq, "1", "audit_restored_lost")
    assert [(e.seq, e.type, e.at) for e in note.lost] == [(e.seq, e.type, e.at) for e in lost]
    # The lost entries are kept at the centre, not dropped; the search shows the chain as it now stands.
    assert [e.entry_hash for e in search(pusat.node.store, RECEIVED, AuditFilter(office=KAB, limit=100))] == [
        e.entry_hash for e in after]

    # At the regency, its own chain verifies against its (restored) event store, with the restore as a note.
    own = own_check(kab)
    assert own.ok, own.problems
    assert [(n.seq, n.lost) for n in own.notes] == [(restore.seq, ())]

    # And `helpdesk audit verify` at the centre says it in words.
    keys = tmp_path / "keys.toml"
    keys.write_text(f'[keys]\n"{KAB}" = "{kab.node.audit_key.public_key_b64}"\n'
                    f'"{PUSAT}" = "{pusat.node.audit_key.public_key_b64}"\n', encoding="utf-8")
    result = cli_verify(pusat, keys)
    assert result.returncode == 0, result.stdout + result.stderr
    first, last = lost[0].seq, lost[-1].seq
    assert (f"Kantor {KAB} dipulihkan dari cadangan pada" in result.stdout
            and f"(epoch 1): entri {first}–{last} yang sudah diterima pusat hilang di kantor asal." in result.stdout)
    for entry in lost:
        assert f"Entri #{entry.seq} {entry.type} (" in result.stdout
