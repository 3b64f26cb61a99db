"""A consultation taken through the SOP script to the commissioner: the steps every escalation starts with."""

from __future__ import annotations

from uuid import UUID

from domain.values import Channel
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk


def handed_to_commissioner(helpdesk: Helpdesk, office: str, who: IdentityInput, problem: str, restated: str,
                           reason: str, *, channel: Channel = Channel.EMAIL, desk: str = "desk") -> UUID:
    """Opens a consultation at `office`, records and restates the problem, confirms it and hands it to the
    commissioner with `reason`, each step by the desk officer `desk`."""
    cid = helpdesk.open_consultation(office, channel, who, desk)
    helpdesk.record_problem(office, cid, problem, desk)
    helpdesk.restate_problem(office, cid, restated, desk)
    helpdesk.confirm_problem(office, cid, desk)
    helpdesk.hand_to_commissioner(office, cid, reason, desk)
    return cid
