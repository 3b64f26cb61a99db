"""`helpdesk user add|list|totp-reset`: staff accounts of this node, from the command line (the first account, the
commissioners and the Ketua too: the web form appoints only the roles the Ketua may, domain/roles.py APPOINTS)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from domain.errors import DomainError
from domain.roles import Role
from gateways.bootstrap import build_node
from gateways.config import Settings
from gateways.messages import message

ACTOR = "cli"


def add_user(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password if args.password is not None else _ask_password()
    if password is None:
        return 1
    node = build_node(settings)
    try:
        node.accounts.register_user(
            username=args.username,
            full_name=args.full_name,
            role=Role(args.role),
            office_id=args.office or settings.node_id,
            password=password,
            actor=ACTOR,
        )
    except DomainError as error:
        print(f"Gagal menambah akun: {describe(error)}", file=sys.stderr)
        if error.code == "other_office_account":
            print(message("cli_node_serves", office=settings.node_id), file=sys.stderr)
        return 1
    finally:
        node.close()
    print(f"Akun '{args.username.strip().lower()}' ({args.role}) ditambahkan di node {settings.node_id}.")
    return 0


def list_users(args: argparse.Namespace, settings: Settings) -> int:
    node = build_node(settings)
    try:
        users = node.users.list(args.office or settings.node_id)
    except DomainError as error:
        print(f"Gagal membaca akun: {describe(error)}", file=sys.stderr)
        return 1
    finally:
        node.close()
    if not users:
        print(message("cli_no_accounts_at", office=args.office or settings.node_id))
        return 0
    rows = [("NAMA PENGGUNA", "PERAN", "KANTOR", "STATUS", "NAMA LENGKAP")]
    rows += [(u.username, u.role.value, u.office_id, "aktif" if u.active else "nonaktif", u.full_name) for u in users]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + "  " + row[4])
    return 0


def reset_totp(args: argparse.Namespace, settings: Settings) -> int:
    """For a user who lost the phone: login asks for the password only, until they set up an app again."""
    node = build_node(settings)
    try:
        changed = node.accounts.reset_totp(args.username, ACTOR)
    except DomainError as error:
        print(f"Gagal mematikan verifikasi dua langkah: {describe(error)}", file=sys.stderr)
        return 1
    finally:
        node.close()
    name = args.username.strip().lower()
    if changed:
        print(f"Verifikasi dua langkah akun '{name}' dimatikan; sesi akun itu berakhir (two-step verification off).")
    else:
        print(message("cli_totp_was_off", name=name))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "add": add_user, "list": list_users, "totp-reset": reset_totp,
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    return COMMANDS[args.user_command](args, settings)


def describe(error: DomainError) -> str:
    """The catalogue's Indonesian text, naming the field when the error has one."""
    text = message(error.code)
    return f"{text} (kolom: {error.field})" if error.field else text


def _ask_password() -> str | None:
    first = getpass.getpass("Kata sandi (password): ")
    second = getpass.getpass("Ulangi kata sandi (repeat password): ")
    if first != second:
        print("Kata sandi tidak sama (passwords differ).", file=sys.stderr)
        return None
    return first
