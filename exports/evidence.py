"""The evidence pack for governors and Ofsted: a PDF made with matplotlib's PDF backend.

Cover and method note, a headline page, one page per headline question and per
EfCW strand (chart and a sentence of what changed), and — when the lead opens
the signature register — AUP coverage by year group. Every figure in it has
been through suppression and the release policy: the coverage page's too.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from exports.charts import GAP_NOTE, draw_bars, draw_trend
from exports.report import Report, Section, band_sizes, late_lines, latest_bars, rounded

__all__ = ["AupCoverage", "aup_lines", "method_note", "write_evidence_pack"]

A4 = (8.27, 11.69)
INK = "#1B2733"
#: (year group, pupils with a current own agreement, pupils with a current parent agreement),
#: already suppressed (None = hidden) by :func:`exports.register.coverage_by_year`.
AupCoverage = Sequence[tuple[str, int | None, int | None]]
HIDDEN = "c"

METHOD = (
    "How this was collected. Pupils answered on classroom tablets and parents on a kiosk. "
    "No names, pupil numbers, device users or times are recorded: each answer set keeps only "
    "the questionnaire, the age band (and year group where staff chose one), the academic year "
    "and term, and the kiosk. Every question could be skipped, and skips count in the totals. "
    "Every count has been moved by a small random amount (usually 0, 1 or 2 either way, the "
    "same each time the same answers are counted), as national statistics do, so that nobody "
    "who knows the other answers can subtract them to find one pupil's: treat counts as "
    "estimates, and small differences between terms as no change. Small numbers are hidden. "
    "Any count below {normal} ({sensitive} for sensitive questions) "
    "is shown as c, and further cells are hidden where needed, so that no hidden figure can be "
    "worked out from totals or from the other answers. Charts leave a gap rather than a zero. "
    "'Safer answer' means the answers the school marked as the one it hopes for; percentages "
    "are of everyone asked. A question whose wording changed starts a new line and its old "
    "line stops: the two are never joined, because pupils were answering different words. "
    "A strand's line carries on when the school changes its questions, but is then built "
    "from the new ones, so a step in the term of the change may come from the new questions "
    "rather than from any change in pupils."
)
RELEASE = (
    "Answers are shown only for terms that have ended ({open} and later are left out). Once "
    "published, a term's figures are kept in a release ledger and never change: answers that "
    "arrive later are counted apart, so that two packs cannot be compared to find what one "
    "pupil answered. {held}"
)


def method_note(report: Report) -> list[str]:
    """The method note's paragraphs: how answers were collected, hidden and released."""
    held = (
        f"{report.release.held} table rows here are as first published (marked "
        "as_published_before in the tables). " + " ".join(late_lines(report))
        if report.release.held
        else "No figure here is held as first published."
    )
    return [
        METHOD.format(normal=report.thresholds.normal, sensitive=report.thresholds.sensitive),
        RELEASE.format(open=report.release.open_from.label, held=held),
    ]


def aup_lines(aup: AupCoverage, threshold: int) -> list[str]:
    """The AUP coverage page's lines: hidden counts as c, with a note saying why."""

    def n(count: int | None) -> str:
        return HIDDEN if count is None else str(count)

    return [
        "Counts of current (latest-version) agreements signed at the kiosks, by year group, "
        f"from the signature register. c: fewer than {threshold}, or hidden so that a small "
        "number cannot be worked out from the total.",
        *(
            f"{year}: {n(own)} pupils with their own current agreement; "
            f"{n(parents)} with a parent's current agreement."
            for year, own, parents in aup
        ),
    ]


def _text_page(pdf: PdfPages, title: str, paragraphs: list[str], *, size: float = 11) -> None:
    fig = Figure(figsize=A4)
    # parse_math=False: a school's "$" is a dollar, not maths (see exports/charts.py).
    fig.text(0.08, 0.93, title, fontsize=20, weight="bold", color=INK, va="top", parse_math=False)
    y = 0.87
    for para in paragraphs:
        wrapped = textwrap.fill(
            para, width=int(82 * 11 / size), subsequent_indent="  " if para.startswith("• ") else ""
        )
        fig.text(
            0.08, y, wrapped, fontsize=size, color=INK, va="top", linespacing=1.5, parse_math=False
        )
        y -= 0.028 * (wrapped.count("\n") + 1) * size / 11 + 0.02
    pdf.savefig(fig)  # type: ignore[no-untyped-call]


def _chart_page(pdf: PdfPages, report: Report, section: Section, *, bars: bool) -> None:
    fig = Figure(figsize=A4, layout="constrained")
    grid = fig.add_gridspec(3 if bars else 2, 1, height_ratios=[0.7, 3, 2.4] if bars else [0.7, 3])
    head = fig.add_subplot(grid[0])
    head.axis("off")
    title = textwrap.fill(section.title, 62)
    head.text(0, 1.1, title, fontsize=15, weight="bold", color=INK, va="top", parse_math=False)
    sentence = textwrap.fill(section.sentence, 88)
    head.text(0, 0.35, sentence, fontsize=10, color=INK, va="top", parse_math=False)
    hidden = draw_trend(fig.add_subplot(grid[1]), "By term", section.lines, report.periods)
    if bars and report.periods:
        latest = report.periods[-1]
        draw_bars(
            fig.add_subplot(grid[2]),
            f"Latest term ({latest.label})",
            latest_bars(section.lines, latest),
        )
    if hidden:
        fig.text(
            0.01, 0.003, GAP_NOTE.format(n=report.thresholds.normal), fontsize=7, color="#444444"
        )
    pdf.savefig(fig)  # type: ignore[no-untyped-call]


def write_evidence_pack(
    report: Report,
    path: Path | BinaryIO,
    *,
    aup: AupCoverage | None = None,
    made_on: dt.date | None = None,
) -> None:
    made_on = made_on or dt.date.today()
    span = f"{report.periods[0].label} to {report.periods[-1].label}" if report.periods else "none"
    asked = "; ".join(f"{title} ({n} questions)" for title, n in report.questionnaires)
    sizes = ", ".join(f"{label}: {n}" for label, n in band_sizes(report))
    with PdfPages(
        path, metadata={"Title": f"Online safety evidence pack — {report.school}"}
    ) as pdf:
        _text_page(
            pdf,
            report.school,
            [
                "Online safety: what our pupils and parents told us",
                f"Terms covered: {span}. Made on {made_on.isoformat()}.",
                f"What was asked: {asked}.",
                f"Answer sets: {rounded(report.responses)} in all ({sizes}; rounded to the "
                "nearest 10 so that they cannot be set against the tables), the current "
                "term's included.",
                *method_note(report),
            ],
            size=10,  # the method note and the release policy fit on the cover
        )
        headline_text = [f"• {s.title} {s.sentence}" for s in report.headlines] or [
            "No headline questions have enough answers to show."
        ]
        _text_page(pdf, "Headlines", headline_text)
        for section in report.headlines:
            _chart_page(pdf, report, section, bars=True)
        for section in report.strands:
            _chart_page(pdf, report, section, bars=True)
        if aup is not None:
            _text_page(
                pdf,
                "Acceptable Use Policy: who has signed",
                aup_lines(aup, report.thresholds.normal),
                size=9.5,  # a line per year group, all on one page
            )
