"""Charts as PNG bytes: matplotlib's object API on the Agg canvas, off the event loop.

`pyplot` is never imported: it keeps global figure state and picks a GUI backend, neither of
which belongs in a bot. A `Figure` with a `FigureCanvasAgg` is self-contained, so rendering
in a worker thread (`asyncio.to_thread`) is safe.
"""

from __future__ import annotations

import asyncio
import io
import math
from collections.abc import Sequence

from bot.activity.api import ACTIVITY_KINDS
from bot.progress.rules import WeekMinutes

KIND_COLOURS = {
    "course": "#7FA7C9",
    "reading": "#A9C6DE",
    "math": "#4F7CA8",
    "coding": "#E39B4C",
    "project": "#C8663A",
    "interview": "#F2C16B",
    "community": "#6BAF8E",
}
RATIO_CAP = 10.0  # a week of nearly all theory would flatten the rest of the line


def weekly_chart_png(weeks: Sequence[WeekMinutes], title: str = "Study minutes by week") -> bytes:
    """Stacked bars of minutes per kind per week, with the theory:practice ratio as a line
    on a second axis (gaps where a week had no practice). Blocking: call via `render`."""
    # Imported here, not at module level: matplotlib takes ~2 s to import on a cold start,
    # which the bot should not pay before it is ready (the first /progress pays it instead).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    labels = [f"{w.start:%d %b}" for w in weeks]
    positions = list(range(len(weeks)))
    bottoms = [0.0] * len(weeks)
    for kind in ACTIVITY_KINDS:
        heights = [float(w.by_kind.get(kind, 0)) for w in weeks]
        if not any(heights):
            continue
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            label=kind,
            color=KIND_COLOURS.get(kind, "#999999"),
            width=0.7,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions, labels)
    axes.set_ylabel("minutes")
    axes.set_title(title)
    axes.set_xlabel("week starting")
    ratios = [min(RATIO_CAP, r) if (r := w.ratio) is not None else math.nan for w in weeks]
    # Headroom above the tallest bar keeps the legends off the data.
    axes.set_ylim(0, max(max(bottoms) * 1.4, 60.0))
    if any(not math.isnan(r) for r in ratios):
        second = axes.twinx()
        second.plot(positions, ratios, color="#333333", marker="o", label="theory : practice")
        second.axhline(3.0, color="#B03A2E", linestyle="--", linewidth=1, label="3 : 1")
        second.set_ylabel("theory : practice")
        highest = max(r for r in ratios if not math.isnan(r))
        second.set_ylim(0, max(3.0, highest) * 1.4)
        second.legend(loc="upper right", fontsize=8)
    if any(bottoms):
        axes.legend(loc="upper left", fontsize=8, ncols=2)
    else:
        axes.text(
            0.5, 0.5, "nothing logged yet", ha="center", va="center", transform=axes.transAxes
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def render(weeks: Sequence[WeekMinutes], title: str = "Study minutes by week") -> bytes:
    """Render off the event loop: matplotlib takes ~100 ms, long enough to stall the gateway."""
    return await asyncio.to_thread(weekly_chart_png, list(weeks), title)
