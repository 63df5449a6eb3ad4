"""Charts looked at as a person would: real PNGs, the right size, hidden figures as gaps."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from exports.aggregate import Period
from exports.charts import COLOURS, bar_chart, trend_chart
from exports.trends import Line, Point

PERIODS = [Period(2025, i) for i in range(3)] + [Period(2026, 0)]


def pixels(chart) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(chart.png())).convert("RGB")).astype(int)


def near(img: np.ndarray, colour: str, tolerance: int = 40) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return np.abs(img - rgb).sum(axis=2) < tolerance


def test_a_trend_chart_is_a_real_png_with_gaps_where_figures_are_hidden():
    line = Line(
        "Ages 7–11",
        "7-11",
        (
            Point(PERIODS[0], 40.0, 50),
            Point(PERIODS[1], 50.0, 55),
            Point(PERIODS[2], None, None),  # hidden: too few answers
            Point(PERIODS[3], 70.0, 60),
        ),
    )
    chart = trend_chart("t", "Would tell a trusted adult", [line], PERIODS)
    png = chart.png()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    img = pixels(chart)
    assert img.shape[:2] == (520, 1000)  # 10 × 5.2 inches at 100 dpi
    ax = chart.figure.axes[0]
    blue = near(img, COLOURS[0])

    def blue_near(x: float, y: float, r: int = 6) -> bool:
        px, py = ax.transData.transform((x, y))
        row = img.shape[0] - round(py)
        col = round(px)
        return bool(blue[row - r : row + r, col - r : col + r].any())

    assert blue_near(0, 40) and blue_near(1, 50) and blue_near(3, 70)
    # No point and no line at the hidden term: not at zero, not anywhere in the column.
    px, _ = ax.transData.transform((2, 0))
    top, bottom = (img.shape[0] - int(ax.transData.transform((0, y))[1]) for y in (100, 0))
    column = blue[top:bottom, int(px) - 2 : int(px) + 3]
    assert not column.any()
    assert "1 figure(s) hidden" in chart.alt and "from 40%" in chart.alt
    assert b"Would tell a trusted adult" in chart.svg()
    chart.figure.clear()


def test_a_hidden_bar_is_a_c_not_a_zero():
    bars = [("Ages 7–11", 62.0, 40), ("Ages 11–14", None, None)]
    chart = bar_chart("b", "Know how to report", bars)
    img = pixels(chart)
    ax = chart.figure.axes[0]
    assert near(img, COLOURS[0]).any()  # the shown bar
    px, _ = ax.transData.transform((1, 0))
    assert not near(img, COLOURS[1])[:, int(px) - 20 : int(px) + 20].any()
    assert any(t.get_text() == "c" for t in ax.texts)
    assert "1 hidden" in chart.alt
    chart.figure.clear()


def test_dollars_in_a_schools_words_are_drawn_as_dollars_not_read_as_maths():
    # Pins issue 12 item 6: question text with "$…$" stopped the export (mathtext).
    title = r"Spent $5 or $10 on a game? Seen $\frac{a}{$ or $x^$ online?"
    line = Line(r"Ages $7^$–11", "7-11", tuple(Point(p, 50.0, 40) for p in PERIODS))
    trend = trend_chart("t", title, [line], PERIODS)
    bars = bar_chart("b", title, [(r"Ages $\sqrt{$", 62.0, 40)])
    for chart in (trend, bars):
        assert chart.png().startswith(b"\x89PNG")
        assert chart.figure.axes[0].get_title(loc="left").replace("\n", " ") == title
        chart.figure.clear()
