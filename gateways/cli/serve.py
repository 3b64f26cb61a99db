"""`helpdesk serve [--workers N]`: the node's HTTP under uvicorn, and (HELPDESK_BACKGROUND=inline) its background work
in the same process; `helpdesk worker`: the background work alone, beside `helpdesk serve` in worker mode.

One process (inline, the default and `make run`'s) shares one interpreter lock between the requests and everything
else. Worker mode splits them: `--workers N` HTTP processes, each with its own node over the same PostgreSQL schema
(a query catches the read models up before it reads, under the store's write lock, so a command made in one
process is seen by the next query in any), and one `helpdesk worker`. `--workers 2` without worker mode is refused
rather than taken to mean it: the background work would otherwise silently wait for a worker nobody started.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from gateways.cli import exits
from gateways.cli.words import refuse
from gateways.config import INLINE, PREFIX, WORKER, ConfigError, Settings
from gateways.node_lock import BACKGROUND_LOCK, NodeRunning, hold_process_locks, release

APP_FACTORY = "gateways.app:http_process"  # what each HTTP process of `--workers N` calls to build its app


def check_workers(settings: Settings, workers: int) -> None:
    """--workers N against the settings: several HTTP processes need PostgreSQL and a worker for the background."""
    if workers < 1:
        raise ConfigError("--workers", "config_workers_count", value=workers)
    if workers > 1 and settings.backend != "postgresql":
        raise ConfigError(f"{PREFIX}DATABASE", "config_workers_postgres", workers=workers, backend=settings.backend)
    if workers > 1 and settings.background != WORKER:
        raise ConfigError(f"{PREFIX}BACKGROUND", "config_workers_inline", workers=workers)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from gateways.app import create_app
    from gateways.bootstrap import build_node
    from gateways.edge.client_address import proxy_options
    from gateways.logs import configure_logging

    check_workers(settings, args.workers)
    configure_logging(settings.log_level)
    inline = settings.background == INLINE
    locks = _locks(settings, serve=True, background=inline)  # for the life of this process
    if locks is None:
        return exits.NODE_RUNNING
    # Built here first even for several processes: the schema, tables and read models are prepared once, before the
    # HTTP processes start together.
    node = build_node(settings)
    if not node.users.exist():
        refuse("cli_no_accounts_on_node")
    options = dict(host=settings.http_host, port=settings.http_port, log_level=settings.log_level.lower(),
                   server_header=False, **proxy_options(settings))  # X-Forwarded-For from the trusted proxies only
    try:
        if args.workers == 1:
            try:
                # uvicorn stops gracefully on SIGINT/SIGTERM and returns; the app's shutdown hook stops the background.
                uvicorn.run(create_app(node, background=inline), **options)
            finally:
                node.close()
        else:
            node.close()
            if args.config:  # each HTTP process reads the settings from the environment (gateways/app.py)
                os.environ[f"{PREFIX}CONFIG"] = args.config
            if not run_processes(APP_FACTORY, args.workers, **options):
                return exits.REFUSED  # an HTTP process could not start (its error is in the log): systemd retries
    finally:
        release(locks)
    return exits.DONE


def run_processes(factory: str, workers: int, **options: object) -> bool:
    """`workers` processes under uvicorn's supervisor (which restarts one that dies and stops them all on SIGINT or
    SIGTERM), each calling `factory` ("module:function") for its app, all accepting on one listening socket.

    As uvicorn.run(factory, factory=True, workers=N) does, but for the socket: uvicorn makes it without naming TCP
    (protocol 0), and asyncio sets TCP_NODELAY only on accepted sockets that name it, so each answer's body would wait
    for the client's delayed ACK (≈ 40 ms a request). Named here, the HTTP processes' connections get TCP_NODELAY as
    a single process's do. False when a process failed to start (uvicorn's supervisor then stops them all)."""
    import socket

    from uvicorn import Config
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    config = Config(factory, factory=True, workers=workers, **options)
    made = config.bind_socket()
    listening = socket.socket(made.family, made.type, socket.IPPROTO_TCP, fileno=made.detach())
    listening.set_inheritable(True)
    supervisor = Multiprocess(config, sockets=[listening])
    try:
        supervisor.run()
    finally:
        listening.close()
    return all(process.exitcode != STARTUP_FAILURE for process in supervisor.processes)


def worker(args: argparse.Namespace, settings: Settings) -> int:
    from gateways.app import background_work, worker_state
    from gateways.bootstrap import build_node
    from gateways.logs import configure_logging
    from gateways.worker import run

    if settings.background != WORKER:
        raise ConfigError(f"{PREFIX}BACKGROUND", "config_worker_inline")
    configure_logging(settings.log_level)
    locks = _locks(settings, serve=False, background=True)
    if locks is None:
        return exits.NODE_RUNNING
    node = build_node(settings)
    try:
        assert node.heartbeats is not None  # worker mode (bootstrap)
        asyncio.run(run(background_work(node), node.heartbeats.beat, worker_state(node)))
    finally:
        node.close()
        release(locks)
    return exits.DONE


def _locks(settings: Settings, *, serve: bool, background: bool) -> list[int] | None:
    """The node's locks for this process (gateways/node_lock.py); None, said why, when another process holds one."""
    try:
        return hold_process_locks(settings, serve=serve, background=background)
    except NodeRunning as running:
        refuse("cli_worker_running" if running.lock == BACKGROUND_LOCK else "cli_node_running")
        return None
