"""The one rule of which messages an office applies (domain/routing.py `admit`), on an in-memory record of what it
applied before: the route, the signature, how far ahead of the sender's known position, and a repeat told from a
conflict by the digest of its bytes."""

from __future__ import annotations

import pytest

from domain.offices import OfficeId
from domain.routing import (
    BAD_SIGNATURE,
    MAX_AHEAD,
    MAX_EPOCHS_AHEAD,
    SIGNED,
    UNSIGNED,
    Admission,
    Arrival,
    RouteRejected,
    admit,
)

PROV = OfficeId("prov-16")


class Applied:
    """What the province applied: digests by (sender, epoch, position), and positions tracked before digests."""

    def __init__(self, digests: dict[tuple[str, int, int], str] | None = None, tracked: int = 0) -> None:
        self.digests = digests or {}
        self.before_digests = tracked

    def taken(self, sender: str, epoch: int, seq: int) -> bool:
        in_epoch = [s for (who, e, s) in self.digests if who == sender and e == epoch]
        return seq <= max([*in_epoch, self.before_digests if epoch == 0 else 0])

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        return self.digests.get((sender, epoch, seq))

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        keys = [(e, s) for (who, e, s) in self.digests if who == sender and epoch in (None, e)]
        return max((e for e, _ in keys), default=0), max((s for _, s in keys), default=0)

    def tracked(self, sender: str) -> int:
        return self.before_digests


def up(seq: int = 1, *, seal: str = SIGNED, digest: str = "d1", epoch: int = 0, sender: str = "kab-16.13",
       origin: str = "kab-16.13") -> Arrival:
    """A message from the regency below to the province, about a case that began at the regency."""
    return Arrival(sender, PROV.value, epoch, seq, True, origin, digest, seal)


def refusal(message: Arrival, applied: Applied) -> str:
    with pytest.raises(RouteRejected) as refused:
        admit(PROV, message, applied)
    return refused.value.reason


def test_a_new_signed_message_from_a_child_is_applied() -> None:
    assert admit(PROV, up(), Applied()) is Admission.APPLY


def test_the_route_is_judged_before_the_signature() -> None:
    # An unsigned message from another province's regency is refused for its route, the first thing wrong with it.
    assert refusal(up(seal=UNSIGNED, sender="kab-17.01", origin="kab-17.01"), Applied()) == "not_a_neighbour"
    assert refusal(up(seal=BAD_SIGNATURE), Applied()) == "bad_signature"
    assert refusal(up(seal="something else"), Applied()) == "unsigned"


def test_the_same_bytes_again_are_a_repeat_whatever_their_seal() -> None:
    applied = Applied({("kab-16.13", 0, 1): "d1"})
    assert admit(PROV, up(1, seal=UNSIGNED), applied) is Admission.REPEAT


def test_other_bytes_at_an_applied_position_are_a_conflict_or_unsigned() -> None:
    applied = Applied({("kab-16.13", 0, 1): "d1"})
    assert refusal(up(1, digest="d2"), applied) == "conflict"
    assert refusal(up(1, digest="d2", seal=UNSIGNED), applied) == "unsigned"


def test_a_position_applied_before_digests_were_kept_is_only_a_repeat() -> None:
    assert admit(PROV, up(3, digest="anything"), Applied(tracked=5)) is Admission.REPEAT


def test_a_message_far_beyond_the_senders_reach_is_refused() -> None:
    applied = Applied({("kab-16.13", 0, 10): "d"})
    assert admit(PROV, up(10 + MAX_AHEAD), applied) is Admission.APPLY
    assert refusal(up(11 + MAX_AHEAD), applied) == "position_too_far"
    assert refusal(up(1, epoch=MAX_EPOCHS_AHEAD + 1), applied) == "epoch_too_far"
    assert admit(PROV, up(1, epoch=MAX_EPOCHS_AHEAD), applied) is Admission.APPLY


def test_a_notice_about_the_senders_log_goes_either_way_between_neighbours() -> None:
    def notice(sender: str, to: str) -> Arrival:
        return Arrival(sender, to, 1, 7, None, None, "d", SIGNED)

    assert admit(PROV, notice("kab-16.13", PROV.value), Applied()) is Admission.APPLY  # from below
    assert admit(PROV, notice("pusat", PROV.value), Applied()) is Admission.APPLY  # from above
    assert refusal(notice("prov-17", PROV.value), Applied()) == "not_a_neighbour"
    assert refusal(notice("kab-16", PROV.value), Applied()) == "unknown_office"
    assert refusal(notice("kab-16.13", "prov-17"), Applied()) == "misaddressed"
