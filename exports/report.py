"""Everything the e-safety lead exports, computed once: rows, charts, tables, headlines.

``build_report`` reads a data folder, opening the sealed responses with the
lead's key in memory, and returns a :class:`Report` whose rows have been
through the release policy (:mod:`exports.release`): closed terms only, each
figure as first published unless its change is safe to show.
``exports.export.write_export`` records them in the release ledger, then writes
them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exports.aggregate import (
    ALL_YEARS,
    NotOffered,
    Period,
    Row,
    missing_texts,
    rows_from,
    tally_folder,
)
from exports.charts import Bar, Chart, bar_chart, trend_chart
from exports.forged import AnswersNotOffered, find_not_offered
from exports.release import Ledger, Release, prepare_release
from exports.suppress import Thresholds, suppress
from exports.trends import (
    Line,
    band_label,
    change_sentence,
    headline_lines,
    periods_of,
    strand_lines,
)
from surveys.content.library import ContentLibrary
from surveys.keys import SchoolKey
from surveys.model import Strand
from surveys.sealed import Keys
from surveys.storage.layout import DataFolder
from surveys.storage.texts import load_texts

__all__ = [
    "Report",
    "Section",
    "band_sizes",
    "build_report",
    "late_lines",
    "latest_bars",
    "load_rows",
    "rounded",
]

Progress = Callable[[str], None]


@dataclass
class Section:
    """One strand (or one headline question): its chart(s) and a sentence of what changed."""

    title: str
    sentence: str
    lines: list[Line]
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    school: str
    responses: int
    by_band: dict[str, int]
    periods: list[Period]
    rows: list[Row]
    thresholds: Thresholds
    strands: list[Section]
    headlines: list[Section]
    questionnaires: list[tuple[str, int]]  # title, number of questions
    #: The release policy's verdict: rows held as published before, and the ledger to update.
    release: Release
    #: (questionnaire id, content hash) -> responses left out: no copy of their words here.
    missing: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def charts(self) -> list[Chart]:
        return [c for s in (*self.headlines, *self.strands) for c in s.charts]


def load_rows(
    data: Path,
    library: ContentLibrary,
    *,
    key: Keys,
    since_year: int | None = None,
    thresholds: Thresholds | None = None,
    workers: int = 1,
    perturb: bool = True,
) -> tuple[list[Row], int, dict[str, int], dict[tuple[str, str], int]]:
    """Read, count, perturb (:mod:`exports.noise`) and suppress.

    ``perturb=False`` gives exact counts: for tests of the arithmetic only; never
    publish them.

    Returns (rows, responses read, responses per band, responses left out for want
    of their questionnaire's words).
    """
    counted, cell_keys = tally_folder(data, key, since_year=since_year, workers=workers)
    by_band: dict[str, int] = {}
    total = 0
    for (_qid, _h, _y, _t, band, _yg), counter in counted.items():
        # Every response holds every question once (a skip is an answer of None).
        per_q: dict[str, int] = {}
        for (qid, _a), c in counter.items():
            per_q[qid] = per_q.get(qid, 0) + c
        n = max(per_q.values(), default=0)
        by_band[band] = by_band.get(band, 0) + n
        total += n
    texts = load_texts(data, library.questionnaires.values())
    primary = key if isinstance(key, SchoolKey) else key[0]  # the school's, before the demo key
    try:
        rows = suppress(
            rows_from(
                counted,
                texts,
                cell_keys=cell_keys if perturb else None,
                fixed_key=primary.fixed_key,
            ),
            thresholds,
        )
    except NotOffered:  # name every such record, and the command that takes it out
        raise AnswersNotOffered(data, find_not_offered(data, key, texts, since_year)) from None
    return rows, total, by_band, missing_texts(counted, texts)


def _headline_ids(rows: list[Row]) -> list[str]:
    seen: dict[str, None] = {}
    for r in rows:
        if r.question.headline and r.has_favourable and r.year_group == ALL_YEARS:
            seen.setdefault(r.question.question_id)
    return list(seen)


def latest_bars(lines: list[Line], period: Period) -> list[Bar]:
    """One bar per line: its figure in ``period`` (a hidden figure stays hidden)."""
    bars: list[Bar] = []
    for line in lines:
        point = next((p for p in line.points if p.period == period), None)
        if point is not None:
            bars.append((line.label, point.pct, point.n))
    return bars


def build_report(
    data: Path,
    library: ContentLibrary,
    *,
    key: Keys,
    since_year: int | None = None,
    thresholds: Thresholds | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    today: dt.date | None = None,
    ledger: Path | None = None,
    ledger_only: bool = False,
    perturb: bool = True,
) -> Report:
    """Count, suppress and apply the release policy; nothing is written.

    Args:
        today: terms from the one this falls in onwards are not published.
        ledger: the release ledger (default: the data folder's).
        ledger_only: show only figures the ledger holds (for a view that records nothing).
        perturb: ``False`` for exact counts (tests of the arithmetic only).
    """
    step = progress or (lambda _s: None)
    t = thresholds or Thresholds()
    step("reading and counting answers")
    rows, total, by_band, missing = load_rows(
        data, library, key=key, since_year=since_year, thresholds=t, workers=workers,
        perturb=perturb,
    )  # fmt: skip
    release = prepare_release(
        rows,
        Ledger.load(ledger or DataFolder(data).release_ledger),
        today=today or dt.date.today(),
        ledger_only=ledger_only,
    )
    rows = release.rows
    periods = periods_of(rows)
    latest = periods[-1] if periods else None
    headlines = []
    for qid in _headline_ids(rows):
        step(f"charting {qid}")
        lines, info = headline_lines(rows, qid)
        assert info is not None
        title = info.text
        section = Section(title, change_sentence(lines), lines)
        section.charts.append(
            trend_chart(f"headline-{qid}-trend", title, lines, periods, threshold=t.normal)
        )
        if latest is not None:
            section.charts.append(
                bar_chart(
                    f"headline-{qid}-latest",
                    f"{title} ({latest.label})",
                    latest_bars(lines, latest),
                )
            )
        headlines.append(section)
    strands = []
    for strand in Strand:
        lines = strand_lines(rows, strand)
        if not lines:
            continue
        step(f"charting {strand.label.lower()}")
        title = f"{strand.label}: safer answers across the strand's questions"
        section = Section(strand.label, change_sentence(lines), lines)
        section.charts.append(
            trend_chart(f"strand-{strand.value}", title, lines, periods, threshold=t.normal)
        )
        strands.append(section)
    questionnaires = [(q.title, len(q.questions)) for q in library.questionnaires.values()]
    return Report(
        school=library.school.name,
        responses=total - sum(missing.values()),
        by_band=by_band,
        periods=periods,
        rows=rows,
        thresholds=t,
        strands=strands,
        headlines=headlines,
        questionnaires=questionnaires,
        release=release,
        missing=missing,
    )


def rounded(n: int) -> str:
    """A count for the cover page, to the nearest 10.

    Exact totals over all terms could be set against the published per-term
    totals to recover a term that was hidden for being small.
    """
    return f"about {round(n, -1):,}" if n >= 10 else "fewer than 10"


def late_lines(report: Report) -> list[str]:
    """One sentence per term and band that answers reached after it was published."""
    lines = []
    for (year, term, band), n in sorted(report.release.late.items()):
        who = "parents" if band == "parents" else f"ages {band}"
        lines.append(
            f"{rounded(n).capitalize()} responses ({who}) arrived after {year} {term} was "
            "published and are not in its figures: a published term never changes."
        )
    return lines


def band_sizes(report: Report) -> list[tuple[str, str]]:
    """Responses per band for the cover page, rounded to the nearest 10."""
    return [
        (band_label(b), rounded(n)) for b, n in sorted(report.by_band.items(), key=lambda kv: kv[0])
    ]
