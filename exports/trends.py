"""From suppressed rows to what the charts and the evidence pack say, in plain English.

Only published figures are combined: a strand's figure for a term and band is
worked out from the questions whose favourable % is shown, so it can reveal
nothing that is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exports.aggregate import ALL_YEARS, PARENTS, Period, QuestionInfo, Row
from surveys.model import AgeBand, Strand

__all__ = [
    "Line",
    "Point",
    "band_label",
    "change_sentence",
    "headline_lines",
    "periods_of",
    "strand_lines",
]


@dataclass(frozen=True)
class Point:
    period: Period
    pct: float | None  # None = hidden (too few answers)
    n: int | None  # None when the row's total itself is hidden


@dataclass(frozen=True)
class Line:
    """One band's figures over time (for a question: one wording of it)."""

    label: str
    band: str
    points: tuple[Point, ...]

    @property
    def shown(self) -> list[Point]:
        return [p for p in self.points if p.pct is not None]

    @property
    def hidden(self) -> int:
        return sum(p.pct is None for p in self.points)


def band_label(band: str) -> str:
    return "Parents and carers" if band == PARENTS else AgeBand(band).label


def _band_order(band: str) -> int:
    return 99 if band == PARENTS else AgeBand(band).youngest


def periods_of(rows: Iterable[Row]) -> list[Period]:
    return sorted({r.period for r in rows})


def strand_lines(rows: list[Row], strand: Strand) -> list[Line]:
    """Per band: the share of favourable answers across the strand's questions.

    A term's point is shown only when every one of the strand's questions asked
    that term has its figure shown, so each point covers the same questions and
    is built only from published figures; otherwise the point is a gap.
    """
    sums: dict[str, dict[Period, list[int]]] = {}
    seen: dict[str, set[Period]] = {}
    incomplete: set[tuple[str, Period]] = set()
    for r in rows:
        if r.year_group != ALL_YEARS or r.question.strand != strand or not r.has_favourable:
            continue
        seen.setdefault(r.band, set()).add(r.period)
        if r.favourable_pct() is None:
            incomplete.add((r.band, r.period))
            continue
        acc = sums.setdefault(r.band, {}).setdefault(r.period, [0, 0])
        acc[0] += r.favourable
        acc[1] += r.total
    for band, period in incomplete:
        sums.get(band, {}).pop(period, None)
    lines = []
    for band in sorted(seen, key=_band_order):
        points = []
        for period in sorted(seen[band]):
            fav, total = sums.get(band, {}).get(period, (0, 0))
            points.append(Point(period, 100 * fav / total if total else None, total or None))
        lines.append(Line(band_label(band), band, tuple(points)))
    return lines


def headline_lines(rows: list[Row], question_id: str) -> tuple[list[Line], QuestionInfo | None]:
    """Per band and wording: the favourable % of one headline question."""
    groups: dict[tuple[str, str], list[Row]] = {}
    info = None
    for r in rows:
        if r.year_group != ALL_YEARS or r.question.question_id != question_id:
            continue
        if not (r.question.headline and r.has_favourable):
            continue
        info = info or r.question
        groups.setdefault((r.band, r.question.text_hash), []).append(r)
    lines = []
    per_band: dict[str, int] = {}
    for band, _ in groups:
        per_band[band] = per_band.get(band, 0) + 1
    for (band, _h), members in sorted(
        groups.items(), key=lambda kv: (_band_order(kv[0][0]), min(m.period for m in kv[1]))
    ):
        members.sort(key=lambda m: m.period)
        label = band_label(band)
        if per_band[band] > 1:
            label += f" (wording from {members[0].period.label})"
        points = tuple(
            Point(m.period, m.favourable_pct(), None if m.total_suppressed else m.total)
            for m in members
        )
        lines.append(Line(label, band, points))
    return lines, info


def change_sentence(lines: list[Line]) -> str:
    """One sentence per chart: what changed between the first and last shown term."""
    parts = []
    for line in lines:
        shown = line.shown
        if len(shown) < 2:
            continue
        first, last = shown[0], shown[-1]
        assert first.pct is not None and last.pct is not None
        diff = last.pct - first.pct
        if abs(diff) < 3:
            how = f"stayed about the same ({last.pct:.0f}%)"
        else:
            how = f"went {'up' if diff > 0 else 'down'} from {first.pct:.0f}% to {last.pct:.0f}%"
        parts.append(f"{line.label}: {how} between {first.period.label} and {last.period.label}")
    if not parts:
        return "Not enough answers were given in two or more terms to show a change."
    return "; ".join(parts) + "."
