"""`helpdesk audit verify|key`: recompute an audit chain's hashes, links and checkpoint signatures; show this office's
public key."""

from __future__ import annotations

import argparse

from domain.audit import VerifyResult
from domain.offices import OfficeId
from gateways.audit_notes import backup_text, lost_text, note_text, problem_text
from gateways.cli import exits
from gateways.cli.words import refuse, sub_commands
from gateways.config import Settings
from gateways.messages import message


def add_commands(commands: argparse._SubParsersAction, config_options) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("audit", help="jejak audit (audit trail)")
    sub = sub_commands(parser, "audit_command")
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
        where = {"own": message("audit_own_chain"), "received": message("audit_received_chain")}
        checks = verify_all(node.projections, settings.node_id, node.keyring.verify, node.keyring.knows, args.office)
        results: list[tuple[str, str, VerifyResult]] = [(c.office, where[c.source], c.result) for c in checks]
        if not results:
            refuse("audit_no_chain", office=args.office)
            return exits.REFUSED
        return _report(results, settings.office)
    finally:
        node.close()


def _report(results: list[tuple[str, str, VerifyResult]], reader: OfficeId) -> int:
    failed = 0
    for office, where, result in results:
        if result.ok:
            print(message("audit_verified", office=office, where=where, checked=result.checked, last=result.last_seq))
            _notes(result, reader)
            continue
        failed += 1
        first = result.problems[0]
        print(message("audit_broken", office=office, where=where, seq=first.seq, kind=first.kind))
        for problem in result.problems[:20]:
            print(f"      #{problem.seq} {problem.kind}: {problem_text(problem)} ({problem_text(problem, 'en')})")
        if len(result.problems) > 20:
            print(f"      {message('audit_more_problems', count=len(result.problems) - 20)}")
        _notes(result, reader)
    return 1 if failed else 0


def _notes(result: VerifyResult, reader: OfficeId) -> None:
    # A restore from backup is sound but must be told: the reader learns what the office lost.
    for note in result.notes:
        print(f"      {message('audit_note', seq=note.seq, text=note_text(note, reader))}")
        print(f"      {backup_text(note, reader)}")
        for lost in note.lost:
            print(f"        {lost_text(lost, reader)}")
