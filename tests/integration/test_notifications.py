"""Notifications on the real read store (memory, SQLite, PostgreSQL): a handover tells each commissioner once, the
province's answer tells the desk member who handled the consultation, a case tells the province's keepers; what a
later step takes up stops waiting; read marks are each person's own and survive a rebuild of the read model."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.notification_values import Kind
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.notify.words import notice_text
from services.consultations import IdentityInput
from tests.conftest import FakeClock
from tests.support.by_hand import KAB, PROV, deliver
from tests.support.consultations import handed_to_commissioner

PASSWORD = "kuda-lari-cepat-99"
BASES = [("pkpu", "PKPU 4/2022 Pasal 85")]
CONSULTEE = IdentityInput(name="Tono Sukarno", party_number=5, phone="081298765432", email="tono@partai.example")


def staff(node: Node, office: str, *people: tuple[str, Role]) -> dict[str, UUID]:
    return {username: node.accounts.register_user(username, username.title(), role, office, PASSWORD, "admin")
            for username, role in people}


def kinds(node: Node, user_id: UUID) -> list[Kind]:
    return [item.kind for item in node.notify.queries.mine(user_id).items]


def test_a_handover_tells_each_commissioner_once_and_stops_waiting_when_forwarded(
    office: Callable[[str], Node],
) -> None:
    kab = office(KAB)
    people = staff(kab, KAB, ("kpu.satu", Role.ANGGOTA_KPU), ("kpu.dua", Role.ANGGOTA_KPU),
                   ("desk.ani", Role.ANGGOTA_HELPDESK), ("ketua", Role.KETUA_HELPDESK))
    # The desk hands a problem the FAQ does not cover to the commissioner.
    cid = handed_to_commissioner(kab.helpdesk, KAB, CONSULTEE, "Akun terkunci", "Jadi akun terkunci?",
                                 "Tidak ada di FAQ", desk="desk.ani")
    queries = kab.notify.queries
    # Each commissioner has exactly one notification of it; nobody else has any.
    for commissioner in ("kpu.satu", "kpu.dua"):
        page = queries.mine(people[commissioner])
        assert (page.total, page.unread) == (1, 1)
        item = page.items[0]
        assert (item.kind, item.subject_id, item.number) == (Kind.HANDOVER_WAITING, cid, f"HD-{cid.hex[:8]}")
        assert not item.read and not item.settled
        text = notice_text(item.code, item.values)
        assert item.number in text
        assert "Tono" not in text and "0812" not in text and "partai.example" not in text
    assert kinds(kab, people["desk.ani"]) == kinds(kab, people["ketua"]) == []
    # Catching up again records nothing twice.
    kab.projections.catch_up()
    assert queries.mine(people["kpu.satu"]).total == 1
    # One commissioner reads it: only their count drops.
    position = queries.mine(people["kpu.satu"]).items[0].position
    assert queries.mark_read(people["kpu.satu"], position) is not None
    assert queries.mark_read(people["desk.ani"], position) is None  # not theirs to mark
    assert (queries.unread_count(people["kpu.satu"]), queries.unread_count(people["kpu.dua"])) == (0, 1)
    assert queries.waiting(people["kpu.dua"]).waiting_by_kind == {Kind.HANDOVER_WAITING: 1}
    # The commissioner forwards it to the province: it no longer waits, for either of them (read or not).
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan provinsi.", "kpu.satu")
    assert queries.waiting(people["kpu.dua"]).waiting_by_kind == {}
    assert queries.waiting(people["kpu.dua"]).unread == 1
    # A rebuild from zero gives the same notifications and keeps who read what.
    kab.projections.rebuild("notifications")
    assert [(i.position, i.read, i.settled) for i in queries.mine(people["kpu.satu"]).items] == [(position, True, True)]
    assert queries.unread_count(people["kpu.dua"]) == 1


def test_the_provinces_answer_tells_the_desk_member_who_handled_it(office: Callable[[str], Node]) -> None:
    kab, prov = office(KAB), office(PROV)
    at_kab = staff(kab, KAB, ("kpu.kab", Role.ANGGOTA_KPU), ("desk.ani", Role.ANGGOTA_HELPDESK),
                   ("desk.budi", Role.ANGGOTA_HELPDESK), ("harian.kab", Role.KOORDINATOR_HARIAN))
    at_prov = staff(prov, PROV, ("kpu.prov", Role.ANGGOTA_KPU), ("harian.prov", Role.KOORDINATOR_HARIAN),
                    ("desk.prov", Role.ANGGOTA_HELPDESK))
    # Ani hands it over, the regency's commissioner forwards it up, and the province receives the case.
    cid = handed_to_commissioner(kab.helpdesk, KAB, CONSULTEE, "Keanggotaan ganda", "Jadi keanggotaan ganda?",
                                 "Di luar FAQ", desk="desk.ani")
    kab.helpdesk.forward_up(KAB, cid, "Mohon arahan.", "kpu.kab")
    deliver(kab, prov)
    # The province's commissioner and Koordinator Harian are told a case arrived; its desk member is not.
    received = prov.notify.queries.mine(at_prov["kpu.prov"]).items
    assert [i.kind for i in received] == [Kind.CASE_RECEIVED]
    assert received[0].number == f"HD-{cid.hex[:8]}"
    assert kinds(prov, at_prov["harian.prov"]) == [Kind.CASE_RECEIVED]
    assert kinds(prov, at_prov["desk.prov"]) == []
    # The province accepts and answers; the answer comes back down.
    case = received[0].subject_id
    assert case is not None
    prov.helpdesk.accept_case(PROV, case, "desk.prov")
    assert prov.notify.queries.waiting(at_prov["kpu.prov"]).waiting_by_kind == {}
    prov.helpdesk.answer_case(PROV, case, "Unggah surat pengunduran diri.", BASES, "desk.prov")
    deliver(prov, kab)
    # Ani, who handled it, is told the answer came back; Budi is not; the commissioner had only the handover.
    back = kab.notify.queries.mine(at_kab["desk.ani"]).items
    assert [(i.kind, i.subject_id) for i in back] == [(Kind.ANSWER_RETURNED, cid)]
    assert notice_text(back[0].code, back[0].values) == (
        f"Jawaban untuk konsultasi HD-{cid.hex[:8]} (Surat elektronik) telah kembali dari "
        "KPU Provinsi Sumatera Selatan.")
    assert kinds(kab, at_kab["desk.budi"]) == []
    assert kinds(kab, at_kab["kpu.kab"]) == [Kind.HANDOVER_WAITING]
    # Ani tells the consultee and logs it: the answer no longer waits.
    assert kab.notify.queries.waiting(at_kab["desk.ani"]).waiting_by_kind == {Kind.ANSWER_RETURNED: 1}
    kab.helpdesk.check_understanding(KAB, cid, True, "desk.ani")
    assert kab.notify.queries.waiting(at_kab["desk.ani"]).waiting_by_kind == {}


def test_a_step_near_its_time_standard_tells_the_desk_member_serving_it(
    office: Callable[[str], Node], clock: FakeClock,
) -> None:
    kab = office(KAB)
    people = staff(kab, KAB, ("desk.ani", Role.ANGGOTA_HELPDESK), ("desk.budi", Role.ANGGOTA_HELPDESK),
                   ("harian", Role.KOORDINATOR_HARIAN))
    # Ani opens a walk-in consultation and the problem step runs on well past three quarters of its standard.
    cid = kab.helpdesk.open_consultation(KAB, Channel.WALK_IN, CONSULTEE, "desk.ani")
    clock.advance(minutes=60 * 8)
    kab.sop_watcher.tick(force=True)
    near = [i for i in kab.notify.queries.mine(people["desk.ani"]).items if i.kind is Kind.NEAR_BREACH]
    assert [i.subject_id for i in near] == [cid]  # the one step running, once
    assert all(i.values["step"].isdigit() and i.values["channel"] == "walk_in" for i in near)
    assert kinds(kab, people["desk.budi"]) == []
    # Once Ani records the problem, the step moved on: it no longer waits.
    kab.helpdesk.record_problem(KAB, cid, "Akun terkunci", "desk.ani")
    assert Kind.NEAR_BREACH not in kab.notify.queries.waiting(people["desk.ani"]).waiting_by_kind
