"""What the read models hold, to compare a rebuilt or resumed projection with the live one."""

from __future__ import annotations

from typing import Any

from projections.runner import ReadModelRunner


def dump(runner: ReadModelRunner) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, in a stable order."""
    return {
        table: sorted(runner.store.query(f"SELECT * FROM {table}"))
        for projection in runner.projections.values()
        for table in projection.tables
    }
