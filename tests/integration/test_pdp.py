"""A person's data on request and its retention, on SQLite and PostgreSQL: `helpdesk pdp export` finds everything the
office holds of them (JSON and PDF), `helpdesk pdp erase` leaves nothing of them readable — in the read models, the
event rows and a backup taken before — while another person's data stays and `helpdesk audit verify` passes; the
retention job erases exactly what has expired, on the audit trail, once."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from pypdf import PdfReader

from domain.erasure import Erasure
from domain.personal_data import PLACEHOLDER
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from gateways.config import Settings
from gateways.persistence import connect_postgres, sqlite_dir
from gateways.retention_job import RetentionJob, personal_data_requests
from services.consultations import IdentityInput
from tests.support.samples import png

DESK = "desk.ani"
BASES = [("pkpu", "PKPU 4/2022 Pasal 12")]
SITI = IdentityInput(name="Siti Rahmawati", party_number=1, phone="0812-3456-7890", email="siti.r@partai.example")
BAMBANG = IdentityInput(name="Bambang Wijaya", party_number=2, phone="0813-9876-5432", email="bambang@partai.example")
# What of Siti may never be readable after the erasure: her name, her number in the forms a store could keep, her
# address.
SITI_TRACES = ("Siti Rahmawati", "6281234567890", "81234567890", "siti.r@partai.example")


def cli(settings: Settings, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "HELPDESK_NODE_ID": settings.node_id, "HELPDESK_DATABASE": settings.database,
        "HELPDESK_POSTGRES_SCHEMA": settings.postgres_schema, "HELPDESK_DATA_DIR": settings.data_dir,
        "HELPDESK_NATS_URL": "", **{f"HELPDESK_{key.upper()}": value for key, value in extra.items()},
    }
    return subprocess.run([sys.executable, "-m", "gateways.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def walk_in(node: Node, who: IdentityInput, problem: str) -> UUID:
    """A walk-in from the queue to the closed record: guest book signed, answered, understood, documented."""
    h, office = node.helpdesk, node.settings.node_id
    number = h.take_ticket(office)
    h.call_next_ticket(office, DESK)
    cid = h.record_guest(office, number, who, png(len(problem)), DESK, node.files.put)
    h.record_problem(office, cid, problem, DESK)
    h.restate_problem(office, cid, f"Jadi: {problem}?", DESK)
    h.confirm_problem(office, cid, DESK)
    h.answer_problem(office, cid, "Atur ulang sandi lewat menu Lupa Sandi", BASES, DESK, role=Role.ANGGOTA_HELPDESK)
    h.check_understanding(office, cid, True, DESK)
    h.log_in_report(office, cid, DESK)
    key, digest = node.files.put(png(1000 + len(problem)), "image/png")
    h.attach_documentation(office, cid, "photo", key, digest, DESK)
    h.close_consultation(office, cid, DESK)
    return cid


def by_email(node: Node, who: IdentityInput, problem: str, answered: bool = True) -> UUID:
    h, office = node.helpdesk, node.settings.node_id
    cid = h.open_consultation(office, Channel.EMAIL, who, DESK)
    h.record_problem(office, cid, problem, DESK)
    if answered:
        h.answer_problem(office, cid, "Unggah ulang berkas KTA", BASES, DESK, role=Role.ANGGOTA_HELPDESK)
    return cid


COLUMNS = "originator_id, originator_version, topic, state"


def event_rows(settings: Settings, source: Path | str | None = None) -> list[tuple[str, int, str, bytes]]:
    """(originator id, version, topic, state) of every stored event: from the node's store, or from a backup."""
    if settings.backend == "postgresql":
        if source is not None:
            return _pg_dump_rows(Path(source))
        with connect_postgres(settings.database) as connection:
            rows = connection.execute(
                f"SELECT {COLUMNS} FROM {settings.postgres_schema}.helpdesk_events"
            ).fetchall()
        return [(str(r[0]), int(r[1]), r[2], bytes(r[3])) for r in rows]
    path = Path(source) if source is not None else sqlite_dir(settings) / "helpdesk.sqlite"
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"SELECT {COLUMNS} FROM stored_events").fetchall()
    return [(str(UUID(bytes=r[0]) if isinstance(r[0], bytes) else r[0]), int(r[1]), r[2], bytes(r[3])) for r in rows]


def backup(settings: Settings, folder: Path) -> Path:
    """A backup of the event store as an operator takes it: SQLite's online backup, or pg_dump of the schema."""
    if settings.backend == "postgresql":
        assert shutil.which("pg_dump"), "pg_dump is needed on PATH for the PostgreSQL backup"
        out = folder / "events.sql"
        subprocess.run(["pg_dump", "--dbname", settings.database, "--schema", settings.postgres_schema,
                        "--table", f"{settings.postgres_schema}.helpdesk_events", "--file", str(out)],
                       check=True, timeout=120)
        return out
    out = folder / "helpdesk-backup.sqlite"
    with sqlite3.connect(sqlite_dir(settings) / "helpdesk.sqlite") as source, sqlite3.connect(out) as target:
        source.backup(target)
    return out


def _pg_dump_rows(path: Path) -> list[tuple[str, int, str, bytes]]:
    """The event table's rows in a plain pg_dump file (its COPY block; bytea written as \\x hex)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY ") and "helpdesk_events" in line)
    columns = re.search(r"\((.*)\)", lines[start]).group(1).split(", ")  # type: ignore[union-attr]
    rows = []
    for line in lines[start + 1:]:
        if line == "\\.":
            break
        row = dict(zip(columns, line.split("\t"), strict=True))
        rows.append((row["originator_id"], int(row["originator_version"]), row["topic"],
                     bytes.fromhex(row["state"].removeprefix("\\\\x"))))
    assert rows, "the dump holds no event row"
    return rows


def readable_identities(node: Node, rows: list[tuple[str, int, str, bytes]]) -> list[str]:
    """Every name, phone and e-mail the node can read in these rows with the keys it holds now."""
    found = []
    for originator, version, topic, state in rows:
        event = node.helpdesk.mapper.to_domain_event(
            StoredEvent(originator_id=UUID(originator), originator_version=version, topic=topic, state=state))
        identity = getattr(event, "identity", None)
        if identity is not None:
            found += [identity.name, identity.phone or "", identity.email or ""]
        if hasattr(event, "signature_sha256"):  # a guest-book line
            found += [event.name, event.phone or "", event.email or ""]
    return found


def export_json(settings: Settings, contact: str) -> dict[str, Any]:
    result = cli(settings, "pdp", "export", contact)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_a_person_sees_all_that_is_held_of_them_and_erased_it_is_readable_nowhere(
    backend_settings: Settings, open_node: Callable[[Settings], Node], tmp_path: Path
) -> None:
    settings = backend_settings
    node = open_node(settings)
    # Siti came to the desk, and wrote in by e-mail giving her number another way; Bambang came once too.
    siti_walk_in = walk_in(node, SITI, "Akun SIPOL partai tidak bisa masuk")
    siti_mail = by_email(node, msgspec.structs.replace(SITI, phone="+62 812 3456 7890", email=None),
                         "Berkas KTA ditolak sistem")
    bambang = walk_in(node, BAMBANG, "Lupa nama pengguna SIPOL")
    signature_key = node.frontdesk.guest_of_consultation(settings.node_id, siti_walk_in).signature_key

    # The export by any writing of her number finds both consultations and the guest-book line, with her signature.
    for contact in ("081234567890", "+6281234567890", "6281234567890"):
        held = export_json(settings, contact)
        assert sorted(c["id"] for c in held["consultations"]) == sorted([str(siti_walk_in), str(siti_mail)])
    assert {c["name"] for c in held["consultations"]} == {"Siti Rahmawati"}
    walk = next(c for c in held["consultations"] if c["id"] == str(siti_walk_in))
    assert (walk["problem"], walk["answer"], walk["status"]) == (
        "Akun SIPOL partai tidak bisa masuk", "Atur ulang sandi lewat menu Lupa Sandi", "closed")
    assert walk["phone"] == "+6281234567890" and walk["email"] == "siti.r@partai.example" and walk["opened_at"]
    [line] = held["guest_book"]
    assert (line["name"], line["consultation_id"], line["signature_key"]) == ("Siti Rahmawati", str(siti_walk_in),
                                                                             signature_key)
    assert line["signature_png"]
    # By her e-mail address only the consultation that gave it.
    assert [c["id"] for c in export_json(settings, "Siti.R@partai.example")["consultations"]] == [str(siti_walk_in)]

    # The PDF says the same, under Indonesian headings.
    pdf = tmp_path / "siti.pdf"
    result = cli(settings, "pdp", "export", "0812-3456-7890", "--format", "pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    for words in ("DATA PRIBADI YANG DISIMPAN", "Konsultasi", "Daftar Hadir", "Siti Rahmawati", "0812-3456-7890",
                  "Akun SIPOL partai tidak bisa masuk", "Atur ulang sandi lewat menu Lupa Sandi", "Tatap muka"):
        assert words in text, words
    assert "Bambang" not in text

    # An operator's backup, taken before the erasure.
    saved = backup(settings, tmp_path)

    # Erased on her request: recorded with its reason, and every key of hers destroyed.
    result = cli(settings, "pdp", "erase", "+62 812-3456-7890", "--reason", "Permintaan pemilik data 2026/11",
                 "--by", "ketua.ani")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 konsultasi, 1 daftar hadir, 1 berkas tanda tangan, 0 e-mail asli; 2 kunci dimusnahkan" in result.stdout

    # Nothing of her is found any more, by any contact; Bambang is as he was.
    for contact in ("081234567890", "siti.r@partai.example"):
        assert export_json(settings, contact)["consultations"] == []
    assert [c["name"] for c in export_json(settings, "081398765432")["consultations"]] == ["Bambang Wijaya"]
    assert not node.files.root.joinpath(signature_key).exists()

    # A node opened now reads neither the log nor the backup: her fields are "[dihapus]", Bambang's are there.
    fresh = open_node(settings)
    for rows in (event_rows(settings), event_rows(settings, saved)):
        readable = readable_identities(fresh, rows)
        assert PLACEHOLDER in readable and "Bambang Wijaya" in readable
        assert not [value for value in readable if any(trace in value for trace in SITI_TRACES)]
        raw = b"".join(state for *_, state in rows)
        assert not [trace for trace in SITI_TRACES if trace.encode() in raw]
    consultation = fresh.helpdesk.get_consultation(settings.node_id, siti_walk_in)
    assert consultation.identity.name == PLACEHOLDER
    assert fresh.frontdesk.guest_of_consultation(settings.node_id, siti_walk_in).name == PLACEHOLDER
    assert fresh.frontdesk.guest_of_consultation(settings.node_id, bambang).name == "Bambang Wijaya"

    # The erasure is on the audit trail, without her data, and the chain still verifies.
    fresh.projections.catch_up()
    [(summary,)] = fresh.store.query("SELECT summary FROM rm_audit_chain WHERE type = ?",
                                     ("Erasure.PersonalDataErased",))
    assert "Permintaan pemilik data 2026/11" in summary and "ketua.ani" in summary
    assert not [trace for trace in SITI_TRACES if trace in summary]
    verified = cli(settings, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # A second request finds nothing to erase, and says so.
    again = cli(settings, "pdp", "erase", "081234567890", "--reason", "lagi")
    assert again.returncode == 1 and "Tidak ada data pribadi" in again.stderr


def test_erasure_waits_while_an_answer_is_owed(backend_settings: Settings, open_node: Callable[[Settings], Node]
                                              ) -> None:
    node = open_node(backend_settings)
    # Bambang's e-mail is recorded but not answered yet.
    pending = by_email(node, BAMBANG, "Cara menambah pengurus", answered=False)
    result = cli(backend_settings, "pdp", "erase", "bambang@partai.example", "--reason", "Permintaan pemilik data")
    assert result.returncode == 1
    assert "belum dapat dihapus" in result.stderr and str(pending) in result.stderr
    # Nothing was erased, nothing recorded.
    assert [c["name"] for c in export_json(backend_settings, "bambang@partai.example")["consultations"]] == [
        "Bambang Wijaya"]
    node.projections.catch_up()
    assert node.store.query("SELECT count(*) FROM rm_audit_chain WHERE type LIKE 'Erasure.%'") == [(0,)]
    # A contact that is neither a number nor an address is refused in Indonesian.
    bad = cli(backend_settings, "pdp", "export", "bukan-kontak")
    assert bad.returncode == 1 and "Ditolak" in bad.stderr


def test_the_retention_job_erases_exactly_what_has_expired_once(
    backend_settings: Settings, open_node: Callable[[Settings], Node], clock: Any
) -> None:
    # The stage ended on 31 August 2024; identities are kept 2 years after, signatures 1 year.
    settings = msgspec.structs.replace(backend_settings, election_stage_end="2024-08-31",
                                       retention_consultation_years=2, retention_guest_book_years=1)
    node = open_node(settings)
    old = walk_in(node, SITI, "Akun SIPOL partai tidak bisa masuk")  # 29 July 2024
    clock.now = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
    recent = walk_in(node, BAMBANG, "Lupa nama pengguna SIPOL")  # 2 June 2025: kept until 2 June 2027
    old_signature = node.frontdesk.guest_of_consultation(settings.node_id, old).signature_key
    recent_signature = node.frontdesk.guest_of_consultation(settings.node_id, recent).signature_key
    job = RetentionJob(node)

    def erasures() -> list[tuple[str, str]]:
        node.projections.catch_up()
        return node.store.query("SELECT type, summary FROM rm_audit_chain WHERE type LIKE 'Erasure.%' ORDER BY seq")

    # 1 September 2025: Siti's signature has been kept its year after the stage; her identity has not.
    clock.now = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
    report = job.tick()
    assert report is not None and report.subjects is None
    assert report.signatures is not None and report.signatures.signatures_deleted == 1
    assert not node.files.root.joinpath(old_signature).exists()
    assert node.files.root.joinpath(recent_signature).exists()
    assert node.helpdesk.get_consultation(settings.node_id, old).identity.name == "Siti Rahmawati"
    assert job.tick() is None  # once a day

    # 15 August 2026: two years since her visit, but not since the stage ended: her identity stays. Bambang's
    # signature has had its year since his visit (2 June).
    clock.now = datetime(2026, 8, 15, 2, 0, tzinfo=UTC)
    report = job.tick()
    assert report is not None and report.subjects is None
    assert report.signatures is not None and report.signatures.signatures_deleted == 1
    assert not node.files.root.joinpath(recent_signature).exists()
    assert node.helpdesk.get_consultation(settings.node_id, old).identity.name == "Siti Rahmawati"

    # 1 September 2026: Siti's records have all expired; Bambang's identity has not.
    clock.now = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
    report = job.tick()
    assert report is not None and report.subjects is not None and report.signatures is None
    assert report.subjects.subjects == (str(old),) and report.subjects.keys_destroyed == 1
    assert report.subjects.counts == {"consultation": 1, "guest_book": 1}
    assert node.helpdesk.get_consultation(settings.node_id, old).identity.name == PLACEHOLDER
    assert node.helpdesk.get_consultation(settings.node_id, recent).identity.name == "Bambang Wijaya"
    requests = personal_data_requests(node)
    assert requests.find("081234567890").consultations == []
    assert [c.name for c in requests.find("081398765432").consultations] == ["Bambang Wijaya"]

    # On the audit trail: the rule, the counts and the subject, never her name.
    kinds = [(kind, json.loads(summary)) for kind, summary in erasures()]
    assert [kind for kind, _ in kinds] == ["Erasure.RetentionExpired"] * 3
    shredded = next(s for _, s in kinds if s.get("subjects[0]") == str(old) and s.get("counts.consultation") == "1")
    assert "consultation=2y" in shredded["rule"] and "2024-08-31" in shredded["rule"]
    assert not [v for _, s in kinds for v in s.values() if "Siti" in v or "0812" in v]

    # A second run, the next day or by hand, finds nothing and records nothing.
    clock.now = datetime(2026, 9, 2, 2, 0, tzinfo=UTC)
    report = job.tick()
    assert report is not None and report.subjects is None and report.signatures is None
    assert requests.expire().subjects is None
    assert len(erasures()) == 3
    [(event_id,)] = node.store.query(
        "SELECT event_id FROM rm_audit_chain WHERE type = 'Erasure.RetentionExpired' AND summary LIKE ?",
        (f'%"counts.consultation": "1"%{old}%',))
    erasure = node.helpdesk.repository.get(UUID(event_id.split(":")[0]))
    assert type(erasure) is Erasure and erasure.subjects == (str(old),) and erasure.by == "sistem.retensi"


def test_the_job_runs_in_the_background_when_started(memory_node: Node, clock: Any) -> None:
    from tests.support.waiting import wait_until

    old = walk_in(memory_node, SITI, "Akun SIPOL partai tidak bisa masuk")
    clock.now = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # more than two years later, no stage end set
    job = RetentionJob(memory_node)
    job.start()
    try:
        # It runs at once on start, then waits for the next day.
        wait_until(lambda: job.runs == 1, what="the retention job's first run", limit=60)
    finally:
        job.stop()
    assert job.errors == 0
    assert memory_node.helpdesk.get_consultation(memory_node.settings.node_id, old).identity.name == PLACEHOLDER


def copy_key_store(settings: Settings, folder: Path, restore: bool = False) -> None:
    """Saves the node's key store aside (restore=False) or puts the saved copy back, as an operator would."""
    if settings.backend == "postgresql":
        keys, side = f"{settings.postgres_schema}_keys", f"{settings.postgres_schema}_keys_copy"
        with connect_postgres(settings.database) as connection:
            if not restore:
                connection.execute(f"CREATE SCHEMA {side}")
            for table in ("subject_keys", "subject_lookups"):
                if restore:
                    connection.execute(f"DELETE FROM {keys}.{table}")
                    connection.execute(f"INSERT INTO {keys}.{table} SELECT * FROM {side}.{table}")
                else:
                    connection.execute(f"CREATE TABLE {side}.{table} AS SELECT * FROM {keys}.{table}")
            if restore:
                connection.execute(f"DROP SCHEMA {side} CASCADE")
        return
    live, saved = sqlite_dir(settings) / "subject-keys.sqlite", folder / "subject-keys-copy.sqlite"
    source, target = (saved, live) if restore else (live, saved)
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)


def test_a_key_store_restored_from_before_an_erasure_loses_those_keys_again(
    backend_settings: Settings, open_node: Callable[[Settings], Node], tmp_path: Path
) -> None:
    settings = backend_settings
    node = open_node(settings)
    siti = walk_in(node, SITI, "Akun SIPOL partai tidak bisa masuk")
    walk_in(node, BAMBANG, "Lupa nama pengguna SIPOL")
    # The key store is backed up, then Siti is erased.
    copy_key_store(settings, tmp_path)
    personal_data_requests(node).erase("081234567890", "Permintaan pemilik data", "ketua.ani")
    node.close()
    # The key store is restored from that copy: her key is back, and so is her name.
    copy_key_store(settings, tmp_path, restore=True)
    restored = open_node(settings)
    assert restored.helpdesk.get_consultation(settings.node_id, siti).identity.name == "Siti Rahmawati"
    restored.close()
    # The erasure recorded on the log is applied again; Bambang keeps his key.
    result = cli(settings, "pdp", "reapply")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kunci dimusnahkan lagi" in result.stdout
    fresh = open_node(settings)
    assert fresh.helpdesk.get_consultation(settings.node_id, siti).identity.name == PLACEHOLDER
    readable = readable_identities(fresh, event_rows(settings))
    assert "Bambang Wijaya" in readable and not [v for v in readable if "Siti" in v]
