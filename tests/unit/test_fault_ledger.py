"""The fault runs' verdict (tests/faults/ledger.py) names each way exactly-once can fail."""

from __future__ import annotations

from uuid import uuid4

from tests.faults.ledger import Ledger

A, B, C = uuid4(), uuid4(), uuid4()


def test_the_same_escalations_in_the_same_order_with_receipts_pass() -> None:
    assert Ledger([A, B, C], [A, B, C], []).problems() == []


def test_a_case_opened_twice_is_named() -> None:
    ledger = Ledger([A, B], [A, B, B], [])
    assert ledger.duplicates == 1 and ledger.problems() == ["1 case(s) opened twice at the province"]


def test_a_lost_escalation_is_named() -> None:
    assert Ledger([A, B, C], [A, C], []).problems()[0].startswith("1 escalation(s) never arrived")


def test_a_case_the_regency_never_sent_is_named() -> None:
    assert Ledger([A], [A, B], []).problems() == ["1 case(s) the regency never sent"]


def test_the_origin_order_broken_is_named() -> None:
    assert Ledger([A, B, C], [A, C, B], []).problems() == ["order differs from the regency's from position 1"]


def test_a_receipt_that_never_came_back_is_named() -> None:
    assert Ledger([A, B], [A, B], [B]).problems() == ["1 receipt(s) never came back to the regency"]
