"""`helpdesk pdp export|erase|expire`: a person's data on request, and the retention job run by hand (UU 27/2022)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import msgspec

from domain.errors import DomainError
from gateways.cli import exits
from gateways.cli.words import refuse, say, sub_commands
from gateways.config import Settings
from gateways.messages import bilingual

CONTACT_HELP = "nomor telepon (0812…, +62812…, 62812…) atau alamat surel (phone number or e-mail address)"


def add_commands(commands: argparse._SubParsersAction, config_options) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "pdp", help="data pribadi: akses, penghapusan, masa simpan (personal data, UU 27/2022)"
    )
    sub = sub_commands(parser, "pdp_command")
    export = sub.add_parser(
        "export", help="semua data yang disimpan tentang satu orang (everything held about a person)"
    )
    config_options(export)
    export.add_argument("contact", metavar="KONTAK", help=CONTACT_HELP)
    export.add_argument("--format", choices=("json", "pdf"), default="json", help="bawaan: %(default)s")
    export.add_argument("--out", metavar="FILE", help="berkas hasil; bawaan: layar untuk JSON (default: stdout)")
    erase = sub.add_parser("erase", help="hapus data pribadi satu orang atas permintaannya (erase on request)")
    config_options(erase)
    erase.add_argument("contact", metavar="KONTAK", help=CONTACT_HELP)
    erase.add_argument("--reason", required=True, help="alasan penghapusan, dicatat di jejak audit (reason, audited)")
    erase.add_argument("--by", help="nama pengguna yang menghapus; bawaan: pengguna sistem (who erases)")
    expire = sub.add_parser("expire", help="hapus data yang masa simpannya habis sekarang (run the retention job)")
    config_options(expire)
    reapply = sub.add_parser(
        "reapply", help="musnahkan lagi kunci setiap penghapusan yang tercatat, setelah penyimpanan kunci dipulihkan"
        " dari cadangan (after restoring the key store: destroy again every key an erasure on the log names)"
    )
    config_options(reapply)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from gateways.bootstrap import build_node
    from gateways.retention_job import personal_data_requests

    node = build_node(settings)
    try:
        requests = personal_data_requests(node)
        try:
            if args.pdp_command == "export":
                return _export(args, node, requests)
            if args.pdp_command == "erase":
                return _erase(args, requests)
            if args.pdp_command == "reapply":
                return _reapply(node)
            return _expire(requests)
        except DomainError as error:
            refuse("cli_refused", detail=bilingual(error.code))
            pending = error.params.get("pending")
            if pending:
                refuse("cli_pending_consultations", detail=", ".join(pending))
            return exits.REFUSED
    finally:
        node.close()


def export_document(node: Any, person: Any, contact: str) -> dict[str, Any]:
    """The JSON of an access request: the office, the contact asked for, and every record with its signature."""
    guest_book = []
    for line in person.guest_book:
        entry = msgspec.to_builtins(line)
        entry["signature_png"] = _signature(node, line.signature_key)
        guest_book.append(entry)
    return {
        "office": node.settings.node_id, "office_name": node.office_name, "contact": contact,
        "generated_at": node.clock().isoformat(), "consultations": msgspec.to_builtins(person.consultations),
        "guest_book": msgspec.to_builtins(guest_book),
    }


def _signature(node: Any, key: str) -> bytes | None:
    try:
        return node.files.get(key)
    except OSError:
        return None  # erased, or its retention passed: the line keeps only its hash


def _export(args: argparse.Namespace, node: Any, requests: Any) -> int:
    person = requests.find(args.contact)
    if args.format == "json":
        data = msgspec.json.format(msgspec.json.encode(export_document(node, person, args.contact)), indent=2)
    else:
        from gateways.exports.pdp_pdf import render_person_pdf
        from gateways.reports import dates

        signatures = {line.signature_key: _signature(node, line.signature_key) for line in person.guest_book}
        data = render_person_pdf(
            letterhead=node.reports.letterhead, office=node.office, office_name=node.office_name,
            contact=args.contact, generated_at=dates.stamp(node.clock(), node.office),
            consultations=person.consultations, guest_book=person.guest_book,
            signatures={k: v for k, v in signatures.items() if v}, created_at=node.clock(),
        )
    if args.out:
        Path(args.out).write_bytes(data)
        refuse("cli_exported", consultations=len(person.consultations), guest_book=len(person.guest_book),
               path=args.out)
    elif args.format == "json":
        sys.stdout.write(data.decode() + "\n")
    else:
        refuse("cli_pdf_needs_out")
        return exits.USAGE
    if not person.consultations and not person.guest_book:
        refuse("nothing_held")
    return exits.DONE


def _erase(args: argparse.Namespace, requests: Any) -> int:
    by = args.by or f"cli.{getpass.getuser()}"
    report = requests.erase(args.contact, args.reason, by)
    say("cli_erased", consultations=report.counts.get("consultation", 0), guest_book=report.counts.get("guest_book", 0),
        signatures=report.signatures_deleted, mails=report.mails_deleted, keys=report.keys_destroyed,
        erasure=report.erasure_id)
    for subject in report.subjects:
        print(f"  {bilingual('cli_subject', subject=subject)}")
    if report.without_key:
        refuse("cli_without_key", count=len(report.without_key), detail=", ".join(report.without_key))
    return exits.DONE


def _expire(requests: Any) -> int:
    report = requests.expire()
    say("cli_retention_rule", detail=report.rule)
    if report.subjects is None and report.signatures is None:
        say("cli_nothing_expired")
        return exits.DONE
    if report.subjects is not None:
        say("cli_expired", consultations=report.subjects.counts.get("consultation", 0),
            guest_book=report.subjects.counts.get("guest_book", 0), keys=report.subjects.keys_destroyed,
            erasure=report.subjects.erasure_id)
    if report.signatures is not None:
        say("cli_signatures_expired", count=report.signatures.signatures_deleted,
            erasure=report.signatures.erasure_id)
    return exits.DONE


def _reapply(node: Any) -> int:
    """Reads the erasures recorded on the log (a command run by hand, like the projection runner: never a request)
    and destroys again the keys they name; a key already destroyed is left as it is."""
    from eventsourcing.utils import get_topic

    from domain.erasure import Erasure, keys_destroyed

    topics = [get_topic(Erasure.PersonalDataErased), get_topic(Erasure.RetentionExpired)]
    recorder, mapper = node.helpdesk.recorder, node.helpdesk.mapper
    subjects: set[str] = set()
    position, erasures = 0, 0
    while batch := recorder.select_notifications(position + 1, 500, topics=topics):
        for notification in batch:
            subjects.update(keys_destroyed(mapper.to_domain_event(notification)))
            erasures += 1
        position = batch[-1].id
    done = node.personal_data.erase_subjects(sorted(subjects))
    say("cli_erasures_replayed", erasures=erasures, subjects=len(subjects), again=len(done.erased),
        gone=len(done.already_erased))
    return exits.DONE
