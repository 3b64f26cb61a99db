"""The SopClock aggregate: each SOP time threshold a consultation's steps reached, recorded once."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate

from domain.sop import Level, Step


def sop_clock_id(consultation_id: UUID) -> UUID:
    """The clock of one consultation, the same wherever it is computed: two watchers find the same clock."""
    return uuid5(NAMESPACE_URL, f"helpdesk-sipol:sop-clock:{consultation_id}")


class DueThreshold(msgspec.Struct, frozen=True, kw_only=True):
    """A level a running step has reached and no SopClock event records yet."""

    consultation_id: UUID
    office_id: str
    step: Step
    level: Level
    moment: datetime
    started_at: datetime
    standard_s: int
    actor_on_duty: str | None


class SopClock(Aggregate):
    """One consultation's reached thresholds. It exists only once a threshold was reached: a consultation
    served in time never has one."""

    class Started(Aggregate.Created):
        consultation_id: UUID
        office_id: str

    class ThresholdReached(Aggregate.Event):
        """A step ran to `level` of its standard at `moment`; the event's timestamp is when it was noticed."""

        consultation_id: UUID
        office_id: str
        step: Step
        level: Level
        moment: datetime
        started_at: datetime
        standard_s: int
        actor_on_duty: str | None

        def apply(self, aggregate: SopClock) -> None:
            aggregate.reached.add((self.step, self.level))

    def __init__(self, consultation_id: UUID, office_id: str) -> None:
        self.consultation_id = consultation_id
        self.office_id = office_id
        self.reached: set[tuple[Step, Level]] = set()

    @classmethod
    def record_first(
        cls,
        *,
        consultation_id: UUID,
        office_id: str,
        step: Step,
        level: Level,
        moment: datetime,
        started_at: datetime,
        standard_s: int,
        actor_on_duty: str | None,
        at: datetime,
    ) -> SopClock:
        """Starts the clock with the first threshold a consultation reached."""
        clock = cls._create(
            cls.Started,
            id=sop_clock_id(consultation_id),
            timestamp=at,
            consultation_id=consultation_id,
            office_id=office_id,
        )
        clock.record_threshold(step, level, moment, started_at, standard_s, actor_on_duty, at)
        return clock

    def record_threshold(
        self,
        step: Step,
        level: Level,
        moment: datetime,
        started_at: datetime,
        standard_s: int,
        actor_on_duty: str | None,
        at: datetime,
    ) -> None:
        """Records that `step` reached `level`; a second record of the same pair changes nothing, because
        two watchers may notice the same moment."""
        step, level = Step(step), Level(level)
        if (step, level) in self.reached:
            return
        self.trigger_event(
            self.ThresholdReached,
            timestamp=at,
            consultation_id=self.consultation_id,
            office_id=self.office_id,
            step=step,
            level=level,
            moment=moment,
            started_at=started_at,
            standard_s=standard_s,
            actor_on_duty=actor_on_duty,
        )

    def has_reached(self, step: Step, level: Level) -> bool:
        return (Step(step), Level(level)) in self.reached
