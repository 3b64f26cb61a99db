"""Document numbers on every backend (issue 17): a counter per office and year in the read store, the same document
(kind, period, version) given the same number and date whenever it is printed, a new one the next number, a new year
starting again at 1, many printings at once never sharing or skipping a number, and the numbers kept when the read
models are rebuilt."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from gateways.bootstrap import Node
from services.documents import DocumentKey

DAY = date(2026, 12, 2)
RECAP = DocumentKey("rekapitulasi_harian", DAY, DAY, "v1")


def test_the_same_document_keeps_its_number_and_a_new_one_takes_the_next(node: Node) -> None:
    numbers = node.reports.numbers
    first = numbers.issue(RECAP, DAY)
    assert first.number == "001/HD.SIPOL/1613/XII/2026" and first.issued_on == DAY
    # Printed again days later: the same number, still dated the day it was first printed.
    assert numbers.issue(RECAP, date(2026, 12, 9)) == first
    # Version 2 of the recap, the day's Daftar Hadir, a staff member's daily report: each a document of its own.
    assert numbers.issue(DocumentKey("rekapitulasi_harian", DAY, DAY, "v2"), DAY).number.startswith("002/")
    assert numbers.issue(DocumentKey("daftar_hadir", DAY, DAY), DAY).number.startswith("003/")
    assert numbers.issue(DocumentKey("laporan_harian", DAY, DAY, "petugas:dewi"), DAY).number.startswith("004/")
    # A new year counts from 1 again, in January's Roman numeral.
    january = numbers.issue(DocumentKey("daftar_hadir", date(2027, 1, 4), date(2027, 1, 4)), date(2027, 1, 4))
    assert january.number == "001/HD.SIPOL/1613/I/2027"


def test_printings_at_once_share_no_number_and_skip_none(node: Node) -> None:
    numbers = node.reports.numbers
    keys = [DocumentKey("daftar_hadir", date(2026, 11, day), date(2026, 11, day)) for day in range(1, 21)]
    # Each document asked for twice at the same time: twenty numbers, one per document.
    with ThreadPoolExecutor(max_workers=8) as pool:
        issued = list(pool.map(lambda key: numbers.issue(key, DAY), keys + keys))
    by_key = {}
    for key, got in zip(keys + keys, issued, strict=True):
        assert by_key.setdefault(key, got) == got
    assert sorted(int(got.number.split("/")[0]) for got in by_key.values()) == list(range(1, 21))


def test_the_numbers_outlive_a_rebuild_of_the_read_models(node: Node) -> None:
    numbers = node.reports.numbers
    before = numbers.issue(RECAP, DAY)
    for name in list(node.projections.projections):
        node.projections.rebuild(name)
    assert numbers.issue(RECAP, DAY) == before
    assert numbers.issue(DocumentKey("daftar_hadir", DAY, DAY), DAY).number.startswith("002/")
