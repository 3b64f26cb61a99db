"""`helpdesk backup --out PATH` and `helpdesk restore --from PATH [--by NAME]`: the event store saved and put back.

Only the event store is saved: the read models are rebuilt from it (and hold personal data in clear), and the
consultees' keys are backed up apart, so that erasing a key reaches every old backup too. SQLite: the online
backup API copies `helpdesk.sqlite` while the node runs, and a small table in the copy says which office, when and
how far. PostgreSQL: `pg_dump` of the event-store tables of the node's schema (the read models there and the
schema `<schema>_keys` are left out), with a `PATH.json` beside it saying the same.

A restore refuses while the node runs: each of its processes (`helpdesk serve`, its HTTP processes, `helpdesk
worker`) holds `node.lock` in the data folder, shared, for as long as it lives (released by the kernel even when it is
killed), and the restore takes the same lock exclusively (gateways/node_lock.py). It
replaces the event store, starts a new epoch of the log (NodeLog.Restored: the backup's last position and time, who
restored it), and rebuilds the read models from the restored log; the relay then speaks in the new epoch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from domain.node_log import COMMAND
from gateways.cli import exits
from gateways.cli.words import refuse, say
from gateways.config import ConfigError, Settings
from gateways.nats.topology import topology_of
from gateways.node_lock import NodeRunning, hold_node_lock, node_lock
from gateways.persistence import postgres_params, sqlite_dir

# The lock lives in gateways/node_lock.py; its names stay importable from here, beside the restore that takes it.
__all__ = ["NodeRunning", "backup", "hold_node_lock", "restore", "run"]

STORE_FILE = "helpdesk.sqlite"  # the Helpdesk application's file (gateways/persistence.py: <app name>.sqlite)
# PostgreSQL: the Helpdesk application's tables (eventsourcing names them after it) and the message digests
# (gateways/recorders.py); the rest of the schema is read models.
EVENT_TABLES = ("helpdesk_events", "helpdesk_tracking", "message_digests")
INFO_TABLE = "helpdesk_backup"  # in a SQLite backup: office, taken_at, position


def add_commands(commands: argparse._SubParsersAction, config_options) -> None:  # type: ignore[type-arg]
    backup = commands.add_parser("backup", help="cadangkan log peristiwa (back up the event store)")
    config_options(backup)
    backup.add_argument("--out", required=True, metavar="PATH", help="berkas cadangan (backup file)")
    restore = commands.add_parser("restore", help="pulihkan log peristiwa dari cadangan (restore from a backup)")
    config_options(restore)
    restore.add_argument("--from", dest="source", required=True, metavar="PATH", help="berkas cadangan (backup file)")
    restore.add_argument("--by", default="", help="siapa yang memulihkan (who restores; default: the OS user)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.backend == "memory":
        refuse("cli_memory_node")
        return exits.CONFIG
    try:
        if args.command == "backup":
            info = backup(settings, Path(args.out))
            say("cli_backup_written", path=args.out, office=info["office"], position=info["position"],
                taken_at=info["taken_at"])
            return exits.DONE
        report = restore(settings, Path(args.source), args.by or _os_user())
    except NodeRunning:
        refuse("cli_node_running_restore")
        return exits.NODE_RUNNING
    except ConfigError:
        raise  # a setting, or a missing pg_dump: the command's configuration error (main)
    except (OSError, ValueError, subprocess.CalledProcessError) as error:
        refuse("cli_failed", detail=error)
        return exits.REFUSED
    say("cli_restored", path=args.source, position=report["backup_position"], taken_at=report["backup_taken_at"],
        epoch=report["epoch"])
    if report["lost"] > 0:
        say("cli_lost_here", first=report["backup_position"] + 1, last=report["lost_through"], lost=report["lost"])
    return exits.DONE


# Backup.

def backup(settings: Settings, out: Path) -> dict[str, object]:
    """Writes the backup to `out` (0600, whole or not at all); returns what it says about itself."""
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    taken_at = datetime.now(UTC).isoformat()
    temporary = _private_file(out)
    try:
        if settings.backend == "sqlite":
            position = _backup_sqlite(sqlite_dir(settings) / STORE_FILE, temporary, settings.node_id, taken_at)
        else:
            position = _backup_postgres(settings, temporary)
        info = {"office": settings.node_id, "backend": settings.backend, "taken_at": taken_at, "position": position}
        if settings.backend == "postgresql":
            sidecar = _private_file(_info_path(out))
            sidecar.write_text(json.dumps(info), encoding="utf-8")
            os.replace(sidecar, _info_path(out))
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return info


def _backup_sqlite(store: Path, target: Path, office: str, taken_at: str) -> int:
    if not store.exists():
        raise ValueError(f"{store} does not exist: this node has no event store yet")
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # page by page, consistent, while the node goes on writing
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        position = copy.execute("SELECT COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()[0]
        copy.execute(f"CREATE TABLE {INFO_TABLE} (office TEXT, taken_at TEXT, position INTEGER)")
        copy.execute(f"INSERT INTO {INFO_TABLE} VALUES (?, ?, ?)", (office, taken_at, position))
        copy.commit()
    finally:
        copy.close()
        source.close()
    return int(position)


def _backup_postgres(settings: Settings, target: Path) -> int:
    schema = settings.postgres_schema
    tables = [arg for table in EVENT_TABLES for arg in ("--table", f'"{schema}"."{table}"')]
    _pg_tool("pg_dump", settings, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", *tables)
    from gateways.persistence import connect_postgres

    with connect_postgres(settings.database) as connection:
        row = connection.execute(f'SELECT COALESCE(MAX(notification_id), 0) FROM "{schema}".{EVENT_TABLES[0]}'
                                 ).fetchone()
    return int(row[0]) if row else 0


# Restore.

def restore(settings: Settings, source: Path, restored_by: str) -> dict[str, object]:
    """Replaces the event store with the backup's, starts the next epoch and rebuilds the read models."""
    if not source.exists():
        raise ValueError(f"{source} does not exist")
    info = _read_info(settings, source)
    if info.get("office") != settings.node_id:
        raise ValueError(f"the backup is of office {info.get('office')!r}, this node is {settings.node_id}")
    with node_lock(settings):
        from gateways.bootstrap import build_node

        node = build_node(settings)
        try:
            old_epoch, old_head = node.helpdesk.current_epoch(), node.helpdesk.log_head()
        finally:
            node.close()
        if settings.backend == "sqlite":
            _replace_sqlite(sqlite_dir(settings) / STORE_FILE, source)
        else:
            _pg_tool("pg_restore", settings, "--clean", "--if-exists", "--single-transaction", "--no-owner",
                     "--no-privileges", f"--dbname={_dbname(settings)}", str(source))
        node = build_node(settings)
        try:
            helpdesk = node.helpdesk
            backup_position, backup_epoch = helpdesk.log_head(), helpdesk.current_epoch()
            epoch = max(old_epoch, backup_epoch) + 1
            taken_at = datetime.fromisoformat(str(info["taken_at"])) if info.get("taken_at") else None
            # The neighbours are told (log_restored) and name the cases they hold that this log lost.
            helpdesk.start_epoch(epoch=epoch, backup_position=backup_position, backup_taken_at=taken_at,
                                 restored_by=restored_by, reason=COMMAND, neighbours=topology_of(settings).neighbours)
            # The read models describe the log as it was: built again from the restored one.
            for name in list(node.projections.projections):
                node.projections.rebuild(name)
        finally:
            node.close()
    lost_through = max(old_head, backup_position)
    return {"epoch": epoch, "backup_position": backup_position, "backup_taken_at": info.get("taken_at"),
            "lost": lost_through - backup_position, "lost_through": lost_through}


def _read_info(settings: Settings, source: Path) -> dict[str, object]:
    if settings.backend == "postgresql":
        path = _info_path(source)
        if not path.exists():
            raise ValueError(f"{path} is missing: it says which office the backup is of")
        return json.loads(path.read_text(encoding="utf-8"))
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as copy:
            office, taken_at, position = copy.execute(f"SELECT office, taken_at, position FROM {INFO_TABLE}").fetchone()
    except sqlite3.DatabaseError as error:
        raise ValueError(f"{source} is not a backup made by `helpdesk backup`: {error}") from None
    return {"office": office, "taken_at": taken_at, "position": position}


def _replace_sqlite(store: Path, source: Path) -> None:
    """The backup copied in under a temporary name, its own table dropped, then moved over the store in one rename;
    the old store's journal files go first, so nothing of the old log is replayed into the new one."""
    temporary = _private_file(store)
    try:
        shutil.copyfile(source, temporary)
        with contextlib.closing(sqlite3.connect(temporary)) as copy:
            copy.execute(f"DROP TABLE IF EXISTS {INFO_TABLE}")
            copy.commit()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, store)
    finally:
        temporary.unlink(missing_ok=True)


# Helpers.

def _private_file(beside: Path) -> Path:
    """An empty file of mode 0600 next to `beside`, under a temporary name."""
    path = beside.with_name(f".{beside.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _info_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".json")


def _pg_tool(tool: str, settings: Settings, *args: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise ConfigError(tool, "config_pg_tool")
    params = postgres_params(settings.database)
    env = {**os.environ, "PGHOST": params["POSTGRES_HOST"], "PGPORT": params["POSTGRES_PORT"],
           "PGUSER": params["POSTGRES_USER"], "PGPASSWORD": params["POSTGRES_PASSWORD"],
           "PGDATABASE": params["POSTGRES_DBNAME"]}
    subprocess.run([program, *args], env=env, check=True, capture_output=True, timeout=3600)


def _dbname(settings: Settings) -> str:
    return postgres_params(settings.database)["POSTGRES_DBNAME"]


def _os_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "operator"
