"""An office's history for P9, made fast: consultations at a steady rate going back from now, each walked through the
SOP script by the same domain calls the services make, a batch of aggregates saved in one transaction (as
bench/escalations.py does) with its consultees' keys made together (services/mail_chunk.py `sealed_save`).

Consultation n (0 the newest) opens about n × 48 minutes before now (30 a day, round the clock, jittered), so every
size of log holds the same day's worth for the day-bound pages (the dashboard's today and 14 days, /laporan's day and
week): only the history behind them grows. Each one's plan is a list of timed steps; only the steps already past at
`now` are taken, so the newest consultations are under way (and a few wait in the commissioner's inbox or at the
province) while everything older than a few days is closed, as in an office that keeps up. Of every 100: 4 go to the
commissioner and up to the province, answered from there a day or two later; 10 go to the commissioner, who answers
within hours (half of them after the FAQ showed entries that did not fit); the rest the desk answers, six in ten
citing one of the office's twelve FAQ Sipol entries. Walk-in and online meetings restate, confirm, ask "was it
understood?" (one in ten repeated) and attach a photo before closing; e-mail and messaging go straight to the answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from domain.casefile import Answer
from domain.consultation import Consultation
from domain.faq_values import Citation, FaqSearch
from domain.offices import OfficeId
from domain.roles import Role
from domain.script import script_of
from domain.values import Basis, BasisKind, Channel, Documentation, DocumentationKind, make_identity
from services.faq import FaqInput
from services.helpdesk import Helpdesk
from services.mail_chunk import sealed_save
from tests.support.samples import png

PER_DAY = 30
GAP = timedelta(days=1) / PER_DAY
PASSWORD = "bench-sandi-rahasia-123"
# The office's staff: whoever serves the desk, the commissioner, and the readers P9 logs in as (username, role).
DESK = ("meja.ani", "meja.budi", "meja.citra", "meja.dodi")
COMMISSIONER = "komisioner.eka"
READERS = {
    "koordinator": Role.KOORDINATOR, "anggota": Role.ANGGOTA_KPU, "ketua": Role.KETUA_HELPDESK,
    "sekretaris": Role.SEKRETARIS_HELPDESK,
}
STAFF = {**{name: Role.ANGGOTA_HELPDESK for name in DESK}, COMMISSIONER: Role.ANGGOTA_KPU, **READERS}
FIRST = ("Siti", "Budi", "Rahmat", "Dewi", "Agus", "Nur", "Wahyu", "Ratna")
LAST = ("Aminah", "Santoso", "Hidayat", "Lestari", "Salim", "Aini", "Pratama", "Kusuma", "Saputra", "Wulandari")
PROBLEMS = (
    "Akun SIPOL operator {n} terkunci setelah salah kata sandi",
    "Unggah KTA anggota gagal, berkas {n} ditolak sistem",
    "Data kepengurusan tingkat kecamatan tidak tersimpan (tiket {n})",
    "Status keanggotaan ganda dengan partai lain untuk NIK nomor {n}",
    "Cara mengganti admin SIPOL partai, permohonan {n}",
    "Domisili kantor tidak sesuai dengan surat keterangan, berkas {n}",
)
BASES = (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 12"), Basis(BasisKind.FAQ_SIPOL, "FAQ SIPOL no. 7"))
CHANNELS = (Channel.WALK_IN,) * 8 + (Channel.MESSAGING,) * 5 + (Channel.EMAIL,) * 4 + (Channel.ONLINE_MEETING,) * 3
FAQ_ENTRIES = 12
Step = Callable[[Consultation, datetime], None]


@dataclass(frozen=True)
class Office:
    """What every consultation of the history refers to: the office above, the photo kept, the FAQ entries cited."""

    parent: str
    photo: Documentation
    cited: tuple[tuple[Basis, ...], ...]  # the bases of an answer citing each entry (services/faq.py faq_citations)
    shown: tuple[Citation, ...]  # what the FAQ showed for a problem it did not answer


@dataclass
class Plan:
    """One consultation: when it opens, who comes, and its steps (minutes after the opening, the domain call)."""

    n: int
    opened_at: datetime
    channel: Channel
    desk: str
    steps: list[tuple[float, Step]]

    def events_by(self, now: datetime) -> int:
        """How many events it has made by `now` (one per step taken, and the opening)."""
        return 1 + sum(1 for minutes, _ in self.steps if self.opened_at + timedelta(minutes=minutes) <= now)


def plan(n: int, now: datetime, office: Office) -> Plan:
    rng = random.Random(n)
    opened_at = now - (n + 0.2 + 0.6 * rng.random()) * GAP
    channel = CHANNELS[rng.randrange(len(CHANNELS))]
    script = script_of(channel)
    desk = DESK[rng.randrange(len(DESK))]
    steps: list[tuple[float, Step]] = []
    clock = [0.0]

    def then(minutes: float, step: Step) -> None:
        clock[0] += minutes
        steps.append((clock[0], step))

    problem = PROBLEMS[n % len(PROBLEMS)].format(n=n)
    then(2 + 3 * rng.random(), lambda c, at: c.record_problem(problem, desk, at))
    if script.restatement_required:
        then(2 + 2 * rng.random(), lambda c, at: c.restate_problem(f"Jadi, {problem.lower()}?", desk, at))
        then(1 + rng.random(), lambda c, at: c.confirm_problem(desk, at))
    route = rng.randrange(100)
    parent = office.parent
    if route < 14:
        shown = FaqSearch(office.shown if route % 2 else ())
        then(3 + 5 * rng.random(), lambda c, at: c.hand_to_commissioner("Belum ada di FAQ Sipol.", desk, at, shown))
        if route < 4:
            then(30 + 90 * rng.random(), lambda c, at: c.forward_up(parent, f"Mohon arahan ({n}).", COMMISSIONER, at))
            then(24 * 60 + 24 * 60 * rng.random(), lambda c, at: c.receive_answer(
                Answer(f"Arahan KPU Provinsi ({n})", BASES, parent, "ketua.prov", at), at))
        else:
            then(60 + 180 * rng.random(), lambda c, at: c.answer_problem(
                f"Jawaban komisioner ({n})", BASES, COMMISSIONER, at))
    else:
        bases = office.cited[rng.randrange(len(office.cited))] + BASES if rng.random() < 0.6 else BASES
        then(4 + 8 * rng.random(), lambda c, at: c.answer_problem(f"Langkahnya sebagai berikut ({n})", bases, desk, at))
    if script.understanding_required:
        if rng.random() < 0.1:
            then(1 + 2 * rng.random(), lambda c, at: c.check_understanding(False, desk, at))
            then(2 + 3 * rng.random(), lambda c, at: c.repeat_answer(None, desk, at))
        then(1 + 2 * rng.random(), lambda c, at: c.check_understanding(True, desk, at))
    then(2 + 5 * rng.random(), lambda c, at: c.log_in_report(desk, at))
    if script.documentation_required:
        then(1 + rng.random(), lambda c, at: c.attach_documentation(office.photo, desk, at))
    then(1 + 3 * rng.random(), lambda c, at: c.close_consultation(desk, at))
    return Plan(n, opened_at, channel, desk, steps)


def how_many(wanted: int, now: datetime, office: Office) -> int:
    """How many of the newest consultations, going back from `now`, make `wanted` events by then."""
    count = events = 0
    while events < wanted:
        events += plan(count, now, office).events_by(now)
        count += 1
    return count


def consultation(p: Plan, office: str, helpdesk: Helpdesk, now: datetime) -> Consultation:
    rng = random.Random(-p.n - 1)
    name = f"{FIRST[rng.randrange(len(FIRST))]} {LAST[rng.randrange(len(LAST))]}"
    party = helpdesk.parties.resolve(1 + rng.randrange(17), None)
    identity = make_identity(name, party, f"0812{p.n:08d}", f"penghubung{p.n}@partai.example")
    c = Consultation.open(id=uuid4(), office_id=office, channel=p.channel, identity=identity, actor=p.desk,
                          at=p.opened_at)
    for minutes, step in p.steps:
        at = p.opened_at + timedelta(minutes=minutes)
        if at > now:
            break
        step(c, at)
    return c


class SettableClock:
    """The node's clock while its history is made: at each moment the history says."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def set_up(helpdesk: Helpdesk, office_id: str, clock: SettableClock, at: datetime) -> tuple[Citation, ...]:
    """The office as it was the day before its first consultation: its staff's accounts, and its FAQ Sipol entries
    drafted and published by the Ketua; returns the entries (each at the version now citable)."""
    clock.now = at
    users = {username: helpdesk.register_user(username, f"Petugas {username.title()}", role, office_id, PASSWORD,
                                              "admin") for username, role in STAFF.items()}
    ketua = helpdesk.get_user(users["ketua"])
    entries = []
    for n in range(FAQ_ENTRIES):
        problem = PROBLEMS[n % len(PROBLEMS)].format(n=n)
        entry = helpdesk.draft_faq(ketua, FaqInput(question=f"Bagaimana jika: {problem.lower()}?",
                                                   answer=f"Ikuti langkah berikut ({n}).", topics=["account"],
                                                   bases=[("pkpu", "PKPU 4/2022 Pasal 12")]))
        helpdesk.publish_faq(ketua, entry)
        entries.append(entry)
    return tuple(Citation(basis.entry_id, basis.version)  # type: ignore[arg-type]
                 for basis in helpdesk.faq_citations(office_id, entries))


def fill(helpdesk: Helpdesk, office_id: str, clock: SettableClock, wanted: int, batch: int = 200,
         progress: Callable[[int, int], None] | None = None) -> int:
    """Makes the office's history up to `now` (the clock's moment when called) of about `wanted` events: its staff
    accounts, then the consultations, oldest first (`progress` told how many of how many are made after each batch).
    Returns how many consultations."""
    now = clock.now
    parent = OfficeId(office_id).parent
    assert parent is not None, f"{office_id} has no office above"
    key, digest = helpdesk.stored_files.put(png(0), "image/png")  # type: ignore[attr-defined]
    photo = Documentation(DocumentationKind.PHOTO, key, digest)
    # How far back the history goes does not depend on the entries cited: counted with stand-ins, made with the real.
    stand_in = Office(parent.value, photo, ((BASES[1],),) * FAQ_ENTRIES, ())
    count = how_many(max(0, wanted - len(STAFF) - 2 * FAQ_ENTRIES), now, stand_in)
    oldest = plan(count - 1, now, stand_in).opened_at if count else now
    faq = set_up(helpdesk, office_id, clock, oldest - timedelta(days=1))
    cited = tuple(helpdesk.faq_citations(office_id, [entry.entry_id]) for entry in faq)
    office = Office(parent.value, photo, cited, faq[:3])
    clock.now = now
    # Oldest first, so the log's order is the order of time; the plans are made again (they are deterministic) rather
    # than all held at once.
    for last in range(count, 0, -batch):
        batch_plans = (plan(n, now, office) for n in range(last - 1, max(0, last - batch) - 1, -1))
        # The consultees' keys made in one transaction of the key store for the batch, as a chunk of mails is saved.
        sealed_save(helpdesk, *(consultation(p, office_id, helpdesk, now) for p in batch_plans))
        if progress is not None:
            progress(min(count, count - last + batch), count)
    return count
