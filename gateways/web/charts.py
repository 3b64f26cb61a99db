"""Charts drawn on the server as inline SVG: no script library, printable, and named for a screen reader.

Pure functions from numbers to markup. Each chart carries a <title> and a <desc> (referenced by aria-labelledby);
the page shows the same numbers in a table for screen readers. No data at all gives a short text instead of an
empty drawing. Every text passed in is escaped here; the caller translates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# Distinct on white (contrast >= 3:1 for graphics), and told apart by the legend's names, not by colour alone.
PALETTE = ("#1f4e79", "#b35c00", "#2e7d32", "#6a1b9a", "#5d4037", "#00695c")
INK = "#1a1a1a"
GRID = "#c8c8c8"
TRACK = "#eceff1"


@dataclass(frozen=True)
class Series:
    """One stacked part of every bar (e.g. a channel): its name in the legend and one value per category."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, a value from 0 to 100 (None: nothing to show) and the text beside it."""

    label: str
    value: float | None
    text: str


def nice_scale(largest: float, ticks: int = 4) -> tuple[float, float]:
    """(top of the axis, step between ticks): a round step (1, 2 or 5 times a power of ten) covering `largest`."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / ticks
    power = 1.0
    while power * 10 <= raw:
        power *= 10
    while power > raw and power > 1:
        power /= 10
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)  # counts: never a fractional tick
    top = step * -(-largest // step)
    return top, step


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _empty(text: str) -> Markup:
    return Markup(f'<p class="chart-empty">{escape(text)}</p>')


def _head(chart_id: str, width: float, height: float, title: str, description: str) -> str:
    return (
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{escape(chart_id)}-title'
        f' {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"'
        f' font-size="12">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )


def stacked_bars(
    chart_id: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    empty_text: str,
    x_title: str,
    y_title: str,
    width: float = 720,
    height: float = 320,
    threshold: tuple[str, int] | None = None,
) -> Markup:
    """Vertical bars, one per category, each stacked from the series in order; a legend names the series. A
    `threshold` (its name, its value) is drawn as a dashed line across the bars (a registration requirement)."""
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories")
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(empty_text)

    left, right, top, bottom = 52.0, width - 12, 16.0, height - 92
    plot_w, plot_h = right - left, bottom - top
    axis_top, step = nice_scale(max(*totals, threshold[1] if threshold else 0))
    slot = plot_w / len(categories)
    bar_w = slot * 0.64
    parts = [_head(chart_id, width, height, title, description)]

    # Grid lines and the count axis.
    tick = 0.0
    while tick <= axis_top + 1e-9:
        y = bottom - tick / axis_top * plot_h
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{GRID}"'
                     f' stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" fill="{INK}">'
                     f'{int(tick)}</text>')
        tick += step
    parts.append(f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" stroke="{INK}"/>')
    parts.append(f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" stroke="{INK}"/>')
    parts.append(f'<text class="axis-title" x="14" y="{_n(top + plot_h / 2)}" text-anchor="middle" fill="{INK}"'
                 f' transform="rotate(-90 14 {_n(top + plot_h / 2)})">{escape(y_title)}</text>')

    # One group per category: its stacked segments, its label under the axis, its total above.
    for i, (category, total) in enumerate(zip(categories, totals, strict=True)):
        x = left + i * slot + (slot - bar_w) / 2
        detail = ", ".join(f"{s.name} {s.values[i]}" for s in series if s.values[i])
        parts.append(f'<g class="bar" data-category="{escape(category)}" data-total="{total}">'
                     f'<title>{escape(category)}: {total}{" (" + escape(detail) + ")" if detail else ""}</title>')
        y = bottom
        for k, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            h = value / axis_top * plot_h
            y -= h
            parts.append(f'<rect class="segment" x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(h)}"'
                         f' fill="{PALETTE[k % len(PALETTE)]}" data-series="{escape(s.name)}" data-value="{value}"/>')
        if total:
            parts.append(f'<text class="total" x="{_n(x + bar_w / 2)}" y="{_n(y - 3)}" text-anchor="middle"'
                         f' fill="{INK}" font-size="11">{total}</text>')
        parts.append(f'<text class="label" x="{_n(x + bar_w / 2)}" y="{_n(bottom + 16)}" text-anchor="middle"'
                     f' fill="{INK}" font-size="11">{escape(category)}</text>')
        parts.append("</g>")
    parts.append(f'<text class="axis-title" x="{_n(left + plot_w / 2)}" y="{_n(bottom + 36)}" text-anchor="middle"'
                 f' fill="{INK}">{escape(x_title)}</text>')
    if threshold is not None:
        y = bottom - threshold[1] / axis_top * plot_h
        parts.append(f'<g class="threshold" data-value="{threshold[1]}"><line x1="{_n(left)}" y1="{_n(y)}"'
                     f' x2="{_n(right)}" y2="{_n(y)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{_n(right)}" y="{_n(y - 4)}" text-anchor="end" fill="{INK}">'
                     f'{escape(threshold[0])} {threshold[1]}</text></g>')

    # The legend, as text beside a swatch: the series are told apart by name.
    lx, ly = left, bottom + 62
    parts.append('<g class="legend">')
    for k, s in enumerate(series):
        parts.append(f'<rect x="{_n(lx)}" y="{_n(ly - 10)}" width="12" height="12"'
                     f' fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="{_n(lx + 16)}" y="{_n(ly)}" fill="{INK}">{escape(s.name)}</text>')
        lx += 28 + 7.2 * len(s.name)
        if lx > right - 80 and k < len(series) - 1:
            lx, ly = left, ly + 18
    parts.append("</g></svg>")
    return Markup("".join(parts))


def horizontal_bars(
    chart_id: str,
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    empty_text: str,
    width: float = 720,
) -> Markup:
    """One row per item: its label above a track 0–100, filled to its value, the value's text at the end."""
    if not bars or all(b.value is None for b in bars):
        return _empty(empty_text)
    left, right, top, row_h = 8.0, width - 90, 8.0, 44.0
    track_w = right - left
    height = top + row_h * len(bars) + 4
    parts = [_head(chart_id, width, height, title, description)]
    for i, b in enumerate(bars):
        y = top + i * row_h
        parts.append(f'<g class="hbar" data-label="{escape(b.label)}"'
                     f' data-value="{"" if b.value is None else _n(b.value)}">')
        parts.append(f'<text class="label" x="{_n(left)}" y="{_n(y + 12)}" fill="{INK}">{escape(b.label)}</text>')
        parts.append(f'<rect class="track" x="{_n(left)}" y="{_n(y + 18)}" width="{_n(track_w)}" height="16"'
                     f' fill="{TRACK}"/>')
        if b.value is not None:
            value = min(max(b.value, 0.0), 100.0)
            parts.append(f'<rect class="fill" x="{_n(left)}" y="{_n(y + 18)}" width="{_n(track_w * value / 100)}"'
                         f' height="16" fill="{PALETTE[0]}"/>')
        parts.append(f'<text class="value" x="{_n(right + 6)}" y="{_n(y + 31)}" fill="{INK}">{escape(b.text)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
