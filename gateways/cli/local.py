"""`helpdesk local` (behind `make run`): NATS and three demo nodes — regency, province, centre — on this machine."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from domain.errors import UsernameTaken
from domain.roles import Role
from gateways.bootstrap import build_node
from gateways.cli import exits
from gateways.cli.children import Child, stop_all
from gateways.cli.demo_faq import publish_demo_faq
from gateways.cli.local_mail import LocalMail, NoMail, start_local_mail
from gateways.cli.local_nats import seed_file, start_local_nats
from gateways.cli.words import refuse, say
from gateways.config import PREFIX, load_settings
from gateways.messages import label
from gateways.nats.topology import Topology, topology_of
from gateways.natsserver import NatsServer, free_port
from gateways.signing import Keyring

NODES = ("kab-16.13", "prov-16", "pusat")
CHILDREN = {"kab-16.13": "", "prov-16": "kab-16.13", "pusat": "prov-16"}
DEMO_PASSWORD = "sipol-demo-2024"
HEALTH_TIMEOUT = 90.0


class Stop(Exception):
    """SIGINT or SIGTERM arrived: shut everything down and exit 0."""


def demo_roles(node_id: str) -> list[Role]:
    """Every SOP role at the regency, where the whole desk works; higher up a desk officer and a Koordinator
    (who reads the audit trail: at the centre, every office's)."""
    return list(Role) if node_id.startswith(("kab-", "kota-")) else [Role.ANGGOTA_HELPDESK, Role.KOORDINATOR]


def node_environ(node_id: str, port: int, host: str, data_dir: Path, nats_url: str, nkey_seed_file: str = ""
                 ) -> dict[str, str]:
    # A developer's own HELPDESK_* settings would make the demo depend on their shell, so they are dropped.
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update({
        f"{PREFIX}NODE_ID": node_id,
        f"{PREFIX}DATABASE": "sqlite",
        f"{PREFIX}DATA_DIR": str(data_dir / node_id),
        f"{PREFIX}NATS_URL": nats_url,
        # Its own login on the demo's NATS server (none on a server given by NATS_URL, which decides for itself).
        f"{PREFIX}NATS_NKEY_SEED_FILE": nkey_seed_file,
        # Only these three offices run here: the province and the centre listen to just the one below them.
        f"{PREFIX}CHILD_NODES": CHILDREN[node_id],
        f"{PREFIX}HTTP_HOST": host,
        f"{PREFIX}HTTP_PORT": str(port),
        f"{PREFIX}LOG_LEVEL": os.environ.get(f"{PREFIX}LOG_LEVEL", "info"),
    })
    return env


def demo_environs(data_dir: Path, host: str, base_port: int, nats_url: str, keys_dir: Path | None,
                  s3_url: str = "") -> dict[str, dict[str, str]]:
    """Each demo node's environment; with `keys_dir`, each logs in to NATS with its own key from there; with
    `s3_url`, each keeps its files in that bucket, under its own prefix."""
    return {
        node_id: {**node_environ(node_id, base_port + offset, host, data_dir, nats_url,
                                 str(seed_file(keys_dir, node_id)) if keys_dir else ""), **s3_environ(s3_url)}
        for offset, node_id in enumerate(NODES)
    }


def s3_environ(url: str) -> dict[str, str]:
    """The storage settings of `--s3 http://host:port/bucket`: the bucket on that endpoint, with the credentials of
    the shell's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the names every S3 tool reads); none without a URL."""
    if not url:
        return {}
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    if parts.scheme not in ("http", "https") or not parts.netloc or not bucket or "/" in bucket:
        raise RuntimeError(f"--s3 {url}: tulis http(s)://host:port/bucket (write http(s)://host:port/bucket)")
    return {
        f"{PREFIX}STORAGE_BACKEND": "s3", f"{PREFIX}S3_ENDPOINT": f"{parts.scheme}://{parts.netloc}",
        f"{PREFIX}S3_BUCKET": bucket, f"{PREFIX}S3_ACCESS_KEY": os.environ.get("AWS_ACCESS_KEY_ID", ""),
        f"{PREFIX}S3_SECRET_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
    }


def demo_topologies(environs: dict[str, dict[str, str]]) -> dict[str, Topology]:
    # Read before the keys exist (the server is started from these), hence without the seed file's check.
    return {node: topology_of(load_settings(env, nats_nkey_seed_file="")) for node, env in environs.items()}


def ensure_demo_users(environ: dict[str, str], password: str, keys: Keyring) -> list[tuple[str, Role]]:
    """Registers the demo accounts that are missing (an existing one is left as it is); notes the node's
    public audit key, which every node of the demo then knows."""
    settings = load_settings(environ)
    node = build_node(settings)
    try:
        keys.add(settings.node_id, node.audit_key.public_key_b64, replace=True)
        accounts = []
        for role in demo_roles(settings.node_id):
            try:
                node.accounts.register_user(
                    role.value, f"{label('role', role.value)} (demo)", role, settings.node_id, password, actor="cli"
                )
            except UsernameTaken:
                pass
            accounts.append((role.value, role))
        # The centre's demo FAQ Sipol: it reaches the province and the regency over NATS.
        if published := publish_demo_faq(node.helpdesk, settings.office):
            say("cli_local_faq", count=published, office=settings.node_id)
        return accounts
    finally:
        node.close()


def health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def run_local(args: argparse.Namespace) -> int:
    def on_signal(signum: int, _frame: object) -> None:
        raise Stop()

    # Installed first, so a Ctrl-C at any moment (even while starting) still stops everything in order.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    data_dir = Path(args.data_dir).resolve()
    password = args.password or DEMO_PASSWORD
    nats: NatsServer | None = None
    mail: LocalMail | NoMail = NoMail("")
    children: list[Child] = []
    try:
        nats_url = os.environ.get("NATS_URL", "")
        own_nats = not nats_url
        keys_dir = data_dir / "nats-keys"
        if own_nats:
            nats_port = free_port(args.host)
            nats_url = f"nats://{args.host}:{nats_port}"
        environs = demo_environs(data_dir, args.host, args.base_port, nats_url, keys_dir if own_nats else None,
                                 args.s3)
        if own_nats:
            say("cli_local_nats")
            nats = start_local_nats(args.host, nats_port, data_dir / "nats", keys_dir, demo_topologies(environs))
        logins, keys = {}, Keyring()
        for node_id in NODES:
            say("cli_local_accounts", office=node_id)
            logins[node_id] = ensure_demo_users(environs[node_id], password, keys)
        # The public audit keys of the three offices, as deploy/ distributes them by configuration.
        keys_file = data_dir / "audit-keys.toml"
        keys_file.write_text(keys.dump(), encoding="utf-8")
        say("cli_local_mail_start")
        mail = start_local_mail(data_dir, password, args.base_port)
        for offset, node_id in enumerate(NODES):
            env = {**environs[node_id], f"{PREFIX}AUDIT_KEYS_FILE": str(keys_file), **mail.environ(node_id)}
            child = Child(node_id, f"http://{args.host}:{args.base_port + offset}", data_dir / node_id / "server.log")
            children.append(child)
            # `helpdesk serve`, through this interpreter so it works without the venv on PATH.
            child.start([sys.executable, "-m", "gateways.cli.main", "serve"], env)
        wait_healthy(children)
        print_table(children, logins, password, nats_url, keys_dir if own_nats else None, mail.summary())
        while True:
            for child in children:
                if child.exited():
                    refuse("cli_local_node_stopped", name=child.name, status=child.returncode)
                    print(child.log_tail(), file=sys.stderr)
                    return exits.REFUSED
            time.sleep(0.5)
    except Stop:
        print()
        say("cli_local_stopping")
        return exits.DONE
    except RuntimeError as error:
        refuse("cli_local_failed", detail=error)
        return exits.REFUSED
    finally:
        # A second Ctrl-C must not cut the clean-up short; every step below has its own time limit.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(children)
        mail.stop()
        if nats is not None:
            nats.stop()


def wait_healthy(children: list[Child]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    pending = list(children)
    while pending:
        for child in list(pending):
            if child.exited():
                raise RuntimeError(f"node {child.name} berhenti (kode {child.returncode}):\n{child.log_tail()}")
            if health_ok(child.url):
                pending.remove(child)
        if pending and time.monotonic() > deadline:
            raise RuntimeError(f"/health tidak menjawab: {', '.join(c.name for c in pending)}")
        time.sleep(0.2)


def print_table(children: list[Child], logins: dict[str, list[tuple[str, Role]]], password: str, nats: str,
                keys_dir: Path | None = None, mail: Sequence[str] = ()) -> None:
    print("\nHelpdesk SIPOL berjalan di komputer ini (running locally):\n")
    print(f"  {'NODE':<11} {'ALAMAT (URL)':<24} {'NAMA PENGGUNA':<21} PERAN")
    for child in children:
        for index, (username, role) in enumerate(logins[child.name]):
            name, url = (child.name, child.url) if index == 0 else ("", "")
            print(f"  {name:<11} {url:<24} {username:<21} {label('role', role.value)}")
    print(f"\n  Kata sandi semua akun demo (demo password): {password}")
    print(f"  NATS: {nats}   Log: {children[0].log_file.parent.parent}/<node>/server.log")
    if keys_dir is not None:
        print(f"  Login NATS per kantor, tanpa login anonim (each office's nkey): {keys_dir}/<node>.nk")
    for line in mail:
        print(line)
    print("  Tekan Ctrl-C untuk berhenti (press Ctrl-C to stop).\n", flush=True)
