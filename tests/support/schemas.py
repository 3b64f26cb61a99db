"""Dropping what a node made in PostgreSQL: its schema of events and read models and the schema of its key store."""

from __future__ import annotations

from psycopg import sql

from gateways.config import Settings
from gateways.persistence import connect_postgres


def drop_schema(settings: Settings) -> None:
    with connect_postgres(settings.database) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(settings.postgres_schema)))
        # The node's key store (gateways/subject_keys.py) lives in a schema of its own beside the events.
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(f"{settings.postgres_schema}_keys"))
        )
