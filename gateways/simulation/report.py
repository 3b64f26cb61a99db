"""The simulated day in figures, for `docs/simulation.md` (appended per run, like the benchmarks): the exact counts,
the time of each tier's hop, the longest wait behind a cut link, the centre's audit ingest against its arrivals, and
what the day cost (NATS, memory, CPU)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from typing import Any

from gateways.simulation.coordinator import Run
from gateways.simulation.counts import Count, exact_counts, merged, province_of
from gateways.simulation.plan import Plan, Route

# Each tier's hop: (label, stage it left, stage it arrived, the route it belongs to or None for both).
HOPS = (
    ("kab/kota → provinsi (diterima)", "forwarded", "province_received", None),
    ("provinsi → pusat (diterima)", "province_forwarded", "centre_received", Route.CENTRE),
    ("jawaban provinsi → kab/kota", "province_answered", "answer_back", Route.PROVINCE),
    ("jawaban pusat → kab/kota (melalui provinsi)", "centre_answered", "answer_back", Route.CENTRE),
    ("seluruh eskalasi ke provinsi, sampai jawaban kembali", "forwarded", "answer_back", Route.PROVINCE),
    ("seluruh eskalasi ke pusat, sampai jawaban kembali", "forwarded", "answer_back", Route.CENTRE),
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def hop_times(plan: Plan, results: list[dict[str, Any]]) -> list[tuple[str, int, float, float, float]]:
    _, stages, _, _ = merged(results)
    rows = []
    for label, left, arrived, route in HOPS:
        times = [marks[arrived] - marks[left] for tag, marks in stages.items()
                 if left in marks and arrived in marks and (route is None or plan.by_tag[tag].route is route)]
        rows.append((label, len(times), percentile(times, 0.5), percentile(times, 0.99), max(times, default=0.0)))
    return rows


def cut_waits(run: Run) -> tuple[int, float, float]:
    """Escalations sent up while their regency's or province's link was down: how many, the longest wait for the
    hop, and the longest hop of the others (for comparison)."""
    assert run.pace is not None
    _, stages, _, _ = merged(run.results)
    down = {}
    for cut in run.plan.cuts:
        down.setdefault(cut.office, []).append((run.pace.wall(cut.start), run.pace.wall(cut.end)))
    affected, others = [], []
    for tag, marks in stages.items():
        if "forwarded" not in marks or "province_received" not in marks:
            continue
        office = run.plan.by_tag[tag].office
        province = province_of(office)
        sent = marks["forwarded"]
        wait = marks["province_received"] - sent
        hit = any(a <= sent <= b for o in (office, province) for a, b in down.get(o, []))
        (affected if hit else others).append(wait)
    return len(affected), max(affected, default=0.0), max(others, default=0.0)


def audit_rates(run: Run) -> dict[str, float]:
    """Entries sealed by the offices and received at the centre per second, over the day and in the best 10 s."""
    samples = run.samples
    end = run.last_closed_at or (samples[-1]["t"] if samples else 1.0)
    day = [s for s in samples if 0 < s["t"] <= end] or samples[-1:]
    last = day[-1]
    best = 0.0
    for i, s in enumerate(samples):
        later = next((x for x in samples[i:] if x["t"] >= s["t"] + 10), None)
        if later is not None:
            best = max(best, (later["received"] - s["received"]) / (later["t"] - s["t"]))
    return {
        "arrival": last["sealed"] / max(last["t"], 1e-9), "ingest": last["received"] / max(last["t"], 1e-9),
        "best_ingest": best, "backlog_max": max((s["sealed"] - s["received"] for s in samples), default=0),
        "drain_s": (run.settled_at or end) - end,
    }


def markdown(run: Run, counts: list[Count], title: str = "") -> str:
    plan, options = run.plan, run.options
    shape = plan.shape
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    exact = all(c.ok for c in counts) and not run.failure
    lines = [f"## Run of {stamp}{title}", ""]
    lines += [f"`helpdesk simulate --offices {shape.offices} --scale {shape.scale:g} --seed {shape.seed} "
              f"--shards {options.shards} --day-minutes {options.day_minutes:g}` on {os.cpu_count()} cores "
              f"({platform.processor() or platform.machine()}), Python {platform.python_version()}: "
              f"{len(plan.offices)} offices ({len(plan.regencies)} regencies, {len(plan.provinces)} provinces, "
              f"the centre) in {len(run.shard_offices)} processes {run.shard_offices}, "
              f"{len(plan.consultations):,} consultations, {len(plan.cuts)} link cuts. "
              f"**{'Every count exact.' if exact else 'NOT EXACT: ' + (run.failure or 'see the counts')}**", ""]
    lines += _tables(counts, hop_times(run.plan, run.results))
    affected, longest, others = cut_waits(run)
    rates = audit_rates(run)
    factor = run.pace.factor if run.pace else 0.0
    lines += ["", f"- **Wall time:** nodes built and linked in {run.ready_s:.0f} s; the day ({factor:.0f}× compressed: "
              f"a simulated minute is {60 / factor:.2f} s) played its last consultation at "
              f"{run.last_closed_at or 0:.0f} s, every count settled at {run.settled_at or 0:.0f} s.",
              f"- **Behind a cut link:** {affected} escalations were sent while their regency or province was cut "
              f"off; the longest waited {longest:.1f} s for the hop (the longest of the others {others:.2f} s).",
              f"- **The centre's audit:** entries arrived at {rates['arrival']:.0f}/s over the day and were ingested "
              f"at {rates['ingest']:.0f}/s (best 10 s: {rates['best_ingest']:.0f}/s); the largest backlog was "
              f"{rates['backlog_max']:,} entries, drained {rates['drain_s']:.0f} s after the last consultation."]
    lines += _cost(run)
    return "\n".join(lines) + "\n"


def _tables(counts: list[Count], hops: list[tuple[str, int, float, float, float]]) -> list[str]:
    lines = ["| Count | Expected | Observed | |", "|---|---:|---:|---|"]
    lines += [f"| {c.what} | {c.expected:,} | {c.observed:,} | {'✓' if c.ok else '✗ ' + c.note} |" for c in counts]
    lines += ["", "| Time (wall seconds) | n | p50 | p99 | max |", "|---|---:|---:|---:|---:|"]
    return lines + [f"| {label} | {n:,} | {p50:.2f} | {p99:.2f} | {top:.2f} |" for label, n, p50, p99, top in hops]


def leaf_markdown(leaf: dict[str, Any], counts: list[Count]) -> str:
    """The province played in the production layout (gateways/simulation/leaf_province.py)."""
    plan, result, restarts = leaf["plan"], leaf["result"], leaf["restarts"]
    exact = all(c.ok for c in counts) and not leaf["failure"]
    province = plan.provinces[0]
    lines = ["", f"### {province} in the production layout", "",
             f"The centre, {province} and its {len(plan.regencies)} regencies as `helpdesk serve` processes (SQLite), "
             f"each on its own nats-server from `deploy/nats` (centre hub, province hub, a leaf per regency, separate "
             f"JetStream domains, TLS and nkeys), {len(plan.consultations)} consultations played over the HTTP API; "
             f"{restarts.get('regency_cut', '?')}'s leaf link cut for {restarts.get('regency_cut_s', 0):.0f} s, the "
             f"province hub restarted {restarts.get('province_hub', 0)}× (down {restarts.get('province_hub_down_s', 0)}"
             f" s). **{'Every count exact.' if exact else 'NOT EXACT: ' + (leaf['failure'] or 'see the counts')}**",
             ""]
    lines += _tables(counts, hop_times(plan, [result]))
    lines += ["", f"- **Cost:** the serve processes together at most {result['rss_mb']:.0f} MB, "
                  f"{result['cpu_s']:.0f} s CPU."]
    return "\n".join(lines) + "\n"


def _cost(run: Run) -> list[str]:
    cpu = sum(r["cpu_s"] for r in run.results) + run.nats.get("cpu_s", 0.0)
    per_thousand = cpu / max(len(run.plan.consultations), 1) * 1000
    rss = [r["rss_mb"] for r in run.results]
    ready = [r.get("rss_mb", 0.0) for r in run.ready]
    regency_nodes = sum(run.shard_offices[1:]) or 1
    per_node = sum(rss[1:]) / regency_nodes
    nats = run.nats
    return [
        f"- **Cost:** CPU {cpu:.0f} s in all ({per_thousand:.0f} s per 1,000 consultations, NATS included: "
        f"{nats.get('cpu_s', 0.0):.0f} s); memory per process at the end {', '.join(f'{x:.0f}' for x in rss)} MB "
        f"(the first holds the centre and the provinces; at start {', '.join(f'{x:.0f}' for x in ready)} MB), "
        f"about {per_node:.1f} MB per regency node with its share of the interpreter.",
        f"- **NATS at the end:** {nats.get('streams', '?')} streams, {nats.get('consumers', '?')} consumers, "
        f"{nats.get('connections', '?')} connections, {nats.get('messages', 0):,} messages, "
        f"{nats.get('stored_mb', 0.0):.1f} MB stored ({nats.get('disk_mb', 0.0):.1f} MB on disk), server memory "
        f"{nats.get('rss_mb', 0.0):.0f} MB.",
    ]


def summary(run: Run, counts: list[Count]) -> dict[str, Any]:
    """What a test or a script reads of the run (`--json`)."""
    return {"exact": all(c.ok for c in counts) and not run.failure, "failure": run.failure,
            "counts": [c.__dict__ for c in counts], "hops": hop_times(run.plan, run.results), "audit": audit_rates(run),
            "offices": len(run.plan.offices), "consultations": len(run.plan.consultations),
            "settled_s": run.settled_at, "cut_waits": cut_waits(run), "nats": run.nats}


def counts_of(run: Run) -> list[Count]:
    dead = run.samples[-1]["dead_letters"] if run.samples else 0
    return exact_counts(run.plan, run.results, dead) if run.results else []
