"""Percentiles of latency samples (seconds in, milliseconds out)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linearly interpolated between the nearest ranks."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(samples: Sequence[float], q: float) -> float:
    return percentile(samples, q) * 1000
