"""The lead's jobs as plain calls, shared by the CLI (``esafety export``) and the console.

* :func:`answer_keys`: the keys that open a folder's answers, the school's first, and
  the sample school's demo key too where a kiosk sealed answers to it before the
  school's key was installed (said in a note, never silently);
* :func:`aup_coverage`: signed agreements per year group for the evidence pack;
* :func:`make_export`: count, suppress, apply the release policy and write the files
  (the evidence pack, CSV tables, charts) — what ``esafety export`` writes;
* :func:`released_report`: the figures already published (the release ledger), for a
  view that publishes nothing new;
* :func:`trend_choices` and :func:`trend_view`: one chart of a released report, for a
  band, a strand or headline question and a run of terms, with its sentence and table;
* :func:`zip_charts`: the charts folder of an export as one file, to download whole.

Nothing here prints or asks: callers say what happened in their own way.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exports.aggregate import Period
from exports.charts import Chart, trend_chart
from exports.evidence import AupCoverage
from exports.export import HIDDEN, write_export
from exports.register import coverage_by_year
from exports.release import Ledger, current_period
from exports.report import Report, build_report
from exports.suppress import Thresholds
from exports.trends import Line, band_label, change_sentence
from surveys.agreements.sealing import open_signatures
from surveys.agreements.store import SignatureStore
from surveys.content.library import ContentLibrary
from surveys.keys import SchoolKey, fingerprint
from surveys.sealed import demo_key, demo_public_key
from surveys.storage.files import write_bytes_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore

__all__ = [
    "ALL_BANDS",
    "AnswerKeys",
    "TrendChoices",
    "TrendView",
    "answer_keys",
    "aup_coverage",
    "make_export",
    "released_report",
    "trend_choices",
    "trend_view",
    "unpublished_terms",
    "zip_charts",
]

#: The band choice that shows every band's line on one chart.
ALL_BANDS = "all"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AnswerKeys:
    keys: list[SchoolKey]
    #: Responses sealed to the sample school's demo key (anyone could open them), or 0.
    demo_sealed: int = 0


def answer_keys(data: Path, school: SchoolKey | None) -> AnswerKeys:
    """The keys for ``data``'s answers: ``school``'s, plus the demo key where it was used.

    With no school key (the sample school, a trial) only the demo key is used.

    Raises:
        ValueError: a damaged shard (it names itself).
    """
    if school is None:
        return AnswerKeys([demo_key()])
    records = ResponseStore(data, writer=False).raw_records()
    sealed_to = Counter(r.get("key") for r in records)
    demo = sealed_to[fingerprint(demo_public_key())]
    return AnswerKeys([school, demo_key()] if demo else [school], demo)


def aup_coverage(
    data: Path, library: ContentLibrary, key: SchoolKey, threshold: int
) -> AupCoverage:
    """Signed agreements by year group, for the evidence pack (opens the signatures)."""
    store = SignatureStore(data, writer=False)
    signatures = open_signatures(list(store.records()), key) if store.exists() else []
    return coverage_by_year(
        signatures, library.aups, library.school, dt.date.today(), threshold=threshold
    )


def make_export(
    data: Path,
    library: ContentLibrary,
    keys: AnswerKeys,
    out: Path,
    *,
    thresholds: Thresholds | None = None,
    since_year: int | None = None,
    aup: AupCoverage | None = None,
    progress: Progress | None = None,
    steps_known: Callable[[int], None] | None = None,
) -> tuple[Report, list[Path]]:
    """Count, suppress, record the release, and write every file into ``out``.

    ``steps_known`` is told how many steps there will be once that is known (after
    counting), for a progress bar.
    """
    step = progress or (lambda _s: None)
    report = build_report(
        data,
        library,
        key=keys.keys,
        since_year=since_year,
        thresholds=thresholds or Thresholds(),
        progress=step,
        workers=min(2, os.cpu_count() or 1),
    )
    if steps_known is not None:
        steps_known(len(report.charts) + 3)
    return report, write_export(report, out, aup=aup, progress=step)


def unpublished_terms(data: Path, today: dt.date, *, at_least: int = 20) -> list[str]:
    """Closed terms with answers here (``at_least`` of them) that no export has published
    yet, newest first ("2025/26 summer"): for the console's to-do list. Reads the store's
    folder names and the ledger only, never a sealed record."""
    published = {(y, t) for (_q, _id, _h, y, t, _b) in Ledger.load(
        DataFolder(data).release_ledger
    ).units}  # fmt: skip
    open_from = current_period(today)
    waiting: list[Period] = []
    for label, n in ResponseStore(data, writer=False).counts()["by_term"].items():
        year, term = label.split(" ")
        period = Period.of(year, term)
        if n >= at_least and period < open_from and (year, term) not in published:
            waiting.append(period)
    return [p.label for p in sorted(waiting, reverse=True)]


def released_report(data: Path, library: ContentLibrary, keys: AnswerKeys) -> Report:
    """Only figures the release ledger already holds: showing them tells nobody anything
    new. Terms not yet published are absent until an export publishes them."""
    # One process: with two, the second stuck once at 100,000 answers inside the hub
    # (not yet understood); make_export's two processes were fine.
    return build_report(data, library, key=keys.keys, ledger_only=True)


@dataclass(frozen=True)
class TrendChoices:
    """What a lead can pick from in a released report: (value, label) pairs."""

    #: ``s<i>`` for the i-th strand, ``h<i>`` for the i-th headline question.
    topics: list[tuple[str, str]]
    bands: list[tuple[str, str]]
    terms: list[tuple[str, str]]  # (index into the report's periods, label)


@dataclass(frozen=True)
class TrendView:
    """One chart of released figures, with what it says and the same figures as a table."""

    title: str
    chart: Chart
    sentence: str
    #: Column headings (Term, then one per line) and rows: "62%" or HIDDEN ("c").
    columns: list[str]
    rows: list[list[str]]
    hidden: int
    #: The smallest count shown: a figure from fewer answers is hidden.
    threshold: int


def trend_choices(report: Report) -> TrendChoices:
    topics = [(f"h{i}", f"Question: {s.title}") for i, s in enumerate(report.headlines)]
    topics += [(f"s{i}", f"Strand: {s.title}") for i, s in enumerate(report.strands)]
    bands: dict[str, None] = {}
    for section in (*report.headlines, *report.strands):
        for line in section.lines:
            bands.setdefault(line.band)
    return TrendChoices(
        topics,
        [(ALL_BANDS, "Every band"), *((b, band_label(b)) for b in bands)],
        [(str(i), p.label) for i, p in enumerate(report.periods)],
    )


def trend_view(
    report: Report, topic: str, band: str = ALL_BANDS, first: int = 0, last: int | None = None
) -> TrendView:
    """The chart for ``topic`` (from :func:`trend_choices`), one band or all, and the terms
    ``first``..``last`` (indexes into ``report.periods``). Only released figures appear:
    the report is :func:`released_report`'s; a hidden figure stays hidden.

    Raises:
        ValueError: ``topic`` is not one of the report's (the message says so).
    """
    sections = {"h": report.headlines, "s": report.strands}.get(topic[:1], [])
    index = int(topic[1:]) if topic[1:].isdigit() else -1
    if not 0 <= index < len(sections):
        raise ValueError(f"{topic!r} is not a strand or question of this report")
    section = sections[index]
    last = len(report.periods) - 1 if last is None else last
    first, last = sorted((max(first, 0), min(last, len(report.periods) - 1)))
    periods = report.periods[first : last + 1]
    keep = set(periods)
    lines = [
        Line(line.label, line.band, tuple(p for p in line.points if p.period in keep))
        for line in section.lines
        if band in (ALL_BANDS, line.band)
    ]
    lines = [line for line in lines if line.points]
    title = section.charts[0].title if section.charts else section.title
    if band != ALL_BANDS:
        title += f" ({band_label(band)})"
    chart = trend_chart("trend", title, lines, periods, threshold=report.thresholds.normal)
    rows = []
    for period in periods:
        row = [period.label]
        for line in lines:
            point = next((p for p in line.points if p.period == period), None)
            shown = "" if point is None else HIDDEN if point.pct is None else f"{point.pct:.0f}%"
            row.append(shown)
        rows.append(row)
    return TrendView(
        title,
        chart,
        change_sentence(lines),
        ["Term", *(line.label for line in lines)],
        rows,
        sum(line.hidden for line in lines),
        report.thresholds.normal,
    )


def zip_charts(out: Path) -> Path:
    """``out/charts.zip``: every chart of an export (PNG, SVG, alt text) in one file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted((out / "charts").glob("*")):
            z.write(path, f"charts/{path.name}")
    target = out / "charts.zip"
    write_bytes_atomic(target, buffer.getvalue())  # private, as the export's own files
    return target
