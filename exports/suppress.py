"""Small-number suppression: no published figure lets anyone work out what one child answered.

Rules (after DfE and ONS practice, and the ICO's "motivated intruder" test):

1. **Primary.** A count below the threshold (5 by default, 10 for questions
   marked sensitive) is hidden and shown as ``c``. Zero is below it too: "none
   of them said yes" tells you every child's answer. A row whose total is below
   the threshold is hidden whole.
2. **Secondary.** Published totals must not reveal a hidden cell. Wherever a set
   of cells has a published sum — a row (its answers add up to the row total), a
   column of year groups (they add up to the band), the favourable answers and
   the rest (they add up to the favourable figure and its complement) — that set
   never has exactly one hidden cell: if it does, the smallest other cell there
   is hidden too. When one row of a questionnaire is hidden whole for a term,
   band and year group, so are all its other rows there (their totals are the
   same pupils, and merged versions would let one be subtracted from another).
   This repeats until nothing changes.
3. **Favourable %** is shown only per band (never per year group), and only when
   the favourable count and the rest are both at or above the threshold and
   neither group has a lone hidden cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .aggregate import ALL_YEARS, Period, Row

__all__ = ["Thresholds", "suppress"]


@dataclass(frozen=True)
class Thresholds:
    """The smallest count that may be shown."""

    normal: int = 5
    sensitive: int = 10

    def __post_init__(self) -> None:
        if self.normal < 1 or self.sensitive < self.normal:
            raise ValueError("thresholds must be at least 1, and sensitive at least normal")

    def for_row(self, row: Row) -> int:
        return self.sensitive if row.question.sensitive else self.normal


def _hide_whole(row: Row) -> bool:
    changed = not row.total_suppressed or row.suppressed != set(row.counts)
    row.total_suppressed = True
    row.suppressed = set(row.counts)
    row.favourable_suppressed = True
    return changed


def _no_lone_hidden(row: Row, keys: Iterable[str]) -> bool:
    """Make sure ``keys`` (whose sum is published) do not hold exactly one hidden cell."""
    keys = list(keys)
    hidden = [k for k in keys if k in row.suppressed]
    if len(hidden) != 1:
        return False
    shown = [k for k in keys if k not in row.suppressed]
    if not shown:
        return False
    smallest = min(shown, key=lambda k: (row.counts[k], k))
    row.suppressed.add(smallest)
    return True


def suppress(rows: list[Row], thresholds: Thresholds | None = None) -> list[Row]:
    """Mark what must be hidden in ``rows`` (in place) and return them."""
    t = thresholds or Thresholds()
    for row in rows:
        row.threshold = t.for_row(row)
        row.suppressed = {k for k, c in row.counts.items() if c < row.threshold}
        row.total_suppressed = False
        row.favourable_suppressed = False
        if row.total < row.threshold:
            _hide_whole(row)

    # Year-group rows add up to their band row, answer by answer.
    families: dict[tuple[tuple[str, str, str], Period, str], list[Row]] = defaultdict(list)
    band_rows: dict[tuple[tuple[str, str, str], Period, str], Row] = {}
    for row in rows:
        key = (row.question.series, row.period, row.band)
        if row.year_group == ALL_YEARS:
            band_rows[key] = row
        else:
            families[key].append(row)

    # Rows of one questionnaire in one term, band and year group share their
    # pupils: when versions are merged into one series, a reworded question's
    # per-version totals add up to an unchanged question's total.
    siblings: dict[tuple[str, Period, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        key4 = (row.question.questionnaire_id, row.period, row.band, row.year_group)
        siblings[key4].append(row)

    changed = True
    while changed:
        changed = False
        for group in siblings.values():
            if any(r.total_suppressed for r in group):
                for r in group:
                    changed |= _hide_whole(r)
        for row in rows:
            if row.total_suppressed:
                continue
            changed |= _no_lone_hidden(row, row.counts)
            if row.has_favourable:
                fav = [k for k in row.counts if k in row.question.favourable]
                rest = [k for k in row.counts if k not in row.question.favourable]
                changed |= _no_lone_hidden(row, fav)
                changed |= _no_lone_hidden(row, rest)
        for key, members in families.items():
            band = band_rows.get(key)
            if band is None or band.total_suppressed:
                continue
            # Totals: a lone hidden year group would be the band total minus the others.
            hidden = [m for m in members if m.total_suppressed]
            if len(hidden) == 1 and len(members) > 1:
                shown = [m for m in members if not m.total_suppressed]
                changed |= _hide_whole(min(shown, key=lambda m: (m.total, m.year_group)))
            for answer in band.counts:
                # band = sum of year groups: that set of cells never has a lone hidden one.
                hidden_n = (answer in band.suppressed) + sum(
                    answer in m.suppressed for m in members
                )
                shown_m = [m for m in members if answer not in m.suppressed]
                if hidden_n == 1 and shown_m:
                    smallest = min(shown_m, key=lambda m: (m.counts[answer], m.year_group))
                    smallest.suppressed.add(answer)
                    changed = True

    for row in rows:
        # Favourable % is published per band only: per year group it could be
        # subtracted from the band's figure.
        if row.total_suppressed or not row.has_favourable or row.year_group != ALL_YEARS:
            row.favourable_suppressed = True
            continue
        fav_keys = [k for k in row.counts if k in row.question.favourable]
        rest_keys = [k for k in row.counts if k not in row.question.favourable]
        lone = any(
            len([k for k in keys if k in row.suppressed]) == 1 for keys in (fav_keys, rest_keys)
        )
        row.favourable_suppressed = (
            row.favourable < row.threshold or row.total - row.favourable < row.threshold or lone
        )
    return rows
