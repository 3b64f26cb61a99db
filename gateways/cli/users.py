"""`helpdesk user add|list|totp-reset`: staff accounts of this node, from the command line (the first account, the
commissioners and the Ketua too: the web form appoints only the roles the Ketua may, domain/roles.py APPOINTS)."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable

from domain.errors import DomainError
from domain.offices import parse_office_id
from domain.roles import Role
from domain.users import check_office_of_new_account
from gateways.bootstrap import build_node
from gateways.cli import exits
from gateways.cli.words import refuse, say
from gateways.config import Settings
from gateways.messages import bilingual, both, translate

ACTOR = "cli"
# The option a field of a refusal was given by, where its name is not the field's.
OPTION_OF_FIELD = {"office_id": "--office"}
PASSWORD = "Kata sandi"


def add_user(args: argparse.Namespace, settings: Settings) -> int:
    office = args.office or settings.node_id
    try:
        # One node, one office's staff (the domain's rule): said before the password is asked for, not after.
        check_office_of_new_account(parse_office_id(office).value, settings.office.value)
    except DomainError as error:
        refuse("cli_add_failed", detail=describe(error))
        if error.code == "other_office_account":
            refuse("cli_node_serves", office=settings.node_id)
        return exits.REFUSED
    password = args.password if args.password is not None else _ask_password()
    if password is None:
        return exits.REFUSED
    node = build_node(settings)
    try:
        node.accounts.register_user(
            username=args.username,
            full_name=args.full_name,
            role=Role(args.role),
            office_id=office,
            password=password,
            actor=ACTOR,
        )
    except DomainError as error:
        refuse("cli_add_failed", detail=describe(error))
        return exits.REFUSED
    finally:
        node.close()
    say("cli_account_added", name=args.username.strip().lower(), role=args.role, office=settings.node_id)
    return exits.DONE


def list_users(args: argparse.Namespace, settings: Settings) -> int:
    node = build_node(settings)
    try:
        users = node.users.list(args.office or settings.node_id)
    except DomainError as error:
        refuse("cli_list_failed", detail=describe(error))
        return exits.REFUSED
    finally:
        node.close()
    if not users:
        say("cli_no_accounts_at", office=args.office or settings.node_id)
        return exits.DONE
    rows = [("NAMA PENGGUNA", "PERAN", "KANTOR", "STATUS", "NAMA LENGKAP")]
    rows += [(u.username, u.role.value, u.office_id, "aktif" if u.active else "nonaktif", u.full_name) for u in users]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
    return exits.DONE


def reset_totp(args: argparse.Namespace, settings: Settings) -> int:
    """For a user who lost the phone: login asks for the password only, until they set up an app again."""
    node = build_node(settings)
    try:
        changed = node.accounts.reset_totp(args.username, ACTOR)
    except DomainError as error:
        refuse("cli_totp_reset_failed", detail=describe(error))
        return exits.REFUSED
    finally:
        node.close()
    name = args.username.strip().lower()
    if changed:
        say("cli_totp_reset", name=name)
    else:
        say("cli_totp_was_off", name=name)
    return exits.DONE


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "add": add_user, "list": list_users, "totp-reset": reset_totp,
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    return COMMANDS[args.user_command](args, settings)


def describe(error: DomainError) -> str:
    """The catalogue's words for a refusal in both languages, naming the option it concerns when it names a field."""
    text = bilingual(error.code)
    return f"{text} [{OPTION_OF_FIELD.get(error.field, '--' + error.field.replace('_', '-'))}]" if error.field else text


def _ask_password() -> str | None:
    first = getpass.getpass(both(PASSWORD, translate(PASSWORD, "en")) + ": ")  # the login page's word
    second = getpass.getpass(bilingual("cli_password_again") + ": ")
    if first != second:
        refuse("cli_passwords_differ")
        return None
    return first
