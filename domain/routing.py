"""Which messages an office accepts: only from its parent or its children, addressed to itself, in the
right direction, about a case that started below the sender."""

from __future__ import annotations

from domain.errors import InvalidOffice
from domain.offices import OfficeId, parse_office_id


class RouteRejected(Exception):
    """A message this office must not apply; `reason` is a stable code for the dead-letter record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_within(office: OfficeId, ancestor: OfficeId) -> bool:
    """True when `office` is `ancestor` or lies below it (kab-16.13 is within prov-16 and pusat)."""
    current: OfficeId | None = office
    while current is not None:
        if current == ancestor:
            return True
        current = current.parent
    return False


def check_route(receiver: OfficeId, sender: str, to: str, upward: bool, origin_office: str) -> None:
    try:
        from_office, origin = parse_office_id(sender), parse_office_id(origin_office)
    except InvalidOffice:
        raise RouteRejected("unknown_office") from None
    # Senders are tracked by their id as written: only the one spelling may pass, or a second spelling of
    # the same office would be a second, untracked sender.
    if from_office.value != sender or origin.value != origin_office:
        raise RouteRejected("unknown_office")
    if to != receiver.value:
        raise RouteRejected("misaddressed")
    from_child = from_office.parent == receiver
    from_parent = receiver.parent == from_office
    if not (from_child or from_parent):
        raise RouteRejected("not_a_neighbour")
    if upward != from_child:
        raise RouteRejected("wrong_direction")
    # A case travels up from where it began: the origin lies within the lower office of the hop.
    lower = from_office if upward else receiver
    if not is_within(origin, lower):
        raise RouteRejected("origin_outside_sender")
