"""`helpdesk projections status|catch-up|rebuild`: the read models' positions, and rebuilding them from zero."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from gateways.cli import exits
from gateways.cli.words import refuse, sub_commands
from gateways.config import Settings


def add_commands(commands: argparse._SubParsersAction, config_options) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("projections", help="tabel baca dari log peristiwa (read models)")
    sub = sub_commands(parser, "projections_command")
    status = sub.add_parser("status", help="posisi tiap proyeksi (each read model's position)")
    config_options(status)
    catch_up = sub.add_parser("catch-up", help="terapkan peristiwa yang belum (apply pending events)")
    config_options(catch_up)
    catch_up.add_argument("name", nargs="?", help="nama proyeksi (one read model; default: all)")
    rebuild = sub.add_parser("rebuild", help="bangun ulang dari nol (rebuild from zero)")
    config_options(rebuild)
    rebuild.add_argument("name", nargs="?", help="nama proyeksi (one read model; default: all)")
    rebuild.add_argument("--batch", type=int, default=500, help="peristiwa per transaksi (default: %(default)s)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from gateways.bootstrap import build_node

    node = build_node(settings)
    runner = node.projections
    try:
        names = list(runner.projections)
        if getattr(args, "name", None) and args.name not in runner.projections:
            refuse("cli_unknown_projection", name=args.name, names=", ".join(names))
            return exits.USAGE
        if args.projections_command == "status":
            head = runner.head()
            print(f"{'proyeksi':<20} {'posisi':>10} {'tertinggal':>10}")
            for name in names:
                position = runner.position(name)
                print(f"{name:<20} {position:>10} {max(0, head - position):>10}")
            return 0
        runner.batch_size = max(1, getattr(args, "batch", runner.batch_size))
        selected = [args.name] if args.name else names
        for name in selected:
            start = 0 if args.projections_command == "rebuild" else runner.position(name)
            with tqdm(total=max(0, runner.head() - start), desc=name, unit="peristiwa", file=sys.stderr) as bar:
                if args.projections_command == "rebuild":
                    runner.rebuild(name, progress=bar.update)
                else:
                    runner.catch_up(name, progress=bar.update)
        return 0
    finally:
        node.close()
