"""Write a report out: charts (PNG + SVG + alt text), tidy CSV tables, the PDF evidence pack.

The release ledger is updated first (:meth:`exports.release.Release.record`): no
figure leaves before it is recorded, and if the ledger cannot be updated nothing
is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from exports.aggregate import ALL_YEARS, Row
from exports.evidence import AupCoverage, write_evidence_pack
from exports.release import HeldRow
from exports.report import Report
from exports.tables import csv_bytes
from exports.trends import band_label
from surveys.storage.files import make_private_dirs, write_bytes_atomic

__all__ = ["answers_csv", "favourable_csv", "strands_csv", "write_export"]

HIDDEN = "c"  # as in UK official statistics


def _where(r: Row) -> list[object]:
    q = r.question
    return [
        r.period.academic_year, r.period.term.value, band_label(r.band),
        r.year_group or "all", q.questionnaire_id, q.question_id, q.text,
        q.strand.value if q.strand else "", "yes" if q.sensitive else "no", q.text_hash,
    ]  # fmt: skip


WHERE = [
    "academic_year", "term", "band", "year_group", "questionnaire", "question_id", "question",
    "strand", "sensitive", "wording",
]  # fmt: skip


def _held(r: Row) -> str:
    """``yes``: the figures an earlier export published; the change since is too small to show."""
    return "yes" if isinstance(r, HeldRow) else "no"


def answers_csv(rows: list[Row]) -> bytes:
    """One row per question × term × band (× year group) × answer, hidden cells as c."""
    out = []
    for r in rows:
        labels = dict(r.question.options)
        total = HIDDEN if r.total_suppressed else r.total
        for answer, count in r.counts.items():
            hidden = answer in r.suppressed
            out.append(
                [*_where(r), answer, labels.get(answer, answer),
                 HIDDEN if hidden else count, total, "yes" if hidden else "no", _held(r)]
            )  # fmt: skip
    header = [*WHERE, "answer_id", "answer", "count", "asked", "suppressed", "as_published_before"]
    return csv_bytes(header, out)


def favourable_csv(rows: list[Row]) -> bytes:
    """Per question × term × band: how many were asked and the % giving the safer answer."""
    out = []
    for r in rows:
        if r.year_group != ALL_YEARS or not r.has_favourable:
            continue
        pct = r.favourable_pct()
        out.append(
            [*_where(r), HIDDEN if r.total_suppressed else r.total,
             HIDDEN if pct is None else f"{pct:.1f}", "no" if pct is not None else "yes",
             _held(r)]
        )  # fmt: skip
    return csv_bytes(
        [*WHERE, "asked", "safer_answer_pct", "suppressed", "as_published_before"], out
    )


def strands_csv(report: Report) -> bytes:
    out = []
    for section in report.strands:
        for line in section.lines:
            for p in line.points:
                out.append(
                    [section.title, line.label, p.period.academic_year, p.period.term.value,
                     HIDDEN if p.pct is None else f"{p.pct:.1f}",
                     HIDDEN if p.pct is None else p.n]
                )  # fmt: skip
    return csv_bytes(
        ["strand", "band", "academic_year", "term", "safer_answer_pct", "answers"], out
    )


def write_export(
    report: Report,
    out: Path,
    *,
    aup: AupCoverage | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Record the release in the ledger, then write every file; returns their paths.

    Raises:
        exports.release.ReleaseError: the ledger cannot be updated; nothing is written.
    """
    step = progress or (lambda _s: None)
    make_private_dirs(out)  # the lead's own: charts and tables of a school's answers
    step("recording the release")
    report.release.record()
    written: list[Path] = []

    def put(rel: str, data: bytes) -> None:
        path = out / rel
        write_bytes_atomic(path, data)
        written.append(path)

    alt_lines = ["# Charts and their alt text", ""]
    for chart in report.charts:
        step(f"saving {chart.name}")
        put(f"charts/{chart.name}.png", chart.png())
        put(f"charts/{chart.name}.svg", chart.svg())
        alt_lines += [f"## {chart.name}", "", f"**{chart.title}**", "", chart.alt, ""]
    put("charts/alt-text.md", "\n".join(alt_lines).encode("utf-8"))
    step("writing tables")
    put("tables/answers.csv", answers_csv(report.rows))
    put("tables/safer-answers.csv", favourable_csv(report.rows))
    put("tables/strands.csv", strands_csv(report))
    step("writing the evidence pack")
    buffer = io.BytesIO()  # made in memory, then written whole, private and durable
    write_evidence_pack(report, buffer, aup=aup)
    put("evidence-pack.pdf", buffer.getvalue())
    for chart in report.charts:
        chart.figure.clear()  # free memory: figures are not needed after this
    return written
