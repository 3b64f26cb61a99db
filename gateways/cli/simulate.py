"""`helpdesk simulate` (behind `make simulate`): the whole federation — the centre, the provinces and the regencies of
the Kemendagri code list — on this machine, through a seeded peak day; the figures are appended to
docs/simulation.md. Exit 0 when every count is exact, 1 when one is not (the table says which)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from gateways.cli import exits
from gateways.cli.words import refuse
from gateways.simulation.plan import Plan, PlanRefused, Shape, make_plan

DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    simulate = commands.add_parser(
        "simulate", help="simulasi seluruh federasi pada hari sibuk (the whole federation on a peak day, here)")
    shape = Shape()
    simulate.add_argument("--offices", type=int, default=shape.offices,
                          help="jumlah kantor, termasuk pusat dan provinsi (offices taking part; default %(default)s)")
    simulate.add_argument("--scale", type=float, default=shape.scale,
                          help="pengali jumlah konsultasi (multiplies the day's consultations; default %(default)s)")
    simulate.add_argument("--per-regency", type=int, default=shape.per_regency,
                          help="konsultasi per kab/kota sebelum --scale (default %(default)s)")
    simulate.add_argument("--seed", type=int, default=shape.seed, help="benih acak (random seed; default %(default)s)")
    simulate.add_argument("--shards", type=int, default=max(2, os.cpu_count() or 2),
                          help="proses untuk kab/kota (processes hosting the regencies; default %(default)s)")
    simulate.add_argument("--day-minutes", type=float, default=12.0,
                          help="jam kerja hari itu dimainkan dalam sekian menit (the office hours of all three zones "
                               "played in this many wall minutes; default %(default)s)")
    simulate.add_argument("--stall", type=float, default=300.0,
                          help="berhenti bila tak ada kemajuan sekian detik (give up after this long without progress)")
    simulate.add_argument("--data-dir", default="", help="simpan data node di sini (keep the nodes' data here)")
    simulate.add_argument("--output", default=str(DOCS), help="tambahkan hasil ke berkas ini (default: %(default)s)")
    simulate.add_argument("--no-append", action="store_true", help="cetak saja (print only)")
    simulate.add_argument("--leaf-province", default="auto", metavar="PROV",
                          help="provinsi yang juga dimainkan dalam tata letak produksi (deploy/nats, helpdesk serve "
                               "per kantor), mis. prov-92; 'auto': yang terkecil dengan ≥ 3 kab/kota; 'none': tidak "
                               "ada (the province also played in the production layout; default %(default)s)")
    simulate.add_argument("--leaf-day-minutes", type=float, default=3.0,
                          help="panjang hari provinsi itu (its day in wall minutes; default %(default)s)")
    simulate.add_argument("--json", default="", help="tulis ringkasan JSON ke berkas ini (a summary for scripts)")


def run(args: argparse.Namespace) -> int:
    from gateways.simulation.coordinator import Options, simulate
    from gateways.simulation.report import counts_of, markdown, summary

    shape = Shape(seed=args.seed, offices=args.offices, per_regency=args.per_regency, scale=args.scale)
    options = Options(shape, shards=args.shards, day_minutes=args.day_minutes, stall=args.stall,
                      data_dir=args.data_dir)
    try:
        if args.leaf_province not in ("auto", "none"):  # refused before the day, not after it
            from gateways.simulation.leaf_province import province_plan

            province_plan(make_plan(shape), args.leaf_province)
        outcome = simulate(options, say=lambda line: print(line, flush=True))
        counts = counts_of(outcome)
        text = markdown(outcome, counts)
        leaf_exact = True
        if args.leaf_province != "none":
            leaf_text, leaf_exact = _leaf(outcome.plan, args)
            text += leaf_text
    except PlanRefused as refused:
        refuse(refused.code, **refused.values)
        return exits.REFUSED
    except RuntimeError as error:  # a process of the run stopped or went silent: its log is named
        refuse("sim_failed", detail=error)
        return exits.REFUSED
    print(text)
    if not args.no_append:
        with open(args.output, "a", encoding="utf-8") as out:
            out.write("\n" + text)
    if args.json:
        Path(args.json).write_text(json.dumps(summary(outcome, counts), indent=1, default=str), encoding="utf-8")
    return exits.DONE if summary(outcome, counts)["exact"] and leaf_exact else exits.REFUSED


def _leaf(plan: Plan, args: argparse.Namespace) -> tuple[str, bool]:
    """The chosen province again, in the production layout (gateways/simulation/leaf_province.py)."""
    import tempfile

    from gateways.simulation.counts import exact_counts
    from gateways.simulation.leaf_province import play_leaf_province
    from gateways.simulation.report import leaf_markdown

    province = args.leaf_province
    if province == "auto":
        sizes = sorted((len(plan.children(p)), p) for p in plan.provinces)
        province = next((p for n, p in sizes if n >= 3), sizes[-1][1])
    with tempfile.TemporaryDirectory(prefix="helpdesk-simulate-leaf-") as scratch:
        folder = Path(args.data_dir) / "leaf" if args.data_dir else Path(scratch)
        leaf = play_leaf_province(plan, province, folder, args.leaf_day_minutes, say=lambda x: print(x, flush=True),
                                  stall=args.stall)
    counts = exact_counts(leaf["plan"], [leaf["result"]], leaf["dead_letters"])
    return leaf_markdown(leaf, counts), all(c.ok for c in counts) and not leaf["failure"]
