"""The `helpdesk` command: serve a node, manage its accounts, run three nodes locally."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from domain.roles import Role
from gateways.config import PREFIX, ConfigError, Settings, load_settings
from gateways.messages import message

EPILOG = message("cli_settings_sources")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helpdesk", description="Helpdesk SIPOL — satu node per kantor KPU (one node per KPU office).",
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    serve = commands.add_parser("serve", help="jalankan node ini (run this node's HTTP server)", epilog=EPILOG)
    _config_options(serve)
    serve.add_argument("--host", help="alamat dengar (listen address); HELPDESK_HTTP_HOST")
    serve.add_argument("--port", type=int, help="port HTTP; HELPDESK_HTTP_PORT")

    user = commands.add_parser("user", help="kelola akun petugas (manage staff accounts)")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="PERINTAH")
    add = user_commands.add_parser("add", help="tambah akun (add an account)", epilog=EPILOG)
    _config_options(add)
    add.add_argument("--username", required=True, help="nama pengguna (username)")
    add.add_argument("--full-name", required=True, help="nama lengkap (full name)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], help="peran SOP (SOP role)")
    add.add_argument("--office", help="kode kantor, bawaan: kantor node ini (office id; default: this node's)")
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


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateways.app import create_app
    from gateways.bootstrap import build_node
    from gateways.edge.client_address import proxy_options
    from gateways.logs import configure_logging

    settings = load(args, http_host=args.host, http_port=args.port)
    configure_logging(settings.log_level)
    from gateways.cli.backup import NodeRunning, hold_node_lock

    try:
        hold_node_lock(settings)  # for the life of this process: `helpdesk restore` refuses meanwhile
    except NodeRunning:
        print(message("cli_node_running"), file=sys.stderr)
        return 3
    node = build_node(settings)
    if not node.users.exist():
        print(message("cli_no_accounts_on_node"), file=sys.stderr)
    try:
        # uvicorn stops gracefully on SIGINT/SIGTERM and returns; the app's shutdown hook closes the node.
        uvicorn.run(
            create_app(node), host=settings.http_host, port=settings.http_port,
            log_level=settings.log_level.lower(), server_header=False,
            # X-Forwarded-For is believed only from the configured proxies (trusted_proxies); none by default.
            **proxy_options(settings),
        )
    finally:
        node.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # Event stores, read models, keys and uploads hold personal data: whatever a node creates is its owner's alone
    # (files 0600, folders 0700), whatever the shell's umask.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "user":
            from gateways.cli.users import run as run_users

            return run_users(args, load(args))
        if args.command == "audit":
            from gateways.cli.audit import run as run_audit

            return run_audit(args, load(args))
        if args.command == "pdp":
            from gateways.cli.pdp import run as run_pdp

            return run_pdp(args, load(args))
        if args.command == "nats":
            from gateways.cli.nats_keys import run as run_nats

            return run_nats(args)
        if args.command in ("backup", "restore"):
            from gateways.cli.backup import run as run_backup

            return run_backup(args, load(args))
        if args.command == "projections":
            from gateways.cli.projections import run as run_projections

            return run_projections(args, load(args))
        if args.command == "local-mail":
            from gateways.cli.local_mail import run as run_local_mail

            return run_local_mail(args)
        from gateways.cli.local import run_local

        return run_local(args)
    except ConfigError as error:
        print(f"Pengaturan salah (configuration error): {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
