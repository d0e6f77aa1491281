"""The `/progress` chart as PNG bytes: matplotlib's object API on the Agg canvas, off the loop.

`pyplot` is never imported: it keeps global figure state and picks a GUI backend, neither of
which belongs in a bot. A `Figure` with a `FigureCanvasAgg` is self-contained, so rendering
in a worker thread (`asyncio.to_thread`) is safe. Nothing here touches matplotlib's global
`rcParams` either: every text gets its font and size explicitly.

How it is made to read in Discord:
- **A dark card with rounded, transparent corners.** Discord does not tell a bot which theme
  a member uses, and no text colour reads on both a transparent-over-white and a
  transparent-over-#313338 background, so the chart brings its own background: Discord's
  dark embed colour, which blends into the dark theme and sits as a tidy card in the light
  one. `tests/unit/chart_references/` keeps both composites.
- **2× pixel density, sized for ~400 px.** Discord shows an embed image at most ~400 px wide
  (less on a phone); the PNG is 1600 × 1000 px, so the smallest text (16 pt at 200 dpi) is
  ~11 px tall at that size, and sharp on high-density screens.
- **Hours on one axis**, friendly kind names, the weekly goal as a labelled line, and the
  theory : practice balance in words on a separate strip (no second axis to mistake for a
  target). Weeks before the member's first study are left out; a member with nothing logged
  gets an encouraging card instead of empty weeks.
- **The bundled DejaVu Sans**, by file, so a system font of the same name (another version)
  can never change the rendering.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.activity.api import ACTIVITY_KINDS
from bot.progress.rules import (
    WeekMinutes,
    format_minutes,
    one_sided,
    split_theory_practice,
    totals_by_kind,
)
from bot.progress.views.common import KIND_LABELS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

PNG_COMPRESS_LEVEL = 1
# Size: 8 × 5 in at 200 dpi = 1600 × 1000 px, shown at ~400 px (a quarter) in an embed.
FIGURE_INCHES = (8.0, 5.0)
DPI = 200

# Discord's dark theme: the embed background, its text, muted text and hairlines.
CARD = "#2B2D31"
TEXT = "#F2F3F5"
MUTED = "#B5BAC1"
GRID = "#4E5058"
GOAL = "#FFFFFF"
GOAL_DASHES = (0, (4, 2.5))
CARD_RADIUS = 0.035  # of the figure's height

# Font sizes in points (at 200 dpi and a quarter scale, 1 pt ≈ 0.7 px on screen).
TITLE_PT = 24
BODY_PT = 17
SMALL_PT = 16

# Theory in blues, practice in oranges and yellows, community in green: bright enough for
# the dark card, distinct in lightness as well as hue (colour-blind readers see the order).
KIND_COLOURS = {
    "course": "#6FA8FF",
    "reading": "#B3D1FF",
    "math": "#3D74D6",
    "coding": "#F0A04B",
    "project": "#D9653B",
    "interview": "#F7D46A",
    "community": "#5DC28F",
}
THEORY_COLOUR = "#6FA8FF"
PRACTICE_COLOUR = "#F0A04B"
MIN_SLOTS = 4  # a member's first weeks keep bars of a sensible width
RATIO_WEEKS = 4  # the balance strip covers what the dashboard's text does
EVEN_BAND = (0.8, 1.25)  # theory per practice hour that reads as "about as much"
# The first-steps card's faint bars: what a few weeks of study will look like.
GHOST_BARS = (
    ("reading", 0.35),
    ("course", 0.55),
    ("coding", 0.45),
    ("project", 0.8),
    ("math", 0.95),
)


def visible_weeks(weeks: Sequence[WeekMinutes]) -> list[WeekMinutes]:
    """The weeks worth a bar: from the first week with any study to the current one.

    A member who started two weeks ago sees two weeks, not six empty ones before them;
    empty weeks after the first study stay (a gap is part of the story). Nothing at all
    logged: an empty list (the chart shows its first-steps card instead).
    """
    first = next((i for i, week in enumerate(weeks) if week.total > 0), None)
    return [] if first is None else list(weeks[first:])


def month_marks(starts: Sequence[date]) -> list[tuple[int, str]]:
    """Where a month's name goes under the day numbers: the first bar and each new month."""
    marks = []
    for index, start in enumerate(starts):
        if index == 0 or start.month != starts[index - 1].month:
            marks.append((index, f"{start:%b}"))
    return marks


def hours_text(hours: float) -> str:
    """'6 h', '2.5 h' (goal and axis labels)."""
    return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"


def balance_span(weeks_shown: int) -> str:
    """Which weeks the balance covers, as the member sees them: at most the last four."""
    if weeks_shown >= RATIO_WEEKS:
        return f"Last {RATIO_WEEKS} weeks"
    return "This week" if weeks_shown <= 1 else f"Last {weeks_shown} weeks"


def balance_words(theory: int, practice: int) -> str:
    """The theory : practice balance in words, without implying a target."""
    side = one_sided(theory, practice)
    if side is not None:
        return side.words
    ratio = theory / practice
    if EVEN_BAND[0] <= ratio <= EVEN_BAND[1]:
        return "about as much theory as practice"
    if ratio > 1:
        return f"{ratio:.1f} h of theory for every hour of practice"
    return f"{1 / ratio:.1f} h of practice for every hour of theory"


@cache
def _font_file(bold: bool) -> str:
    from matplotlib import get_data_path

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(get_data_path()) / "fonts" / "ttf" / name)


def _font(size: float, *, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=_font_file(bold), size=size)


def _new_figure() -> Figure:
    """A transparent figure holding the rounded dark card."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    figure.patch.set_alpha(0.0)
    # Rounding in figure fractions: `mutation_aspect` makes the corners circles, not ovals.
    aspect = FIGURE_INCHES[1] / FIGURE_INCHES[0]
    figure.add_artist(
        FancyBboxPatch(
            (0, 0),
            1,
            1,
            boxstyle=f"round,pad=0,rounding_size={CARD_RADIUS * aspect}",
            mutation_aspect=1 / aspect,
            transform=figure.transFigure,
            facecolor=CARD,
            edgecolor="none",
            zorder=-10,
        )
    )
    return figure


def _heading(figure: Figure, title: str, subtitle: str) -> None:
    figure.text(0.045, 0.915, title, color=TEXT, fontproperties=_font(TITLE_PT, bold=True))
    figure.text(0.045, 0.855, subtitle, color=MUTED, fontproperties=_font(BODY_PT), va="top")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=DPI,
        facecolor="none",
        metadata={"Software": None},
        # zlib's fastest level: the same pixels (PNG is lossless) in about half the time of
        # Pillow's default 6, for a file ~25 % larger (~130 kB, far below Discord's limits).
        # Encoding was the largest part of `/progress`'s answer time.
        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL},
    )
    return buffer.getvalue()


def _style_axes(axes: Axes) -> None:
    axes.set_facecolor("none")
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.spines["bottom"].set_linewidth(1.5)
    axes.tick_params(colors=MUTED, length=0, pad=8)
    axes.grid(axis="y", color=GRID, linewidth=1.0)
    axes.set_axisbelow(True)


def _bars(axes: Axes, shown: Sequence[WeekMinutes], goal_hours: float | None) -> list[str]:
    """The stacked bars (hours per kind) and the goal line; returns the kinds drawn."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    positions = list(range(len(shown)))
    bottoms = [0.0] * len(shown)
    drawn: list[str] = []
    for kind in ACTIVITY_KINDS:
        heights = [week.by_kind.get(kind, 0) / 60 for week in shown]
        if not any(heights):
            continue
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            width=0.64,
            color=KIND_COLOURS[kind],
            edgecolor=CARD,
            linewidth=1.5,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        drawn.append(kind)
    top = max([*bottoms, goal_hours or 0.0, 1.0])
    axes.set_ylim(0, top * 1.12)
    # Fewer weeks than MIN_SLOTS: bars keep their width and sit in the middle.
    spare = max(0, MIN_SLOTS - len(shown)) / 2
    axes.set_xlim(-0.6 - spare, len(shown) - 0.4 + spare)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: hours_text(value)))
    starts = [week.start for week in shown]
    axes.set_xticks(positions, [str(start.day) for start in starts])
    marks = month_marks(starts)
    axes.xaxis.remove_overlapping_locs = False  # the month goes under a day's number
    axes.set_xticks([i for i, _ in marks], [name for _, name in marks], minor=True)
    axes.tick_params(axis="x", which="minor", pad=27, colors=MUTED, length=0)
    for label in [
        *axes.get_xticklabels(),
        *axes.get_xticklabels(minor=True),
        *axes.get_yticklabels(),
    ]:
        label.set_fontproperties(_font(SMALL_PT))
    if goal_hours:
        axes.axhline(goal_hours, color=GOAL, linestyle=GOAL_DASHES, linewidth=2.5, zorder=3)
    return drawn


def _legend(figure: Figure, kinds: Sequence[str], goal_hours: float | None) -> None:
    """The key, right of the bars: the weekly goal first, then the kinds drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = []
    if goal_hours:
        handles.append(
            Line2D(
                [],
                [],
                color=GOAL,
                linestyle=GOAL_DASHES,
                linewidth=2.5,
                label=f"Goal {hours_text(goal_hours)}",
            )
        )
    handles.extend(Patch(color=KIND_COLOURS[k], label=KIND_LABELS[k]) for k in kinds)
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.75, 0.8),
        frameon=False,
        prop=_font(SMALL_PT),
        labelcolor=TEXT,
        handlelength=1.4,
        handleheight=0.9,
        handletextpad=0.6,
        labelspacing=0.45,
        borderaxespad=0,
    )


def _balance_strip(figure: Figure, theory: int, practice: int, span: str) -> None:
    """The recent theory : practice balance, in words over a bar split in two."""
    figure.text(
        0.045,
        0.155,
        f"{span}: {balance_words(theory, practice)}",
        color=TEXT,
        fontproperties=_font(SMALL_PT),
        va="baseline",
    )
    total = theory + practice
    share = theory / total if total else 0.5
    labels = (
        (0.045, f"Theory {round(share * 100)}%", "Theory", THEORY_COLOUR, "left"),
        (0.955, f"{round((1 - share) * 100)}% Practice", "Practice", PRACTICE_COLOUR, "right"),
    )
    for x, with_share, bare, colour, align in labels:
        figure.text(
            x,
            0.073,
            with_share if total else bare,
            color=colour,
            fontproperties=_font(SMALL_PT, bold=True),
            ha=align,
            va="center",
        )
    strip = figure.add_axes((0.265, 0.052, 0.45, 0.046))
    strip.set_axis_off()
    strip.set_xlim(0, 1)
    strip.set_ylim(0, 1)
    if total:
        strip.barh(0.5, share, height=1.0, color=THEORY_COLOUR)
        strip.barh(0.5, 1 - share, height=1.0, left=share, color=PRACTICE_COLOUR)
    else:
        strip.barh(0.5, 1.0, height=1.0, color=GRID)


def _first_steps(goal_minutes: int | None) -> Figure:
    """The card a member sees before logging anything: what the chart will show, and how."""
    figure = _new_figure()
    _heading(figure, "Your study, week by week", "Every week you study gets a bar here")
    ghost = figure.add_axes((0.22, 0.39, 0.56, 0.36))
    ghost.set_axis_off()
    for index, (kind, height) in enumerate(GHOST_BARS):
        ghost.bar(index, height, width=0.62, color=KIND_COLOURS[kind], alpha=0.22)
    ghost.set_xlim(-0.6, len(GHOST_BARS) - 0.4)
    ghost.set_ylim(0, 1)
    figure.text(
        0.5,
        0.27,
        "Your first bar is one /log away",
        color=TEXT,
        ha="center",
        fontproperties=_font(BODY_PT + 3, bold=True),
    )
    figure.text(
        0.5,
        0.185,
        "Try  /log minutes:30 kind:reading",
        color=MUTED,
        ha="center",
        fontproperties=_font(BODY_PT),
    )
    figure.text(
        0.5,
        0.105,
        f"Your goal: {hours_text(goal_minutes / 60)} a week"
        if goal_minutes
        else "and set a weekly goal with  /goal",
        color=MUTED,
        ha="center",
        fontproperties=_font(BODY_PT),
    )
    return figure


def weekly_chart_figure(weeks: Sequence[WeekMinutes], *, goal_minutes: int | None = None) -> Figure:
    """Stacked bars of hours per kind per week (oldest first, the current week last), the
    weekly goal as a line, and the recent theory : practice balance; a first-steps card
    when nothing is logged yet."""
    shown = visible_weeks(weeks)
    if not shown:
        return _first_steps(goal_minutes)
    goal_hours = goal_minutes / 60 if goal_minutes else None
    figure = _new_figure()
    subtitle = f"This week: {format_minutes(shown[-1].total)}"
    if goal_hours:
        subtitle += f" of your {hours_text(goal_hours)} goal"
    _heading(figure, "Study hours by week", subtitle)
    axes = figure.add_axes((0.1, 0.34, 0.62, 0.44))
    _style_axes(axes)
    drawn = _bars(axes, shown, goal_hours)
    _legend(figure, drawn, goal_hours)
    theory, practice = split_theory_practice(totals_by_kind(weeks[-RATIO_WEEKS:]))
    _balance_strip(figure, theory, practice, balance_span(len(shown)))
    return figure


def weekly_chart_png(weeks: Sequence[WeekMinutes], *, goal_minutes: int | None = None) -> bytes:
    """The chart as a PNG (1600 × 1000, transparent corners). Blocking: call via `render`."""
    return _png(weekly_chart_figure(weeks, goal_minutes=goal_minutes))


async def render(weeks: Sequence[WeekMinutes], *, goal_minutes: int | None = None) -> bytes:
    """Render off the event loop: matplotlib takes ~100 ms, long enough to stall the gateway.

    A thread, not the bot's worker process: measured on 100k members, `/progress` answered
    at p99 186-204 ms rendering in a thread and 344-364 ms in the worker process (same run,
    `bench_interactions`), whose round trip cost more than the lock it spared."""
    return await asyncio.to_thread(weekly_chart_png, list(weeks), goal_minutes=goal_minutes)
