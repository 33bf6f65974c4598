"""Trend charts as inline SVG: failing findings per severity, per cloud, failing controls per framework.

Drawn from the history section's ``trend`` (one point per stored scan of the same targets, oldest
first). Plain SVG markup, no script, no font or network fetch, so the report stays one offline file;
every label is escaped, and each point carries a ``<title>`` (the value on hover, read by screen readers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 180, 16, 34
PALETTE = ("#2563eb", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be123c", "#4d7c0f", "#6b7280")


@dataclass(frozen=True)
class TrendChart:
    """One chart: a title and its SVG."""

    id: str
    title: str
    svg: Markup


def trend_charts(trend: Sequence[Mapping[str, Any]], severity_colors: Mapping[str, str]) -> list[TrendChart]:
    """The charts for a history trend; none for fewer than two scans (nothing to draw a line through)."""
    if len(trend) < 2:
        return []
    labels = [f"#{p['scan_id']}" for p in trend]
    severities = list(trend[-1]["failing_by_severity"])
    charts = [
        TrendChart(
            "trend-severity",
            "Failing findings per severity",
            line_chart(
                labels,
                {s: [p["failing_by_severity"].get(s, 0) for p in trend] for s in severities},
                severity_colors,
                "failing findings",
            ),
        )
    ]
    clouds = sorted({c for p in trend for c in p.get("failing_by_cloud", {})})
    if clouds:
        series = {c: [p.get("failing_by_cloud", {}).get(c, 0) for p in trend] for c in clouds}
        charts.append(
            TrendChart(
                "trend-cloud",
                "Failing findings per cloud",
                line_chart(labels, series, {}, "failing findings"),
            )
        )
    frameworks = sorted({f for p in trend for f in p.get("frameworks", {})})
    if frameworks:
        series = {f: [p.get("frameworks", {}).get(f, {}).get("fail", 0) for p in trend] for f in frameworks}
        charts.append(
            TrendChart(
                "trend-frameworks",
                "Failing controls per framework",
                line_chart(labels, series, {}, "failing controls"),
            )
        )
    return charts


def line_chart(
    labels: Sequence[str], series: Mapping[str, Sequence[int]], colors: Mapping[str, str], unit: str
) -> Markup:
    """An SVG line chart: one polyline per series over the x labels, a y axis from 0 to the maximum."""
    top = max((v for values in series.values() for v in values), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h - plot_h * v / top, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(unit)} per scan" preserveAspectRatio="xMinYMin meet">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#9ca3af"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#9ca3af"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h + 4}" text-anchor="end" font-size="11">0</text>',
    ]
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>'
            )
    for n, (name, values) in enumerate(series.items()):
        color = colors.get(name) or PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        parts.append(
            f'<polyline class="series" data-series="{escape(name)}" fill="none" stroke="{color}" stroke-width="2" points="{points}"/>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{x(i)}" cy="{y(v)}" r="3" fill="{color}"><title>{escape(name)} {escape(labels[i])}: {v} {escape(unit)}</title></circle>'
            )
        legend_y = TOP + 14 * n + 4
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 8}" width="10" height="10" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT + 26}" y="{legend_y + 1}" font-size="11">{escape(name)} ({values[-1]})</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
