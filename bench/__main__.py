"""`python -m bench [--only P1,P3] [--quick] [--no-append]`: runs the benchmarks, prints their tables and appends
them to docs/benchmarks.md with the environment they ran in."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from bench.context import Run
from bench.machine import Neighbours
from bench.report import RESULTS, Result, append, environment, machine_busy, render, render_result
from gateways.logs import configure_logging

BENCHMARKS = {
    "P1": ("p1_commands", "command path: whole consultations over HTTP on PostgreSQL"),
    "P2": ("p2_escalation", "escalation latency, regency → province log over NATS JetStream"),
    "P3": ("p3_rebuild", "projection rebuild from zero on PostgreSQL"),
    "P4": ("p4_drain", "drain of escalations queued during an outage"),
    "P5": ("p5_idle", "idle memory and start time of one node (SQLite)"),
    "P6": ("p6_load", "200 simulated users against one node on PostgreSQL"),
    "P7": ("p7_mail", "e-mail ingestion: a fresh node reading a Dovecot mailbox vs a bare IMAP FETCH loop"),
    "P8": ("p8_faq", "FAQ Sipol search: labelled liaison questions and query latency vs a plain LIKE search"),
    "P9": ("p9_flat", "flat costs as the log grows: pages, start and memory at 10k, 100k and 1M events"),
}


def quiet_machine(wait: bool, busy_limit: float = 0.25, patience: float = 900.0) -> float:
    """Waits (at most `patience` s) until other processes leave the machine mostly idle; returns the last reading."""
    deadline = time.monotonic() + patience
    busy = machine_busy()
    while wait and busy > busy_limit and time.monotonic() < deadline:
        print(f"   machine {busy:.0%} busy with other work; waiting for it to settle (--no-wait skips this)",
              flush=True)
        time.sleep(20)
        busy = machine_busy()
    return busy


def sizes(text: str) -> tuple[int, ...]:
    """`10000,100000`: two or more positive counts."""
    try:
        found = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r}") from None
    if len(set(found)) < 2 or min(found) <= 0:
        raise argparse.ArgumentTypeError(f"give two or more different positive counts, not {text!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", help="comma-separated benchmarks, e.g. P1,P3 (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller counts and shorter runs, for trying it out")
    parser.add_argument("--drain-count", type=int, metavar="N",
                        help="P4: escalations queued during the outage (default 10000, with --quick 1000)")
    parser.add_argument("--mail-count", type=int, metavar="N",
                        help="P7: mails in the Dovecot INBOX the node reads (default 5000, with --quick 500)")
    parser.add_argument("--flat-sizes", type=sizes, metavar="N,N,…",
                        help="P9: events in the log, smallest first, e.g. 10000,100000,1000000 (the default; with "
                             "--quick 10000,30000,100000); the smallest is every row's baseline")
    parser.add_argument("--no-wait", action="store_true",
                        help="start each benchmark at once, even while other processes keep the machine busy")
    parser.add_argument("--no-append", action="store_true", help=f"print only; do not append to {RESULTS.name}")
    args = parser.parse_args(argv)
    selected = [k.strip().upper() for k in args.only.split(",")] if args.only else list(BENCHMARKS)
    unknown = [k for k in selected if k not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    configure_logging("error")
    run = Run(quick=args.quick, drain_count=args.drain_count, mail_count=args.mail_count,
              flat_sizes=args.flat_sizes)
    env = environment(run)
    print("\n".join(f"{k}: {v}" for k, v in env.items()), flush=True)
    results: list[Result] = []
    try:
        for key in selected:
            module, title = BENCHMARKS[key]
            result = Result(key, title)
            print(f"\n== {key} {title} …", flush=True)
            result.busy_before = quiet_machine(not args.no_wait)
            start = time.perf_counter()
            with Neighbours() as neighbours:
                try:
                    importlib.import_module(f"bench.{module}").run(run, result)
                except Exception as error:  # noqa: BLE001 - one failing benchmark must not lose the others' tables
                    traceback.print_exc()
                    result.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
            result.seconds = time.perf_counter() - start
            result.neighbours = neighbours.summary()
            results.append(result)
            print(render_result(result), flush=True)
    finally:
        problems = run.cleanup()
        for problem in problems:
            print(f"cleanup failed: {problem}", file=sys.stderr)
    text = render(env, results)
    if not args.no_append:
        append(text)
        print(f"appended to {RESULTS}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
