"""The `helpdesk` command: serve a node, manage its accounts, run three nodes locally."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from domain.roles import Role
from gateways.cli import exits
from gateways.cli.words import Parser, refuse, sub_commands
from gateways.config import PREFIX, ConfigError, Settings, load_settings
from gateways.messages import bilingual

# Under every command's help: where the settings come from, and what the exit codes mean.
EPILOG = f"{bilingual('cli_settings_sources')}\n\n{bilingual('cli_exit_codes')}"

# Each command but `serve`: the module and function that run it, and whether it reads the node's settings.
RUNNERS = {
    "worker": ("gateways.cli.serve", "worker", True),
    "user": ("gateways.cli.users", "run", True), "audit": ("gateways.cli.audit", "run", True),
    "pdp": ("gateways.cli.pdp", "run", True), "backup": ("gateways.cli.backup", "run", True),
    "restore": ("gateways.cli.backup", "run", True), "projections": ("gateways.cli.projections", "run", True),
    "nats": ("gateways.cli.nats_keys", "run", False), "local-mail": ("gateways.cli.local_mail", "run", False),
    "local": ("gateways.cli.local", "run_local", False), "simulate": ("gateways.cli.simulate", "run", False),
}


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="helpdesk", description="Helpdesk SIPOL — satu node per kantor KPU (one node per KPU office).",
        epilog=EPILOG,
    )
    commands = sub_commands(parser, "command")

    serve = commands.add_parser("serve", help="jalankan node ini (run this node's HTTP server)", epilog=EPILOG)
    _config_options(serve)
    serve.add_argument("--host", help="alamat dengar (listen address); HELPDESK_HTTP_HOST")
    serve.add_argument("--port", type=int, help="port HTTP; HELPDESK_HTTP_PORT")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="proses HTTP, bawaan 1; lebih dari 1 butuh PostgreSQL, HELPDESK_BACKGROUND=worker dan"
                            " helpdesk worker (HTTP processes, default 1; more needs PostgreSQL, worker mode and"
                            " helpdesk worker)")
    worker = commands.add_parser(
        "worker", epilog=EPILOG,
        help="pekerjaan latar node tanpa HTTP, untuk HELPDESK_BACKGROUND=worker (the node's background work, no HTTP)")
    _config_options(worker)

    user = commands.add_parser("user", help="kelola akun petugas (manage staff accounts)")
    user_commands = sub_commands(user, "user_command")
    add = user_commands.add_parser("add", help="tambah akun (add an account)", epilog=EPILOG)
    _config_options(add)
    add.add_argument("--username", required=True, help="nama pengguna (username)")
    add.add_argument("--full-name", required=True, help="nama lengkap (full name)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], help="peran SOP (SOP role)")
    add.add_argument("--office", help="kode kantor, bawaan: kantor node ini; node ini hanya membuat akun kantornya"
                                      " sendiri (office id; default: this node's, the only one it makes accounts for)")
    add.add_argument("--password", help="kata sandi; bila tidak diisi akan ditanyakan (prompted when omitted)")
    listing = user_commands.add_parser("list", help="daftar akun (list accounts)", epilog=EPILOG)
    _config_options(listing)
    listing.add_argument("--office", help="kode kantor, bawaan: kantor node ini (office id; default: this node's)")
    totp_reset = user_commands.add_parser(
        "totp-reset", help="matikan verifikasi dua langkah akun (turn off a user's authenticator codes)", epilog=EPILOG)
    _config_options(totp_reset)
    totp_reset.add_argument("--username", required=True, help="nama pengguna (username)")

    from gateways.cli.projections import add_commands as projection_commands

    projection_commands(commands, _config_options)
    from gateways.cli.audit import add_commands as audit_commands

    audit_commands(commands, _config_options)
    from gateways.cli.backup import add_commands as backup_commands

    backup_commands(commands, _config_options)
    from gateways.cli.nats_keys import add_commands as nats_commands

    nats_commands(commands)
    from gateways.cli.pdp import add_commands as pdp_commands

    pdp_commands(commands, _config_options)
    from gateways.cli.local_mail import add_commands as local_mail_commands

    local_mail_commands(commands)
    from gateways.cli.simulate import add_command as simulate_command

    simulate_command(commands)

    local = commands.add_parser("local", help="tiga node contoh di komputer ini (three demo nodes, for make run)")
    local.add_argument("--data-dir", default="data/local", help="folder data (default: %(default)s)")
    local.add_argument("--base-port", type=int, default=8000, help="port node pertama (default: %(default)s)")
    local.add_argument("--host", default="127.0.0.1", help="alamat dengar (default: %(default)s)")
    local.add_argument("--password", default=None, help="kata sandi akun demo (demo accounts' password)")
    local.add_argument("--s3", metavar="URL", default="",
                       help="simpan berkas di bucket S3 ini, mis. http://127.0.0.1:8333/dokumentasi; kunci dari"
                            " AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY (keep the files in this S3 bucket)")
    return parser


def _config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="berkas TOML pengaturan (settings file); HELPDESK_CONFIG")


def load(args: argparse.Namespace, **overrides: object) -> Settings:
    """The settings, with --config standing in for HELPDESK_CONFIG."""
    environ = dict(os.environ)
    if getattr(args, "config", None):
        environ[f"{PREFIX}CONFIG"] = args.config
    return load_settings(environ, **overrides)


def run(args: argparse.Namespace) -> int:
    """The chosen command; a command named without its sub-command (`helpdesk`, `helpdesk user`) prints its help."""
    dest, parser = args.help_of
    if getattr(args, dest) is None:
        parser.print_help()
        return exits.DONE
    if args.command == "serve":
        from gateways.cli.serve import serve

        return serve(args, load(args, http_host=args.host, http_port=args.port))
    module, function, reads_settings = RUNNERS[args.command]
    runner = getattr(importlib.import_module(module), function)
    return runner(args, load(args)) if reads_settings else runner(args)


def main(argv: Sequence[str] | None = None) -> int:
    # Event stores, read models, keys and uploads hold personal data: whatever a node creates is its owner's alone
    # (files 0600, folders 0700), whatever the shell's umask.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ConfigError as error:
        refuse("cli_config_error", detail=error)
        if error.key == f"{PREFIX}NODE_ID":  # no office: where the node's settings go
            config_file = getattr(args, "config", None) or os.environ.get(f"{PREFIX}CONFIG")
            if config_file:
                refuse("cli_config_hint_file", path=config_file)
            else:
                refuse("cli_config_hint")
        return exits.CONFIG


if __name__ == "__main__":
    sys.exit(main())
