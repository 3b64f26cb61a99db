"""What every application of a node shares: configuration only from the settings, a clock, safe saves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import Environment

from domain.errors import ConcurrentChange, NotFound
from services.ports import Clock


class NodeApplication(Application[UUID]):
    """An eventsourcing Application configured only by the node's settings (never by os.environ)."""

    env: ClassVar[dict[str, str]] = {"MAPPER_TOPIC": "services.codec:MsgspecMapper"}

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock) -> None:
        self.clock = clock
        # Called in the saving thread after each commit: they wake the relay and the projections.
        self.listeners: list[Callable[[], None]] = []
        super().__init__(env)

    def _notify(self, recordings: list[Any]) -> None:
        if recordings:
            for listener in list(self.listeners):
                listener()

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # The library merges os.environ by default; a node reads its environment once, in its settings.
        return Environment(name, {**type(self).env, **dict(env or {})})

    def _load(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id, projector_func=_project)
        except AggregateNotFoundError:
            raise NotFound() from None

    def _save(self, *aggregates: Aggregate) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            # Another request saved a newer version of the same aggregate first.
            raise ConcurrentChange() from None

    def check_database(self) -> int:
        """Reads the newest notification id: proves the store answers. Raises if it does not."""
        return self.recorder.max_notification_id() or 0


def _project(aggregate: Any, events: Iterable[Any]) -> Any:
    """eventsourcing's project_aggregate without its per-event `assert isinstance(event, CanMutateProtocol)`: a
    runtime-checkable Protocol's isinstance costs more than applying the event, on every load of every command."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
