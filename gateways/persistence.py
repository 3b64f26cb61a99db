"""Where a node's events live: eventsourcing's environment for SQLite files, PostgreSQL or memory."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.utils import get_topic
from psycopg import sql

from gateways.config import ConfigError, Settings


class EventStore(NamedTuple):
    """What keeps a backend's events: eventsourcing's infrastructure factory and, where the factory takes one by
    setting, the process recorder the inbox needs (a BatchRecorder, services/ports.py). The composition root
    (gateways/bootstrap.py) names the classes, once; this module only turns them into eventsourcing's settings."""

    factory: type
    process_recorder: type | None = None  # None: the factory builds it (the in-memory one has no setting for it)


def application_env(settings: Settings, app_name: str, store: EventStore) -> dict[str, str]:
    """The eventsourcing environment of one application of this node, kept by `store`."""
    env = {"PERSISTENCE_MODULE": get_topic(store.factory)}
    if store.process_recorder is not None:
        env["PROCESS_RECORDER_TOPIC"] = get_topic(store.process_recorder)
    if settings.backend == "sqlite":
        # SQLite tables have fixed names, so each application gets a file of its own.
        env.update(SQLITE_DBNAME=str(sqlite_dir(settings) / f"{app_name}.sqlite"), SQLITE_LOCK_TIMEOUT="10")
    elif settings.backend == "postgresql":
        env.update(postgres_params(settings.database), POSTGRES_SCHEMA=settings.postgres_schema,
                   POSTGRES_POOL_SIZE=str(settings.postgres_pool_size))
    return env


def sqlite_dir(settings: Settings) -> Path:
    path = urlsplit(settings.database).path if settings.database.startswith("sqlite:") else ""
    folder = Path(path) if path not in ("", "/") else settings.data_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def postgres_params(url: str) -> dict[str, str]:
    """postgresql://user:password@host:port/dbname (a socket folder may be given as ?host=/path)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    unsupported = set(query) - {"host"}
    if unsupported:
        names = ", ".join(sorted(unsupported))
        raise ConfigError("HELPDESK_DATABASE", "config_database_parameters", names=names)
    host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise ConfigError("HELPDESK_DATABASE", "config_database_name")
    return {
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_DBNAME": dbname,
    }


def prepare_database(settings: Settings) -> None:
    """Creates the node's PostgreSQL schema if it is missing (the tables are eventsourcing's to create)."""
    if settings.backend != "postgresql":
        return
    with connect_postgres(settings.database) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(settings.postgres_schema)))


def connect_postgres(url: str, timeout: int = 10) -> psycopg.Connection:
    """An autocommit connection to the database a `postgresql://` URL names (for set-up, not for events)."""
    params = postgres_params(url)
    return psycopg.connect(
        host=params["POSTGRES_HOST"],
        port=params["POSTGRES_PORT"],
        user=params["POSTGRES_USER"],
        password=params["POSTGRES_PASSWORD"],
        dbname=params["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=timeout,
    )
