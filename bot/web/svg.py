"""Charts as inline SVG, drawn on the server: no script, no chart library in the browser, and
nothing the Content-Security-Policy has to allow. Colours are the `/progress` chart's."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from bot.progress.charts import KIND_COLOURS
from bot.progress.rules import WeekMinutes
from bot.progress.views.common import KIND_LABELS

WIDTH = 900  # the weekly chart spans a page (its text then shows at about 12 px)
BARS_WIDTH = 460  # the horizontal bars sit in half a page
BAR_AREA = 220
NEUTRAL = "#5865F2"


def _nice_max(value: float) -> float:
    """A round axis top at or above `value` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= value:
            return factor * step
    return 10 * step  # pragma: no cover


def weekly_hours(weeks: Sequence[WeekMinutes], kinds: Sequence[str]) -> Markup:
    """Stacked bars of study hours per week, one colour per activity kind, with a legend."""
    top = _nice_max(max((w.total for w in weeks), default=0) / 60)
    left, bottom = 44, 24
    slot = (WIDTH - left - 8) / max(len(weeks), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {BAR_AREA + bottom + 34}" role="img" '
        f'aria-label="Study hours per week">',
    ]
    for tick in (0, top / 2, top):
        y = BAR_AREA - tick / top * (BAR_AREA - 10)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{tick:g} h</text>'
        )
    for index, week in enumerate(weeks):
        x = left + index * slot + slot * 0.15
        y = float(BAR_AREA)
        for kind in kinds:
            minutes = week.by_kind.get(kind, 0)
            if minutes <= 0:
                continue
            height = minutes / 60 / top * (BAR_AREA - 10)
            y -= height
            label = escape(f"{KIND_LABELS.get(kind, kind)}: {minutes / 60:.1f} h")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
                f'fill="{KIND_COLOURS.get(kind, NEUTRAL)}"><title>{label}</title></rect>'
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{BAR_AREA + 16}" class="axis" '
            f'text-anchor="middle">{escape(week.start.strftime("%d %b"))}</text>'
        )
    x = float(left)
    for kind in kinds:
        parts.append(
            f'<rect x="{x:.0f}" y="{BAR_AREA + bottom + 12}" width="10" height="10" '
            f'fill="{KIND_COLOURS.get(kind, NEUTRAL)}"/>'
            f'<text x="{x + 14:.0f}" y="{BAR_AREA + bottom + 21}" class="legend">'
            f"{escape(KIND_LABELS.get(kind, kind))}</text>"
        )
        x += 14 + 8 * len(KIND_LABELS.get(kind, kind)) + 12
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(rows: Sequence[tuple[str, int]], label: str) -> Markup:
    """One labelled horizontal bar per (label, count) row, for counts of members."""
    top = max((count for _, count in rows), default=0) or 1
    height = 26 * len(rows) + 6
    left = 90
    view = f"0 0 {BARS_WIDTH} {height}"
    parts = [f'<svg class="chart" viewBox="{view}" role="img" aria-label="{escape(label)}">']
    for index, (name, count) in enumerate(rows):
        y = 4 + index * 26
        width = (BARS_WIDTH - left - 70) * count / top
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" class="axis" text-anchor="end">'
            + str(escape(name))
            + "</text>"
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="20" rx="3" fill="{NEUTRAL}"/>'
            f'<text x="{left + width + 6:.1f}" y="{y + 15}" class="value">{count:,}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
