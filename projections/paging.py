"""Filters and stable paging over a read-model table: one query gives a page and the number of rows matched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from projections.runner import Store
from projections.search import TextIndex

# Past this, an offset pages nowhere a person goes (and SQLite refuses offsets past 2**63).
MAX_OFFSET = 1_000_000_000


class Where:
    """The conditions of one query, ANDed, each with its parameters (portable SQL with `?`)."""

    def __init__(self, condition: str, *params: Any) -> None:
        self.conditions = [condition]
        self.params: list[Any] = list(params)

    def add(self, condition: str, *params: Any) -> Where:
        self.conditions.append(condition)
        self.params.extend(params)
        return self

    def equals(self, column: str, value: str | None) -> Where:
        if value is not None:
            self._text(f"{column} = ?", value)
        return self

    def one_of(self, columns: Iterable[str], value: str | None) -> Where:
        """Any of the columns equal to `value`, ignoring case (a party by abbreviation or by name)."""
        if value is not None:
            names = list(columns)
            self._text("(" + " OR ".join(f"lower({c}) = lower(?)" for c in names) + ")", *[value] * len(names))
        return self

    def days(self, column: str, since: date | None, until: date | None) -> Where:
        """Between two days (YYYY-MM-DD text sorts as the days do), either end open."""
        if since is not None:
            self.add(f"{column} >= ?", since.isoformat())
        if until is not None:
            self.add(f"{column} <= ?", until.isoformat())
        return self

    def text(self, index: TextIndex, dialect: str, typed: str | None) -> Where:
        condition, params = index.condition(dialect, typed)
        if condition:
            self.add(condition, *params)
        return self

    def sql(self) -> str:
        return " AND ".join(self.conditions)

    def _text(self, condition: str, *values: str) -> None:
        # No stored text holds NUL, and PostgreSQL refuses to compare one: such a filter matches nothing.
        if any("\x00" in value for value in values):
            self.add("1 = 0")
        else:
            self.add(condition, *values)


def page(store: Store, columns: str, table: str, where: Where, order: str, offset: int, limit: int,
         counted: tuple[str, Sequence[Any]] | None = None) -> tuple[list[tuple[Any, ...]], int]:
    """The rows of one page in a stable order (`order` must end with a unique column) and how many rows match in
    all, read in one statement (one snapshot). `counted`: a query (and its parameters) giving that number without
    counting the rows, where a read model keeps it; otherwise the matching rows are counted, which costs as much as
    there are matches (never the page's own columns of each: a window count over the page's query did that)."""
    offset = max(0, min(offset, MAX_OFFSET))
    count, count_params = counted or (f"SELECT count(*) FROM {table} WHERE {where.sql()}", where.params)
    rows = store.query(
        f"SELECT {columns}, ({count}) FROM {table} WHERE {where.sql()} ORDER BY {order} LIMIT ? OFFSET ?",
        (*count_params, *where.params, limit, offset),
    )
    if rows:
        return [row[:-1] for row in rows], int(rows[0][-1])
    if offset == 0:
        return [], 0
    return [], int(store.query(count, count_params)[0][0])
