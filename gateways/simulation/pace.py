"""The simulated day's clock: the plan's hours run `factor` times faster than the wall clock, from one start every
process of a run shares, so every node's events carry the day's times and any of them maps back to a wall moment."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Pace:
    day_start: datetime  # the plan's first moment (UTC), reached at wall time `wall_start`
    wall_start: float  # time.time() when the day begins
    factor: float  # simulated seconds per wall second

    def now(self) -> datetime:
        """The node's clock (gateways/bootstrap.py's `clock`)."""
        return self.day_start + timedelta(seconds=(time.time() - self.wall_start) * self.factor)

    def wall(self, at: datetime) -> float:
        """The wall moment (time.time()) the day reaches `at`."""
        return self.wall_start + (at - self.day_start).total_seconds() / self.factor

    def wall_seconds(self, minutes: float) -> float:
        return minutes * 60 / self.factor

    def to_json(self) -> dict[str, object]:
        return {"day_start": self.day_start.isoformat(), "wall_start": self.wall_start, "factor": self.factor}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Pace:
        start = datetime.fromisoformat(str(data["day_start"])).astimezone(UTC)
        return cls(start, float(data["wall_start"]), float(data["factor"]))  # type: ignore[arg-type]
