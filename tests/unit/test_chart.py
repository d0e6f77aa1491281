"""The `/progress` chart: what it shows, that it fits, and how it looks (reference images).

Each state (a new member, a member in their first week, an active member with a goal) is
rendered, composited on Discord's dark (#313338) and light (#FFFFFF) message backgrounds,
and compared with its reference under `chart_references/`, at the size Discord shows it
(400 px wide), with a tolerance: antialiasing differences pass, a missing line, a moved
legend or a changed text fail. The chart uses matplotlib's bundled DejaVu Sans by file and
matplotlib is pinned (pyproject), so another machine renders the same pixels.

After changing the chart on purpose, look at the new images, then rewrite the references:

    STUDYBOT_UPDATE_CHART_REFERENCES=1 pytest -p no:xdist tests/unit/test_chart.py
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image, ImageFilter

from bot.core.kinds import ACTIVITY_KINDS
from bot.progress import charts, rules

REFERENCES = Path(__file__).parent / "chart_references"
UPDATE = os.environ.get("STUDYBOT_UPDATE_CHART_REFERENCES") == "1"
THEMES = {"dark": "#313338", "light": "#FFFFFF"}
DISPLAY = (400, 250)  # how wide Discord shows an embed image, at most
# Tolerances at display size, per pixel the largest channel difference (0-255).
MAX_MEAN_DIFFERENCE = 1.5
MAX_CHANGED_SHARE = 0.002  # of pixels differing by more than CHANGED
CHANGED = 64

TODAY = date(2026, 3, 4)  # a Wednesday
MONDAY = rules.week_start(TODAY)

# An active member: eight weeks with a gap, theory early, more practice lately.
ACTIVE_ROWS: dict[int, list[tuple[str, int]]] = {
    7: [("course", 120), ("reading", 60)],
    6: [("course", 200), ("math", 90), ("coding", 40)],
    5: [],
    4: [("math", 60), ("coding", 120), ("project", 90), ("community", 30)],
    3: [("course", 90), ("coding", 150), ("project", 180), ("interview", 45)],
    2: [("reading", 45), ("project", 240), ("interview", 90), ("community", 60)],
    1: [("math", 45), ("coding", 200), ("project", 120), ("interview", 60)],
    0: [("course", 60), ("coding", 90), ("project", 60)],
}
FIRST_WEEK_ROWS = [("math", 45), ("coding", 60), ("course", 50), ("project", 90), ("community", 30)]


def _weeks(rows: list[tuple[date, str, int]]) -> list[rules.WeekMinutes]:
    return rules.minutes_by_week(rows, TODAY, 8)


def active_weeks() -> list[rules.WeekMinutes]:
    return _weeks(
        [
            (MONDAY - timedelta(weeks=ago), kind, minutes)
            for ago, items in ACTIVE_ROWS.items()
            for kind, minutes in items
        ]
    )


STATES: dict[str, Callable[[], bytes]] = {
    "new-member": lambda: charts.weekly_chart_png(_weeks([])),
    "first-week": lambda: charts.weekly_chart_png(
        _weeks([(MONDAY, kind, minutes) for kind, minutes in FIRST_WEEK_ROWS]), goal_minutes=360
    ),
    "active-member": lambda: charts.weekly_chart_png(active_weeks(), goal_minutes=600),
}


def composite(png: bytes, background: str) -> Image.Image:
    """The PNG as a member sees it on a theme's background (its corners are transparent)."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    base = Image.new("RGBA", image.size, background)
    base.alpha_composite(image)
    return base.convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(mean, share of pixels changed by more than CHANGED) at display size, after a slight
    blur that forgives sub-pixel antialiasing."""

    def prepare(image: Image.Image) -> np.ndarray:
        small = image.resize(DISPLAY, Image.Resampling.BOX)
        return np.asarray(small.filter(ImageFilter.GaussianBlur(0.5)), dtype=np.int16)

    diff = np.abs(prepare(a) - prepare(b)).max(axis=2)
    return float(diff.mean()), float((diff > CHANGED).mean())


def looks_the_same(a: Image.Image, b: Image.Image) -> bool:
    mean, changed = difference(a, b)
    return a.size == b.size and mean <= MAX_MEAN_DIFFERENCE and changed <= MAX_CHANGED_SHARE


@pytest.mark.parametrize("theme", sorted(THEMES))
@pytest.mark.parametrize("state", sorted(STATES))
def test_chart_matches_its_reference_image(state: str, theme: str) -> None:
    rendered = composite(STATES[state](), THEMES[theme])
    path = REFERENCES / f"{state}-{theme}.png"
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        rendered.save(path, optimize=True)
    reference = Image.open(path).convert("RGB")
    assert rendered.size == reference.size == (1600, 1000)
    mean, changed = difference(rendered, reference)
    assert mean <= MAX_MEAN_DIFFERENCE and changed <= MAX_CHANGED_SHARE, (
        f"{path.name}: mean difference {mean:.2f}, {changed:.2%} of pixels changed. If the "
        "change is on purpose, look at the chart and rewrite the references (module docstring)."
    )


def test_the_comparison_tells_a_changed_chart_from_an_antialiasing_difference() -> None:
    """The tolerance is meaningful: without its goal line, with another goal, or with one
    line of text changed, a chart fails; with no antialiasing at all it still passes (a far
    bigger difference than another machine's font rasteriser makes)."""
    import matplotlib

    reference = composite(STATES["active-member"](), THEMES["dark"])
    without_goal = composite(charts.weekly_chart_png(active_weeks()), THEMES["dark"])
    other_goal = composite(
        charts.weekly_chart_png(active_weeks(), goal_minutes=540), THEMES["dark"]
    )
    assert not looks_the_same(reference, without_goal)
    assert not looks_the_same(reference, other_goal)
    new = composite(STATES["new-member"](), THEMES["dark"])
    new_with_goal = composite(charts.weekly_chart_png(_weeks([]), goal_minutes=300), "#313338")
    assert not looks_the_same(new, new_with_goal)  # one line of small text differs
    with matplotlib.rc_context({"patch.antialiased": False, "text.antialiased": False}):
        jagged = composite(STATES["active-member"](), THEMES["dark"])
    assert jagged.tobytes() != reference.tobytes()
    assert looks_the_same(reference, jagged)


def test_the_card_has_transparent_rounded_corners_and_2x_density() -> None:
    image = Image.open(io.BytesIO(STATES["active-member"]())).convert("RGBA")
    assert image.size == (1600, 1000)
    width, height = image.size
    for x, y in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)):
        assert image.getpixel((x, y))[3] == 0  # the theme shows through the corners
    r, g, b, a = image.getpixel((width // 2, 8))
    assert a == 255 and (r, g, b) == (0x2B, 0x2D, 0x31)  # Discord's dark embed colour


def test_the_fast_png_encoding_keeps_every_pixel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart is encoded at zlib's fastest level for `/progress`'s answer time: the same
    pixels as Pillow's default level (PNG is lossless), in a file that stays small."""
    fast = STATES["active-member"]()
    monkeypatch.setattr(charts, "PNG_COMPRESS_LEVEL", 6)
    default = STATES["active-member"]()
    decoded = [Image.open(io.BytesIO(png)).convert("RGBA").tobytes() for png in (fast, default)]
    assert decoded[0] == decoded[1]
    assert len(fast) < 400_000


def _texts_outside_the_card(figure: Figure) -> list[str]:
    """The texts drawn outside the figure (cut off in the PNG)."""
    from matplotlib.text import Text

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    figure.draw(renderer)
    width, height = figure.bbox.width, figure.bbox.height
    outside = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
            outside.append(text.get_text())
    return outside


@pytest.mark.parametrize(
    ("rows", "goal"),
    [
        ([], None),
        ([], 4800),
        ([(MONDAY, "reading", 2999)], 4800),  # all theory, the longest words
        ([(MONDAY, "course", 2999), (MONDAY, "coding", 1)], 60),  # a long ratio
        (
            [(MONDAY - timedelta(weeks=w), k, 1440) for w in range(8) for k in ("math", "project")]
            + [
                (MONDAY, kind, 50)
                for kind in ("course", "reading", "coding", "interview", "community")
            ],
            4800,
        ),
    ],
)
def test_no_text_is_cut_off(rows: list[tuple[date, str, int]], goal: int | None) -> None:
    figure = charts.weekly_chart_figure(_weeks(rows), goal_minutes=goal)
    assert _texts_outside_the_card(figure) == []


def test_the_chart_starts_at_the_first_week_with_study() -> None:
    weeks = _weeks([(MONDAY - timedelta(weeks=2), "math", 30), (MONDAY, "coding", 20)])
    shown = charts.visible_weeks(weeks)
    assert [w.start for w in shown] == [MONDAY - timedelta(weeks=n) for n in (2, 1, 0)]
    assert shown[1].total == 0  # a gap after the first study stays
    assert charts.visible_weeks(_weeks([])) == []


def test_labels_are_friendly_hours_and_kind_names() -> None:
    assert charts.hours_text(6) == "6 h" and charts.hours_text(2.5) == "2.5 h"
    assert charts.hours_text(1.5) == "1.5 h" and charts.hours_text(0) == "0 h"
    assert set(charts.KIND_LABELS) == set(ACTIVITY_KINDS)
    assert all(label[0].isupper() and "_" not in label for label in charts.KIND_LABELS.values())
    starts = [date(2026, 1, 26), date(2026, 2, 2), date(2026, 2, 9), date(2026, 3, 2)]
    assert charts.month_marks(starts) == [(0, "Jan"), (1, "Feb"), (3, "Mar")]


def test_the_balance_is_told_in_words_without_a_target() -> None:
    assert charts.balance_words(0, 0) == "no theory or practice logged"
    assert charts.balance_words(120, 0) == "all theory, no practice yet"
    assert charts.balance_words(0, 60) == "all practice: coding, projects and interviews"
    assert charts.balance_words(100, 90) == "about as much theory as practice"
    assert charts.balance_words(300, 60) == "5.0 h of theory for every hour of practice"
    assert charts.balance_words(60, 150) == "2.5 h of practice for every hour of theory"
    assert charts.balance_span(1) == "This week"
    assert charts.balance_span(3) == "Last 3 weeks"
    assert charts.balance_span(8) == "Last 4 weeks"
