"""Which messages an office applies: from a neighbour, addressed to it, in the right direction, about a case
that began below the sender (up) or below itself (down)."""

from __future__ import annotations

import pytest

from domain.offices import OfficeId
from domain.routing import RouteRejected, check_route, is_within

UP, DOWN = True, False

ACCEPTED = [
    # receiver, sender, to, direction, origin
    ("prov-16", "kab-16.13", "prov-16", UP, "kab-16.13"),  # a regency asks its province
    ("pusat", "prov-16", "pusat", UP, "kab-16.13"),  # the province passes a regency's case to the centre
    ("pusat", "prov-16", "pusat", UP, "prov-16"),  # the province's own consultation
    ("kab-16.13", "prov-16", "kab-16.13", DOWN, "kab-16.13"),  # the province answers the regency
    ("prov-16", "pusat", "prov-16", DOWN, "kab-16.13"),  # the centre answers a case that began in the regency
    ("prov-16", "pusat", "prov-16", DOWN, "prov-16"),
    ("prov-16", "kota-16.71", "prov-16", UP, "kota-16.71"),
]


@pytest.mark.parametrize(("receiver", "sender", "to", "upward", "origin"), ACCEPTED)
def test_a_neighbours_message_in_the_right_direction_is_accepted(
    receiver: str, sender: str, to: str, upward: bool, origin: str
) -> None:
    check_route(OfficeId(receiver), sender, to, upward, origin)  # raises nothing


REJECTED = [
    # Addressed to another office (a wrong subject, or a republished message).
    ("misaddressed", "prov-16", "kab-16.13", "prov-17", UP, "kab-16.13"),
    ("misaddressed", "kab-16.13", "prov-16", "kab-16.14", DOWN, "kab-16.13"),
    # Only the parent and the children speak to an office: no skipping a level, no siblings.
    ("not_a_neighbour", "pusat", "kab-16.13", "pusat", UP, "kab-16.13"),
    ("not_a_neighbour", "kab-16.13", "pusat", "kab-16.13", DOWN, "kab-16.13"),
    ("not_a_neighbour", "prov-16", "kab-17.01", "prov-16", UP, "kab-17.01"),
    ("not_a_neighbour", "prov-16", "prov-17", "prov-16", UP, "prov-17"),
    ("not_a_neighbour", "kab-16.13", "kab-16.14", "kab-16.13", DOWN, "kab-16.13"),
    ("not_a_neighbour", "prov-16", "prov-16", "prov-16", UP, "kab-16.13"),  # itself
    # A child sends only upward messages, a parent only downward ones.
    ("wrong_direction", "prov-16", "kab-16.13", "prov-16", DOWN, "kab-16.13"),
    ("wrong_direction", "kab-16.13", "prov-16", "kab-16.13", UP, "kab-16.13"),
    ("wrong_direction", "prov-16", "pusat", "prov-16", UP, "prov-16"),
    # A case travels up from where it began: the origin lies within the lower office of the hop.
    ("origin_outside_sender", "prov-16", "kab-16.13", "prov-16", UP, "kab-16.14"),
    ("origin_outside_sender", "pusat", "prov-16", "pusat", UP, "kab-17.01"),
    ("origin_outside_sender", "kab-16.13", "prov-16", "kab-16.13", DOWN, "kab-16.14"),
    ("origin_outside_sender", "prov-16", "pusat", "prov-16", DOWN, "prov-17"),
    ("origin_outside_sender", "prov-16", "pusat", "prov-16", DOWN, "pusat"),
    # Names that are no office at all.
    ("unknown_office", "prov-16", "kab-16", "prov-16", UP, "kab-16.13"),
    ("unknown_office", "prov-16", "kab-16.13", "prov-16", UP, "desa-16.13.01"),
    ("unknown_office", "prov-16", "", "prov-16", UP, "kab-16.13"),
    ("unknown_office", "prov-16", "kab-16.13", "prov-16", UP, "kota-16.13"),  # 13 is a kabupaten code
]


@pytest.mark.parametrize(("reason", "receiver", "sender", "to", "upward", "origin"), REJECTED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REJECTED)])
def test_a_message_that_must_not_be_applied_is_rejected_with_its_reason(
    reason: str, receiver: str, sender: str, to: str, upward: bool, origin: str
) -> None:
    with pytest.raises(RouteRejected) as rejected:
        check_route(OfficeId(receiver), sender, to, upward, origin)
    assert rejected.value.reason == reason


def test_an_unknown_office_is_named_before_the_address_is_checked() -> None:
    # A forged sender is the more telling reason for the dead-letter record.
    with pytest.raises(RouteRejected) as rejected:
        check_route(OfficeId("prov-16"), "nobody", "prov-99", True, "kab-16.13")
    assert rejected.value.reason == "unknown_office"


@pytest.mark.parametrize(("office", "ancestor", "within"), [
    ("kab-16.13", "kab-16.13", True),
    ("kab-16.13", "prov-16", True),
    ("kab-16.13", "pusat", True),
    ("prov-16", "pusat", True),
    ("kab-16.13", "prov-17", False),
    ("prov-16", "kab-16.13", False),
    ("pusat", "prov-16", False),
])
def test_is_within(office: str, ancestor: str, within: bool) -> None:
    assert is_within(OfficeId(office), OfficeId(ancestor)) is within


def test_only_the_canonical_spelling_of_an_office_is_accepted() -> None:
    with pytest.raises(RouteRejected) as rejected:
        check_route(OfficeId("prov-16"), "KAB-16.13", "prov-16", True, "kab-16.13")
    assert rejected.value.reason == "unknown_office"
