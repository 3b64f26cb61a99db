"""Where a node's events live: eventsourcing's environment for SQLite files, PostgreSQL or memory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg import sql

from gateways.config import ConfigError, Settings


def application_env(settings: Settings, app_name: str) -> dict[str, str]:
    """The eventsourcing environment of one application of this node. Its process recorder is one of
    gateways/recorders.py: a batch of messages from several offices is tracked in one transaction."""
    if settings.backend == "memory":
        return {"PERSISTENCE_MODULE": "gateways.recorders:POPOBatchFactory"}
    if settings.backend == "sqlite":
        # SQLite tables have fixed names, so each application gets a file of its own.
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "PROCESS_RECORDER_TOPIC": "gateways.recorders:SQLiteBatchRecorder",
            "SQLITE_DBNAME": str(sqlite_dir(settings) / f"{app_name}.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "PROCESS_RECORDER_TOPIC": "gateways.recorders:PostgresBatchRecorder",
        **postgres_params(settings.database),
        "POSTGRES_SCHEMA": settings.postgres_schema,
        "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
    }


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
        raise ConfigError(f"HELPDESK_DATABASE: parameter(s) {', '.join(sorted(unsupported))} not supported (only ?host=)")
    host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise ConfigError("HELPDESK_DATABASE: the PostgreSQL URL names no database")
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
