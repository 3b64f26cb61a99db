"""A consultation taken through the SOP script to the commissioner: the steps every escalation starts with; and a
walk-in signing the guest book at the front desk."""

from __future__ import annotations

from uuid import UUID

from domain.values import Channel
from gateways.bootstrap import Node
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk
from tests.support.samples import png


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


def guest_book_signed(node: Node, office: str, who: IdentityInput, desk: str) -> UUID:
    """A walk-in at the front desk: a number taken, called by the desk officer `desk`, the guest book signed (with
    a one-pixel signature); the consultation it opened."""
    node.helpdesk.take_ticket(office)
    number = node.helpdesk.call_next_ticket(office, desk)
    return node.helpdesk.record_guest(office, number, who, png(1), desk, node.files.put)
