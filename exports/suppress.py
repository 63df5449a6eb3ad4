"""Small-number suppression: no published figure lets anyone work out what one child answered.

Rules (after DfE and ONS practice, and the ICO's "motivated intruder" test):

1. **Primary.** A count below the threshold (5 by default, 10 for questions
   marked sensitive) is hidden and shown as ``c``. Zero is below it too: "none
   of them said yes" gives away every child's answer. A row whose total is below
   the threshold is hidden whole.
2. **Secondary.** Every published sum — a row's total, the favourable count
   behind a safer-answer %, and the count of everyone else — could be used to
   work back to the hidden cells inside it. So the hidden cells inside any such
   sum are either none, or at least two that together make at least the
   threshold. Until that holds, the smallest shown cell in the sum is hidden too
   (and if nothing is left to hide, the % is hidden). Two hidden zeros are no
   protection; two hidden cells adding up to 5 or more are.
3. **Shared pupils.** The rows of one questionnaire in one term, band and year
   group are the same pupils (and merged versions of a question add up to the
   per-version rows), so when one is hidden whole, they all are.
4. **Year groups, all or nothing.** Year-group rows add up to their band's row,
   and a table with both margins published can give cells away. So a
   questionnaire's year-group rows for a term and band are published only when
   not one of their figures would be hidden; otherwise all of them are hidden.
5. **Safer-answer %** is published per band only, and only when the favourable
   count and the rest are both at least the threshold and rule 2 holds for both.

:func:`suppress_column` applies rules 1 and 2 to any list of counts shown with
their total (the evidence pack's AUP coverage); :func:`suppress_published`
applies rules 1, 2 and 5 to a row already published, with its gaps, under a
raised threshold, and :func:`hide_together` rules 3 and 4 to such rows (for
:mod:`exports.release`). What may be published *over
time* is :mod:`exports.release`'s job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exports.aggregate import ALL_YEARS, Period, Row

__all__ = [
    "MIN_NORMAL",
    "MIN_SENSITIVE",
    "Thresholds",
    "hide_together",
    "suppress",
    "suppress_column",
    "suppress_published",
]

#: The smallest thresholds the export accepts.
MIN_NORMAL = 5
MIN_SENSITIVE = 10


@dataclass(frozen=True)
class Thresholds:
    """The smallest count that may be shown."""

    normal: int = MIN_NORMAL
    sensitive: int = MIN_SENSITIVE

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


def _protected(row: Row, keys: Iterable[str]) -> bool:
    hidden = [k for k in keys if k in row.suppressed]
    return not hidden or (len(hidden) >= 2 and sum(row.counts[k] for k in hidden) >= row.threshold)


def _protect(row: Row, keys: list[str]) -> tuple[bool, bool]:
    """Hide the smallest shown cells of ``keys`` until the sum is protected.

    Returns (whether anything changed, whether it is now protected).
    """
    changed = False
    while not _protected(row, keys):
        shown = [k for k in keys if k not in row.suppressed]
        if not shown:
            return changed, False
        row.suppressed.add(min(shown, key=lambda k: (row.counts[k], k)))
        changed = True
    return changed, True


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

    siblings, year_rows = _groups(rows)
    # Rule 4 first: a year-group table with any small figure is not published at all.
    _hide_year_tables(year_rows)

    fav_blocked: set[int] = set()
    changed = True
    while changed:
        changed = _hide_siblings(siblings)
        for row in rows:
            if row.total_suppressed:
                continue
            changed |= _protect(row, list(row.counts))[0]
            if row.has_favourable and row.year_group == ALL_YEARS:
                fav = [k for k in row.counts if k in row.question.favourable]
                rest = [k for k in row.counts if k not in row.question.favourable]
                for keys in (fav, rest):
                    did, ok = _protect(row, keys)
                    changed |= did
                    if not ok:
                        fav_blocked.add(id(row))
        changed |= _hide_year_tables(year_rows)

    for row in rows:
        row.favourable_suppressed = (
            row.total_suppressed
            or not row.has_favourable
            or row.year_group != ALL_YEARS
            or id(row) in fav_blocked
            or row.favourable < row.threshold
            or row.total - row.favourable < row.threshold
        )
    return rows


def suppress_column(
    counts: Sequence[int], threshold: int = MIN_NORMAL
) -> tuple[list[int | None], int | None]:
    """Counts shown beside their total, hidden (``None``) by rules 1 and 2.

    Every count below ``threshold`` is hidden, zero included. The hidden counts
    are then none, or at least two that add up to the threshold or more (else the
    smallest shown count is hidden too), so the total cannot give one away. A
    total below the threshold hides everything.
    """
    total = sum(counts)
    if total < threshold:
        return [None] * len(counts), None
    hidden = {i for i, c in enumerate(counts) if c < threshold}
    while hidden and (len(hidden) < 2 or sum(counts[i] for i in hidden) < threshold):
        shown = [i for i in range(len(counts)) if i not in hidden]
        if not shown:
            return [None] * len(counts), None
        hidden.add(min(shown, key=lambda i: (counts[i], i)))
    return [None if i in hidden else c for i, c in enumerate(counts)], total


def suppress_published(
    counts: dict[str, int | None],
    total: int | None,
    favourable: int | None,
    threshold: int,
    favourable_keys: frozenset[str] | None,
) -> tuple[set[str], bool] | None:
    """What rules 1, 2 and 5 hide in an already published row under a new ``threshold``.

    :func:`suppress` on figures that were published with gaps (``None``): the gaps
    stay gaps, and only their sums, per published sum, are known — which is all
    rule 2 weighs. Returns (the hidden answers, whether the safer-answer % is hidden),
    or ``None`` when that cannot be worked out from the published figures.
    ``favourable_keys``: the question's favourable answers, for a band row (else None).
    """
    if total is None:
        return None
    t = threshold
    known = {k: c for k, c in counts.items() if c is not None}
    everyone = sorted(counts)
    gap = total - sum(known.values())  # what the published gaps add up to
    groups: list[tuple[list[str], int | None]] = [(everyone, gap)]
    if favourable_keys:
        fav = [k for k in everyone if k in favourable_keys]
        rest = [k for k in everyone if k not in favourable_keys]
        fav_gap = None if favourable is None else favourable - sum(known.get(k, 0) for k in fav)
        groups += [(fav, fav_gap), (rest, None if fav_gap is None else gap - fav_gap)]
    hidden = {k for k in everyone if k not in known or known[k] < t}
    blocked = False

    def protected(keys: list[str], gap: int | None) -> bool | None:
        inside = [k for k in keys if k in hidden]
        if not inside:
            return True
        if any(k not in known for k in inside) and gap is None:
            return None
        return len(inside) >= 2 and (gap or 0) + sum(known.get(k, 0) for k in inside) >= t

    changed = True
    while changed:
        changed = False
        for i, (keys, part) in enumerate(groups):
            while not (ok := protected(keys, part)):
                if ok is None:
                    return None
                shown = [k for k in keys if k not in hidden]
                if not shown:
                    blocked |= i > 0
                    break
                hidden.add(min(shown, key=lambda k: (known[k], k)))
                changed = True
    if not favourable_keys:
        return hidden, True
    pct_hidden = blocked or favourable is None or favourable < t or total - favourable < t
    return hidden, pct_hidden


def hide_together(rows: list[Row]) -> None:
    """Rules 3 and 4 across ``rows`` (in place), until nothing changes.

    Rows of one questionnaire, term, band and year group are hidden whole together;
    a questionnaire's year-group rows for a term and band are all hidden whole if
    any of them hides a figure.
    """
    siblings, year_rows = _groups(rows)
    while _hide_siblings(siblings) | _hide_year_tables(year_rows):
        pass


Siblings = dict[tuple[str, Period, str, str], list[Row]]
YearTables = dict[tuple[str, Period, str], list[Row]]


def _groups(rows: list[Row]) -> tuple[Siblings, YearTables]:
    """Rows of the same pupils (rule 3), and each questionnaire's year-group table (rule 4)."""
    siblings: Siblings = defaultdict(list)
    year_rows: YearTables = defaultdict(list)
    for row in rows:
        q, p = row.question.questionnaire_id, row.period
        siblings[(q, p, row.band, row.year_group)].append(row)
        if row.year_group != ALL_YEARS:
            year_rows[(q, p, row.band)].append(row)
    return siblings, year_rows


def _hide_siblings(siblings: Siblings) -> bool:
    """Rule 3: one row hidden whole hides its siblings. Returns whether anything changed."""
    changed = False
    for group in siblings.values():
        if any(r.total_suppressed for r in group):
            for r in group:
                changed |= _hide_whole(r)
    return changed


def _hide_year_tables(year_rows: YearTables) -> bool:
    """Rule 4: a year-group table hiding any figure is hidden whole. Returns whether it changed."""
    changed = False
    for members in year_rows.values():
        if any(m.suppressed for m in members):
            for m in members:
                changed |= _hide_whole(m)
    return changed
