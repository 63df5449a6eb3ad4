"""Charts with matplotlib's object API (Agg; no pyplot, no global state).

Colour-blind-safe (Okabe–Ito) colours, a different marker and dash per band,
plain-English titles, n in the legend, and hidden figures drawn as gaps with a
note — never as zero. Each chart carries a short alt text.

Every text a school wrote (question text, band and term labels) is drawn with
``parse_math=False``: matplotlib would otherwise read ``$…$`` in a question as
maths, and stop the whole export on a stray ``$5 or $10``.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from exports.aggregate import Period
from exports.trends import Line

__all__ = ["Bar", "Chart", "bar_chart", "draw_bars", "draw_trend", "trend_chart"]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
DASHES = ["-", "--", "-.", ":", "-", "--", "-."]
GAP_NOTE = "Gaps: too few answers to show (fewer than {n}), so nobody's answer can be worked out."


@dataclass
class Chart:
    """A finished chart: its figure (for the PDF), file name, title and alt text."""

    name: str
    title: str
    alt: str
    figure: Figure

    def png(self, dpi: int = 100) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, metadata={"Description": self.alt})
        return buf.getvalue()

    def svg(self) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(
            buf, format="svg", metadata={"Title": self.title, "Description": self.alt}
        )
        return buf.getvalue()


def _figure(width: float = 10, height: float = 5.2) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _n_range(line: Line) -> str:
    ns = [p.n for p in line.points if p.n]
    if not ns:
        return "n hidden"
    lo, hi = min(ns), max(ns)
    return f"n = {lo}" if lo == hi else f"n = {lo}–{hi}"


def draw_trend(ax: Axes, title: str, lines: list[Line], periods: list[Period]) -> int:
    """Draw lines across terms, one per band, on ``ax``; returns how many points are hidden."""
    index = {p: i for i, p in enumerate(periods)}
    hidden = 0
    for i, line in enumerate(lines):
        xs = [index[p.period] for p in line.points]
        ys = [p.pct if p.pct is not None else math.nan for p in line.points]
        hidden += line.hidden
        ax.plot(
            xs, ys, color=COLOURS[i % 7], marker=MARKERS[i % 7], linestyle=DASHES[i % 7],
            linewidth=2.2, markersize=7, label=f"{line.label} ({_n_range(line)})",
        )  # fmt: skip
    ax.set_ylim(0, 100)
    ax.set_ylabel("% giving the safer answer")
    ax.set_xticks(
        range(len(periods)), [p.label for p in periods], rotation=45, ha="right", parse_math=False
    )
    ax.set_xlim(-0.5, max(len(periods) - 0.5, 0.5))
    ax.grid(axis="y", color="#DDDDDD")
    ax.set_title(textwrap.fill(title, 80), fontsize=13, loc="left", parse_math=False)
    ax.spines[["top", "right"]].set_visible(False)
    if lines:
        legend = ax.legend(loc="lower left", fontsize=9, frameon=False, ncols=2)
        for text in legend.get_texts():
            text.set_parse_math(False)
    return hidden


def trend_chart(
    name: str, title: str, lines: list[Line], periods: list[Period], *, threshold: int = 5
) -> Chart:
    """Lines across terms, one per band; hidden figures are gaps."""
    fig = _figure()
    hidden = draw_trend(fig.add_subplot(), title, lines, periods)
    if hidden:
        fig.text(0.01, 0.005, GAP_NOTE.format(n=threshold), fontsize=8, color="#444444")
    return Chart(name, title, _trend_alt(title, lines, periods, hidden), fig)


def _trend_alt(title: str, lines: list[Line], periods: list[Period], hidden: int) -> str:
    if not periods or not any(line.shown for line in lines):
        return f"Line chart, {title}: no figures can be shown (too few answers)."
    parts = []
    for line in lines:
        shown = line.shown
        if shown:
            parts.append(
                f"{line.label} from {shown[0].pct:.0f}% ({shown[0].period.label}) "
                f"to {shown[-1].pct:.0f}% ({shown[-1].period.label})"
            )
    text = (
        f"Line chart, {title}, by term from {periods[0].label} to {periods[-1].label}: "
        + "; ".join(parts)
        + "."
    )
    if hidden:
        text += f" {hidden} figure(s) hidden because too few answered."
    return text


Bar = tuple[str, float | None, int | None]  # label, % (None = hidden), n


def draw_bars(ax: Axes, title: str, bars: list[Bar]) -> None:
    """One bar per band; a hidden figure is a "c", never a zero-height bar."""
    for i, (_label, pct, n) in enumerate(bars):
        if pct is None:
            ax.text(i, 2, "c", ha="center", va="bottom", fontsize=12, color="#444444")
            continue
        ax.bar(i, pct, color=COLOURS[i % 7], hatch=["", "//", "..", "xx", "\\\\", "++"][i % 6])
        ax.text(i, pct + 1.5, f"{pct:.0f}%\n(n = {n})", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(bars)), [b[0] for b in bars], parse_math=False)
    ax.set_xlim(-0.6, max(len(bars) - 0.4, 0.6))
    ax.set_ylim(0, 115)
    ax.set_ylabel("% giving the safer answer")
    ax.set_title(textwrap.fill(title, 80), fontsize=13, loc="left", parse_math=False)
    ax.spines[["top", "right"]].set_visible(False)


def bar_chart(name: str, title: str, bars: list[Bar]) -> Chart:
    """One bar per band (label, % or None if hidden, n)."""
    fig = _figure(8, 4.6)
    draw_bars(fig.add_subplot(), title, bars)
    if any(b[1] is None for b in bars):
        fig.text(0.01, 0.005, "c = too few answers to show", fontsize=8, color="#444444")
    return Chart(name, title, bar_alt(title, bars), fig)


def bar_alt(title: str, bars: list[Bar]) -> str:
    shown = [f"{label} {pct:.0f}%" for label, pct, _ in bars if pct is not None]
    alt = f"Bar chart, {title}: " + ("; ".join(shown) if shown else "no figures can be shown")
    hidden = sum(b[1] is None for b in bars)
    return alt + (f"; {hidden} hidden (too few answers)." if hidden else ".")
