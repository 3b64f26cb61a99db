"""What a party's liaison is told of their consultation through its tracking link (issue 15): each status of the
script (domain/script.py) as one of five stages in plain words. Which stage a status is, is this office's rule; the
page (gateways/web/tracking.py) only words it."""

from __future__ import annotations

from enum import StrEnum

from domain.script import Status


class Stage(StrEnum):
    """Where a consultation stands, as a liaison is told it."""

    RECEIVED = "received"  # opened; the problem may be written down, nobody works on the answer yet
    ANSWERING = "answering"  # the desk restated or confirmed the problem: the answer is being prepared
    WITH_COMMISSIONER = "with_commissioner"  # handed to the office's commissioner (Anggota KPU)
    FORWARDED = "forwarded"  # sent to the office above (the province, or from it the centre), waiting for its answer
    ANSWERED = "answered"  # answered, whatever the desk still records after it (understood, report, closing)


# Each status of the script (domain/script.py) as the liaison's stage; a status missing here fails the unit test.
STAGE_OF: dict[Status, Stage] = {
    Status.OPENED: Stage.RECEIVED,
    Status.PROBLEM_RECORDED: Stage.RECEIVED,
    Status.PROBLEM_RESTATED: Stage.ANSWERING,
    Status.PROBLEM_CONFIRMED: Stage.ANSWERING,
    Status.WITH_COMMISSIONER: Stage.WITH_COMMISSIONER,
    Status.ESCALATED: Stage.FORWARDED,
    Status.CLARIFICATION_REQUESTED: Stage.FORWARDED,
    Status.ANSWERED: Stage.ANSWERED,
    Status.NOT_UNDERSTOOD: Stage.ANSWERED,
    Status.UNDERSTOOD: Stage.ANSWERED,
    Status.LOGGED: Stage.ANSWERED,
    Status.CLOSED: Stage.ANSWERED,
}
