"""`make faults`, the e-mail channel (issue 13): the node SIGKILLed mid-fetch (while it takes the mailbox in, then
while it records what its spool holds, gateways/mail/spool.py) and mid-send, the IMAP server restarted
and stopped while the node reads, a folder's UIDVALIDITY reset, a held mail moved from spam to the inbox and one mail
in both folders. Each run ends in exact counts read from the node's own record once it has stopped: N mails → N
consultations (the spam held, none recorded twice), N acknowledgements and N answers recorded sent once and as many
distinct Message-IDs in the liaison's mailbox, each threaded under its own question.

The office runs as `helpdesk serve` (SQLite; the mid-fetch run also on PostgreSQL) reading a Dovecot of the test
every second and sending to an SMTP sink of the test that delivers into the same Dovecot. Every wait ends on what it
waits for — how far the node has read (its checkpoints against the folders' UIDs) or what it has sent — never on a
guessed number of seconds.
"""

from __future__ import annotations

import email
import email.policy
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from gateways.mail.imap import FETCH_CHUNK
from tests.faults.conftest import ROUNDS
from tests.support.mail_load import (
    LIAISON,
    MailLedger,
    MailNode,
    Probe,
    fill,
    message_ids,
    questions,
    read_ledger,
    recorded_mails,
)
from tests.support.mailservers import Dovecot, SmtpSink
from tests.support.schemas import drop_schema
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.faults]
PER_ROUND = 30  # mails read between two faults
# Mails left after the last kill's threshold: four FETCH chunks, so the node is still reading when the kill comes,
# however fast it records a chunk.
TAIL = 4 * FETCH_CHUNK
SENT_PER_ROUND = 20  # mails (acknowledgements, then answers) delivered between two kills
JUNK = 5  # mails in the spam folder: held for the desk, never a consultation
PASSWORD = "sandi-uji-surel-2024"
SPAMMER = "promo@iklan.example"
Make = Callable[..., MailNode]


@pytest.fixture
def mail_node(tmp_path: Path, dovecot: Dovecot) -> Iterator[Make]:
    """Makes the office's node (not started) on a database; stopped, and its PostgreSQL schema dropped, at the end."""
    made: list[MailNode] = []

    def make(database: str, smtp_port: int) -> MailNode:
        made.append(MailNode(tmp_path, dovecot, smtp_port, database=database, poll_seconds=1))
        return made[-1]

    yield make
    for node in made:
        node.stop()
        if node.settings.backend == "postgresql":
            drop_schema(node.settings)


def _inbox_read(probe: Probe) -> int:
    state = probe.folders().get("INBOX")
    return state.last_uid if state else 0


def _read_through(node: MailNode, probe: Probe, dovecot: Dovecot, mails: int) -> None:
    """Waits until the node has handed on every message of both folders (under their UIDVALIDITY now) and its mail
    read model holds at least `mails`, however slowly, as long as it moves."""
    wait_until(lambda: probe.read_through(dovecot) and probe.mails() >= mails,
               what=f"the node reading both folders through ({mails} mails)", progress=probe.progress, poll=0.2,
               detail=lambda: f"{probe.progress()}\n--- node log ---\n{node.log_tail()}")


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_node_killed_mid_fetch(request: pytest.FixtureRequest, database: str, dovecot: Dovecot,
                                   smtp_sink: SmtpSink, mail_node: Make) -> None:
    total = ROUNDS * PER_ROUND + TAIL
    asked = questions(total)
    fill(dovecot, "helpdesk", "INBOX", asked)
    fill(dovecot, "helpdesk", "Junk", questions(JUNK, tag="spam", sender=SPAMMER))
    node = mail_node(request.getfixturevalue("postgres_url") if database == "postgres" else "sqlite", smtp_sink.port)
    node.start()
    probe = Probe(node.settings)
    chance = random.Random(11)
    # At each kill: the checkpoint, the mails taken in and not yet recorded, the mails recorded.
    killed_at: list[tuple[int, int, int]] = []
    try:
        for n in range(ROUNDS):
            if n == 0:  # while the first round takes the mailbox in, if the kill is quick enough
                wait_until(lambda: _inbox_read(probe) > 0, what="the first chunk taken in", poll=0.005,
                           progress=lambda: _inbox_read(probe), detail=node.log_tail)
            else:  # while the spool is recorded, a chunk at a time
                wait_until(lambda n=n: probe.mails() >= n * PER_ROUND,  # type: ignore[misc]
                           what=f"{n * PER_ROUND} mails recorded", progress=probe.progress, poll=0.01,
                           detail=node.log_tail)
                time.sleep(chance.uniform(0, 0.05))  # at no chosen step of recording a chunk
            node.kill()
            # A mail recorded but still in the spool is read again on restart, and must be recognised.
            killed_at.append((_inbox_read(probe), probe.held(), recorded_mails(node.settings)))
            node.start()
        _read_through(node, probe, dovecot, total + JUNK)
        _acknowledged(node, probe, total)
        assert probe.held() == 0
    finally:
        probe.close()
    node.stop()
    ledger = read_ledger(node.settings)
    print(f"\nmid-fetch ({database}): {total} + {JUNK} spam, killed at (checkpoint, held, recorded) {killed_at};"
          f" {ledger.summary()}")
    assert node.kills == ROUNDS and all(mails < total for _, _, mails in killed_at), killed_at  # mid-read
    assert sum(held > 0 for _, held, _ in killed_at) >= ROUNDS - 1, killed_at  # mails waited in the spool
    assert ledger.email_consultations == ledger.opened_consultations == total, ledger.summary()
    assert ledger.mails == ledger.distinct_mails == ledger.distinct_message_ids == total + JUNK, ledger.summary()
    assert ledger.dispositions == Counter(opened=total, held=JUNK), ledger.summary()
    _acknowledged_once(ledger, dovecot, asked, node.kills)


def _acknowledged(node: MailNode, probe: Probe, opened: int) -> None:
    """Waits until the node has recorded as many mails sent as mails opened consultations (their acknowledgements)."""
    wait_until(lambda: probe.sent() >= opened, what=f"{opened} acknowledgements recorded sent", poll=0.2,
               progress=probe.sent, detail=node.log_tail)


def _replied_to(raws: list[bytes]) -> list[str]:
    return [str(email.message_from_bytes(raw, policy=email.policy.default)["In-Reply-To"]) for raw in raws]


def _acknowledged_once(ledger: MailLedger, dovecot: Dovecot, asked: list[bytes], faults: int) -> None:
    """Each question that opened a consultation acknowledged once on the record, threaded under it, and nothing else
    sent; in the liaison's mailbox the same Message-IDs, a copy twice only where a fault fell between the SMTP
    server's taking it and the copy in Sent (at most once a fault)."""
    assert ledger.sent_causes == Counter(acknowledgement=len(asked)), ledger.summary()
    assert ledger.sent == ledger.distinct_sent == ledger.outbox_rows == ledger.outbox_sent == len(asked), \
        ledger.summary()
    arrived = dovecot.messages("liaison", "INBOX")
    assert set(message_ids(arrived)) == ledger.sent_message_ids
    assert 0 <= len(arrived) - len(asked) <= faults, (len(arrived), len(asked), faults)
    assert sorted(set(_replied_to(arrived))) == sorted(message_ids(asked))


def _answer_all(node: MailNode, expected: int) -> list[str]:
    """The desk answers every e-mail consultation over the API; their ids."""
    with httpx.Client(base_url=node.url, timeout=60) as http:
        login = http.post("/api/auth/login", json={"username": "desk", "password": PASSWORD})
        assert login.is_success, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"

        def listed(offset: int) -> dict:
            page = http.get("/api/consultations", params={"channel": "email", "offset": offset, "limit": 200})
            assert page.status_code == 200, page.text
            return page.json()

        wait_until(lambda: listed(0)["total"] >= expected, what=f"{expected} e-mail consultations listed",
                   progress=lambda: listed(0)["total"], poll=0.2)
        ids: list[str] = []
        while len(ids) < expected:
            ids.extend(item["id"] for item in listed(len(ids))["items"])
        for cid in ids:
            answered = http.post(f"/api/consultations/{cid}/answer", json={
                "text": "Unggah ulang dalam format PDF paling besar 2 MB.",
                "bases": [{"kind": "pkpu", "reference": "PKPU 4/2022 Pasal 10"}]})
            assert answered.status_code == 200, answered.text
    assert len(ids) == len(set(ids)) == expected
    return ids


def test_the_node_killed_mid_send(dovecot: Dovecot, mail_node: Make) -> None:
    total = (ROUNDS + 1) * SENT_PER_ROUND // 2  # questions: an acknowledgement and an answer each
    mails = 2 * total
    asked = questions(total)
    fill(dovecot, "helpdesk", "INBOX", asked)
    # The SMTP server is not up yet: every acknowledgement and answer waits in the outbox until all answers are given,
    # then they drain, the acknowledgements first (the kills fall among both).
    sink = SmtpSink(dovecot)
    node = mail_node("sqlite", sink.port)
    node.add_user("desk", "anggota_helpdesk", PASSWORD)
    node.start()
    probe = Probe(node.settings)
    chance = random.Random(13)
    started, killed_after = False, []  # the sink's count at each kill
    try:
        _read_through(node, probe, dovecot, total)
        _answer_all(node, total)
        assert sink.messages() == []
        sink.start()
        started = True
        for n in range(ROUNDS):
            wait_until(lambda n=n: len(sink.messages()) >= (n + 1) * SENT_PER_ROUND,  # type: ignore[misc]
                       what=f"{(n + 1) * SENT_PER_ROUND} mails delivered", progress=lambda: len(sink.messages()),
                       poll=0.01, detail=node.log_tail)
            time.sleep(chance.uniform(0, 0.2))  # mid-send, at no chosen step of it
            node.kill()
            killed_after.append(len(sink.messages()))
            node.start()
        wait_until(lambda: probe.sent() >= mails, what=f"{mails} mails recorded sent", poll=0.2,
                   progress=lambda: (probe.sent(), len(sink.messages())), detail=node.log_tail)
    finally:
        probe.close()
        node.stop()
        if started:
            sink.stop()
    ledger = read_ledger(node.settings)
    deliveries = sink.messages()
    arrived = dovecot.messages("liaison", "INBOX")
    delivered_ids = message_ids(arrived)
    copies = message_ids(dovecot.messages("helpdesk", "Sent"))
    repeated = {i: c for i, c in Counter(delivered_ids).items() if c > 1}
    print(f"\nmid-send: {total} acknowledgements and answers, {node.kills} kills (after {killed_after} deliveries); "
          f"{len(deliveries)} deliveries at the sink, "
          f"{len(arrived)} in the liaison's INBOX ({len(set(delivered_ids))} Message-IDs, sent twice: {repeated}), "
          f"{len(copies)} copies in Sent; {ledger.summary()}")
    assert all(0 < count < mails for count in killed_after), killed_after  # every kill while the outbox drained
    assert ledger.sent == ledger.distinct_sent == mails, ledger.summary()
    assert ledger.sent_causes == Counter(acknowledgement=total, answer=total), ledger.summary()
    assert ledger.outbox_rows == ledger.outbox_sent == mails, ledger.summary()
    assert len(set(delivered_ids)) == mails and set(delivered_ids) == ledger.sent_message_ids
    assert set(copies) == ledger.sent_message_ids
    # What the liaison's mailbox holds is what was delivered. The sink's own list may miss one: a kill that cuts the
    # SMTP session while the sink is delivering makes aiosmtpd cancel its handler after the mail reached Dovecot.
    assert len(deliveries) <= len(arrived) and all(d.rcpt_tos == (LIAISON,) for d in deliveries)
    # Sent twice only when a kill fell between the SMTP server's taking it and the copy in Sent: at most once a kill.
    assert 0 <= len(arrived) - mails <= node.kills and sum(c - 1 for c in repeated.values()) == len(arrived) - mails
    # Each question has its acknowledgement and its answer, each once, threaded under it.
    threaded = dict(zip(delivered_ids, _replied_to(arrived), strict=True))
    assert sorted((question, ledger.cause_of[sent]) for sent, question in threaded.items()) == sorted(
        (question, cause) for question in message_ids(asked) for cause in ("acknowledgement", "answer"))


def test_the_imap_server_restarted_and_stopped_while_reading(dovecot: Dovecot, smtp_sink: SmtpSink,
                                                             mail_node: Make) -> None:
    total = ROUNDS * PER_ROUND + TAIL
    asked = questions(total)
    fill(dovecot, "helpdesk", "INBOX", asked)
    fill(dovecot, "helpdesk", "Junk", questions(JUNK, tag="spam", sender=SPAMMER))
    node = mail_node("sqlite", smtp_sink.port)
    node.start()
    probe = Probe(node.settings)
    outages: list[str] = []
    try:
        for n in range(ROUNDS):
            wait_until(lambda n=n: _inbox_read(probe) >= (n + 1) * PER_ROUND,  # type: ignore[misc]
                       what=f"{(n + 1) * PER_ROUND} mails read", progress=lambda: _inbox_read(probe), poll=0.01,
                       detail=node.log_tail)
            if n % 2 == 1:
                dovecot.restart()  # mid-fetch: the node's connection is cut
                continue
            before = probe.folders()["*"].failed_at if "*" in probe.folders() else None
            dovecot.stop()
            # The node, trying again, records the mailbox refusing it (the mailbox page's alert reads this) before the
            # server comes back. (The connection it was reading on when the server stopped may be recorded first.)
            failure = wait_until(lambda b=before: (s := probe.folders().get("*")) and s.failed_at != b and
                                 "ConnectionRefused" in (s.failure or "") and s,
                                 what="the node recording the mailbox unreachable", detail=node.log_tail)
            outages.append(failure.failure or "")
            dovecot.start()
        late = questions(PER_ROUND, tag="late")  # arriving after the last outage
        fill(dovecot, "helpdesk", "INBOX", late)
        asked += late
        _read_through(node, probe, dovecot, total + PER_ROUND + JUNK)
        _acknowledged(node, probe, total + PER_ROUND)
        # Both folders read since the last failure: the mailbox page shows the alert over.
        folders = wait_until(lambda: (f := probe.folders()) and all(
            f[name].read_at and f[name].read_at > (f["*"].failed_at or "") for name in ("INBOX", "Junk")) and f,
            what="both folders read after the last failure", detail=lambda: str(probe.folders()))
    finally:
        probe.close()
    node.stop()
    ledger = read_ledger(node.settings)
    print(f"\nIMAP restarted/stopped: {ROUNDS} faults, failures recorded {outages}; {ledger.summary()}")
    assert len(outages) == (ROUNDS + 1) // 2 and all("ConnectionRefused" in text for text in outages), outages
    assert folders["*"].failure and folders["*"].failed_at, folders
    assert ledger.email_consultations == ledger.opened_consultations == total + PER_ROUND, ledger.summary()
    assert ledger.mails == ledger.distinct_mails == total + PER_ROUND + JUNK, ledger.summary()
    assert ledger.dispositions == Counter(opened=total + PER_ROUND, held=JUNK), ledger.summary()
    _acknowledged_once(ledger, dovecot, asked, ROUNDS)  # each restart or stop of the server a fault


def test_uidvalidity_reset_a_mail_moved_from_spam_and_one_mail_in_both_folders(dovecot: Dovecot,
                                                                               smtp_sink: SmtpSink,
                                                                               mail_node: Make) -> None:
    both = questions(3, tag="both")  # in both folders before the first read: the inbox's copy is read first
    asked = questions(PER_ROUND) + both  # every mail that opens a consultation
    fill(dovecot, "helpdesk", "INBOX", asked)
    spam_uids = fill(dovecot, "helpdesk", "Junk", questions(ROUNDS + JUNK, tag="spam", sender=SPAMMER) + both)
    opened, held = PER_ROUND + len(both), ROUNDS + JUNK
    node = mail_node("sqlite", smtp_sink.port)
    node.start()
    probe = Probe(node.settings)
    rounds: list[tuple[int, int]] = []

    def settled() -> None:
        _read_through(node, probe, dovecot, opened + held)
        node_counts = (probe.mails(), int(probe.store.query("SELECT COUNT(*) FROM rm_mail WHERE waiting = 1")[0][0]))
        rounds.append(node_counts)
        assert node_counts == (opened + held, held), (rounds, node.log_tail())

    try:
        settled()
        # Held first, then the same mail in the inbox: still the one held mail.
        late = questions(1, tag="held-first", sender=SPAMMER)
        fill(dovecot, "helpdesk", "Junk", late)
        held += 1
        settled()
        fill(dovecot, "helpdesk", "INBOX", late)
        settled()
        for n in range(ROUNDS):
            # Renumbered (the server lost its index); in the last round only a new UIDVALIDITY, the UIDs kept (last:
            # Dovecot's next renumbering would hand out the UIDVALIDITY doveadm set by hand once more).
            dovecot.reset_uidvalidity("helpdesk", "INBOX", renumber=n < ROUNDS - 1)
            if n % 3 == 2:
                dovecot.reset_uidvalidity("helpdesk", "Junk", renumber=False)  # the spam UIDs stay for move()
            dovecot.move("helpdesk", spam_uids[n], "Junk", "INBOX")  # the desk's mail program moves one held mail
            fresh = questions(3, tag=f"r{n}")
            fill(dovecot, "helpdesk", "INBOX", fresh)
            asked += fresh
            opened += 3
            settled()
        _acknowledged(node, probe, opened)
    finally:
        probe.close()
    node.stop()
    ledger = read_ledger(node.settings)
    print(f"\nUIDVALIDITY/move/both folders: {ROUNDS} resets and moves, (mails, held) per round {rounds}; "
          f"{ledger.summary()}")
    assert ledger.email_consultations == ledger.opened_consultations == opened, ledger.summary()
    assert ledger.mails == ledger.distinct_mails == ledger.distinct_message_ids == opened + held, ledger.summary()
    assert ledger.dispositions == Counter(opened=opened, held=held), ledger.summary()
    # Each reset renumbering the inbox stops the server (the last only sets a new UIDVALIDITY): a fault for sending.
    _acknowledged_once(ledger, dovecot, asked, ROUNDS)
