"""Small server-rendered SVG charts (no JavaScript needed to read them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape


def cumulative_chart(series: list[dict[str, Any]], total: int, *, title: str,
                     width: int = 640, height: int = 220) -> Markup:
    """A step chart of a cumulative count per day, against `total`."""
    pad_l, pad_r, pad_t, pad_b = 48, 16, 14, 30
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max(total, max((p["cumulative"] for p in series), default=0), 1)
    days = [date.fromisoformat(p["date"]) for p in series]
    span = max((days[-1] - days[0]).days, 1) if days else 1

    def x(day: date) -> float:
        return pad_l + inner_w * ((day - days[0]).days / span if days else 0)

    def y(value: float) -> float:
        return pad_t + inner_h * (1 - value / top)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title">',
             f'<title id="chart-title">{escape(title)}</title>']
    for fraction in (0, 0.5, 1):
        value = round(top * fraction)
        parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#d9e2ec"/>')
        parts.append(f'<text x="{pad_l - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f'{value}</text>')
    if series:
        points, previous = [], 0
        for day, point in zip(days, series, strict=True):
            left = x(day)
            points += [f"{left:.1f},{y(previous):.1f}", f"{left:.1f},{y(point['cumulative']):.1f}"]
            previous = point["cumulative"]
        points.append(f"{width - pad_r:.1f},{y(previous):.1f}")
        parts.append(f'<polyline fill="none" stroke="#1f4e79" stroke-width="2.5" '
                     f'points="{" ".join(points)}"/>')
        parts.append(f'<text x="{pad_l}" y="{height - 8}">{escape(series[0]["date"])}</text>')
        parts.append(f'<text x="{width - pad_r}" y="{height - 8}" text-anchor="end">'
                     f'{escape(series[-1]["date"])}</text>')
    else:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">'
                     "No notice provided yet</text>")
    parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(total):.1f}" '
                 f'y2="{y(total):.1f}" stroke="#a61b1b" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    svg = "".join(parts)
    return Markup(svg)  # nosec B704 # only numbers and escape()d text
