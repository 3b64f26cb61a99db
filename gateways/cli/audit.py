"""`helpdesk audit verify|key`: recompute an audit chain's hashes and signatures; show this office's public key."""

from __future__ import annotations

import argparse
import sys

from domain.audit import VerifyResult
from domain.offices import OfficeId
from gateways.audit_notes import backup_text, lost_text, note_text
from gateways.config import Settings


def add_commands(commands: argparse._SubParsersAction, config_options) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("audit", help="jejak audit (audit trail)")
    sub = parser.add_subparsers(dest="audit_command", required=True, metavar="PERINTAH")
    verify = sub.add_parser(
        "verify", help="periksa rantai audit: hash, urutan, tanda tangan, baris peristiwa (verify the chains)"
    )
    config_options(verify)
    verify.add_argument("--office", help="satu kantor (one office); bawaan: kantor ini dan, di pusat, semua kantor")
    key = sub.add_parser("key", help="kunci publik audit kantor ini (this office's public audit key)")
    config_options(key)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from gateways.bootstrap import build_node
    from projections.audit_queries import verify_all

    node = build_node(settings)
    try:
        if args.audit_command == "key":
            print(f'"{settings.node_id}" = "{node.audit_key.public_key_b64}"')
            return 0
        where = {"own": "rantai kantor ini", "received": "diterima pusat"}
        checks = verify_all(node.projections, settings.node_id, node.keyring.verify, node.keyring.knows, args.office)
        results: list[tuple[str, str, VerifyResult]] = [(c.office, where[c.source], c.result) for c in checks]
        if not results:
            print(f"Tidak ada rantai audit untuk {args.office} (no chain for this office).", file=sys.stderr)
            return 2
        return _report(results, settings.office)
    finally:
        node.close()


def _report(results: list[tuple[str, str, VerifyResult]], reader: OfficeId) -> int:
    failed = 0
    for office, where, result in results:
        if result.ok:
            print(f"OK    {office:<12} {where}: {result.checked} entri, terakhir #{result.last_seq}")
            _notes(result, reader)
            continue
        failed += 1
        first = result.problems[0]
        print(f"RUSAK {office:<12} {where}: entri pertama yang bermasalah #{first.seq} ({first.kind})")
        for problem in result.problems[:20]:
            print(f"      #{problem.seq} {problem.kind}: {problem.message_id} ({problem.detail})")
        if len(result.problems) > 20:
            print(f"      … dan {len(result.problems) - 20} masalah lain")
        _notes(result, reader)
    return 1 if failed else 0


def _notes(result: VerifyResult, reader: OfficeId) -> None:
    # A restore from backup is sound but must be told: the reader learns what the office lost.
    for note in result.notes:
        print(f"      Catatan #{note.seq}: {note_text(note, reader)}")
        print(f"      {backup_text(note, reader)}")
        for lost in note.lost:
            print(f"        {lost_text(lost, reader)}")
