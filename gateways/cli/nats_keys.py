"""`helpdesk nats key`: a new nkey for an office's NATS login (its leaf link, or its node), and its public key."""

from __future__ import annotations

import argparse

from gateways.cli import exits
from gateways.cli.words import refuse, sub_commands
from gateways.nats.credentials import NkeyError, new_user_key, read_seed, write_seed


def add_commands(commands: argparse._SubParsersAction) -> None:
    nats = commands.add_parser("nats", help="kunci NATS kantor (an office's NATS keys)")
    nats_commands = sub_commands(nats, "nats_command")
    key = nats_commands.add_parser(
        "key", help="buat kunci nkey baru (make a new nkey)",
        description="Menulis seed nkey baru ke FILE (mode 0600) dan mencetak kunci publiknya, yang dicantumkan di "
        "hub NATS. Writes a new nkey seed to FILE (0600) and prints its public key, which the hub lists.",
    )
    key.add_argument("--out", required=True, metavar="FILE", help="berkas seed baru (new seed file; never overwritten)")
    public = nats_commands.add_parser("public", help="kunci publik dari seed (the public key of a seed file)")
    public.add_argument("seed_file", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    try:
        if args.nats_command == "key":
            key = new_user_key()
            write_seed(args.out, key)
        else:
            key = read_seed(args.seed_file)
    except FileExistsError:
        refuse("cli_key_exists", path=args.out)
        return exits.REFUSED
    except (OSError, NkeyError) as error:
        refuse("cli_failed", detail=error)
        return exits.REFUSED
    print(key.public)
    return exits.DONE
