"""What the read models hold, to compare a rebuilt or resumed projection with the live one."""

from __future__ import annotations

from typing import Any

from projections.audit import ENTRY_COLUMNS
from projections.audit_queries import OWN
from projections.runner import ReadModelRunner


def dump(runner: ReadModelRunner) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, in a stable order; the audit chain's without its signatures (the same
    hashes, but a rebuild signs its checkpoints where its own batches end, domain/audit_segment.py)."""
    return {
        table: sorted(runner.store.query(f"SELECT {_UNSIGNED if table == OWN else '*'} FROM {table}"))
        for projection in runner.projections.values()
        for table in projection.tables
    }


_UNSIGNED = ", ".join(column for column in ENTRY_COLUMNS if column != "signature")
