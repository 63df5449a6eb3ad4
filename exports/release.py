"""One release policy: what may be published, so that no two releases differ by one pupil.

Suppression (:mod:`exports.suppress`) makes one release safe. Someone who
compares two releases (two exports, a chart before and after a pupil they
watched) sees their *difference*, and a difference of one pupil is that pupil's
answers. So every answer figure goes through this module after suppression:

1. **Closed terms only.** Answers are published for terms that have ended. The
   current term, and anything dated after it, is left out whole.
2. **A ledger.** ``<data>/releases/ledger.json`` keeps every row as it was
   published: each answer's count and the total (``null`` where hidden), and
   the favourable count behind a safer-answer % when the % is shown. It holds
   nothing that was not published. Rows go in *units* — one wording of a
   question, in one term and band, with its year-group rows — because the
   year-group rows add up to the band's row and must move together.
3. **Frozen.** A unit in the ledger is shown exactly as it was published, for
   ever (:class:`HeldRow`, ``as_published_before`` in the tables); under a
   threshold raised since, as published and suppressed again from its published
   figures alone (never from counts worked out since). Answers
   that reach the lead after a term was published are not added to it: any
   change at all would let someone who added records with answers of their
   own choosing (a technician with the kiosk, a teacher at a tablet) subtract
   them and read what was left — the late pupil's answers. How many arrived
   late is said, to the nearest 10 (:attr:`Release.late`). A release that shows
   only figures the ledger holds is not recorded.
4. **Recorded before it is shown.** :func:`prepare_release` moves nothing.
   :meth:`Release.record` writes the new and changed units to the ledger;
   :func:`exports.export.write_export` calls it before it writes a single file.
   A view that does not record (``ledger_only=True``) shows only what the ledger
   holds.

Errors: ``ReleaseError(ValueError)`` — the ledger is damaged, cannot be written,
or changed while this release was being worked out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports.aggregate import ALL_YEARS, Period, QuestionInfo, Row
from exports.suppress import hide_together, suppress_published
from surveys.storage.files import StoreBusy, take_writer_lock, write_json_atomic
from surveys.terms import academic_year, term_of

__all__ = [
    "HeldRow",
    "Ledger",
    "Published",
    "Release",
    "ReleaseError",
    "current_period",
    "prepare_release",
]

FORMAT = 1
LOCK = ".ledger.lock"

#: questionnaire id, question id, wording hash, academic year, term, band
UnitKey = tuple[str, str, str, str, str, str]


class ReleaseError(ValueError):
    """The release ledger is damaged, cannot be written, or changed under this release."""


class HeldRow(Row):
    """A row shown as an earlier release published it: the change since is too small to show.

    Only the published figures are known. A hidden cell holds nothing of its own:
    the first hidden cell of each published sum carries that sum's hidden part, so
    that the total and the favourable count stay right; nothing prints hidden cells.
    """


@dataclass(frozen=True)
class Published:
    """One row's figures as published; ``None`` where hidden."""

    threshold: int
    total: int | None
    counts: dict[str, int | None]
    #: The favourable count behind the safer-answer %, when the % is shown.
    favourable: int | None

    @classmethod
    def of(cls, row: Row) -> Published:
        return cls(
            threshold=row.threshold,
            total=None if row.total_suppressed else row.total,
            counts={k: None if k in row.suppressed else c for k, c in row.counts.items()},
            favourable=None if row.favourable_suppressed else row.favourable,
        )

    @property
    def figures(self) -> tuple[int | None, tuple[tuple[str, int | None], ...], int | None]:
        return self.total, tuple(sorted(self.counts.items())), self.favourable

    @property
    def pattern(self) -> tuple[bool, frozenset[str], bool]:
        """Which figures are hidden."""
        hidden = frozenset(k for k, c in self.counts.items() if c is None)
        return self.total is None, hidden, self.favourable is None

    def row(self, info: QuestionInfo, period: Period, band: str, year_group: str) -> HeldRow:
        """This row as published, for the charts and tables to show again."""
        if set(self.counts) != info.counts_keys:
            raise ReleaseError("the release ledger does not match the questionnaire's answers")
        keys = [k for k, _label in info.options]  # in the order shown
        counts = {k: self.counts[k] or 0 for k in keys}
        if self.total is not None:
            if self.favourable is None:
                groups = [(keys, self.total)]
            else:
                fav = [k for k in keys if k in info.favourable]
                rest = [k for k in keys if k not in info.favourable]
                groups = [(fav, self.favourable), (rest, self.total - self.favourable)]
            for members, whole in groups:
                hidden = [k for k in members if self.counts[k] is None]
                left = whole - sum(counts[k] for k in members)
                if left < 0 or (left and not hidden):
                    raise ReleaseError("the release ledger's figures do not add up")
                if hidden:
                    counts[hidden[0]] = left
        return HeldRow(
            info, period, band, year_group, counts,
            threshold=self.threshold,
            suppressed={k for k, c in self.counts.items() if c is None},
            total_suppressed=self.total is None,
            favourable_suppressed=self.favourable is None,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "total": self.total,
            "counts": self.counts,
            "favourable": self.favourable,
        }

    @classmethod
    def from_json(cls, raw: Any) -> Published:
        counts = raw["counts"]
        numbers = [raw["total"], raw["favourable"], *counts.values()]
        if not isinstance(raw["threshold"], int) or not all(
            n is None or (isinstance(n, int) and n >= 0) for n in numbers
        ):
            raise TypeError("not a count")
        return cls(raw["threshold"], raw["total"], dict(counts), raw["favourable"])


def unit_of(row: Row) -> UnitKey:
    q = row.question
    p = row.period
    return (q.questionnaire_id, q.question_id, q.text_hash, p.academic_year, p.term.value, row.band)


@dataclass
class Ledger:
    """Every unit as last published, read from one file."""

    path: Path
    units: dict[UnitKey, dict[str, Published]] = field(default_factory=dict)
    #: SHA-256 of the file as read ("" when there was none): was it changed meanwhile?
    fingerprint: str = ""

    @classmethod
    def load(cls, path: Path) -> Ledger:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise ReleaseError(f"{path}: cannot read the release ledger ({exc})") from None
        units: dict[UnitKey, dict[str, Published]] = {}
        try:
            doc = json.loads(raw)
            if doc["format"] != FORMAT:
                raise ValueError(f"format {doc['format']!r}")
            for u in doc["units"]:
                key = (
                    str(u["questionnaire"]), str(u["question"]), str(u["wording"]),
                    str(u["year"]), str(u["term"]), str(u["band"]),
                )  # fmt: skip
                units[key] = {str(yg): Published.from_json(p) for yg, p in u["rows"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReleaseError(
                f"{path}: the release ledger is damaged ({type(exc).__name__}); restore it "
                "from a copy. Publishing without it could let two exports be compared."
            ) from None
        return cls(path, units, hashlib.sha256(raw).hexdigest())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "units": [
                {"questionnaire": q, "question": qid, "wording": h, "year": y, "term": t,
                 "band": b, "rows": {yg: p.to_json() for yg, p in sorted(rows.items())}}
                for (q, qid, h, y, t, b), rows in sorted(self.units.items())
            ],
        }  # fmt: skip


@dataclass
class Release:
    """What may be shown now, and what the ledger must record before it is."""

    rows: list[Row]
    #: Rows shown as published before (a published term never changes).
    held: int
    #: The first term not published: the current one.
    open_from: Period
    ledger: Ledger
    #: Units published for the first time: the ledger's new entries.
    entries: dict[UnitKey, dict[str, Published]] = field(default_factory=dict)
    #: (academic year, term, band) -> responses that came in after it was published (exact;
    #: say it to the nearest 10). They are in no figure.
    late: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def record(self) -> None:
        """Write this release's new and changed units into the ledger (before showing them).

        Raises:
            ReleaseError: the ledger changed since this release was worked out
                (another export ran meanwhile: run this one again), or cannot be written.
        """
        if not self.entries:
            return
        path = self.ledger.path
        try:
            lock = take_writer_lock(path.parent, LOCK, "another export is updating the ledger")
        except (StoreBusy, OSError) as exc:
            raise ReleaseError(f"{path}: cannot update the release ledger ({exc})") from None
        try:
            now = Ledger.load(path)
            if now.fingerprint != self.ledger.fingerprint:
                raise ReleaseError(
                    f"{path} changed while this export was being made (another export?): "
                    "run it again. Nothing was written."
                )
            now.units.update(self.entries)
            try:
                write_json_atomic(path, now.to_json())
            except OSError as exc:
                raise ReleaseError(f"{path}: cannot write the release ledger ({exc})") from None
        finally:
            lock.close()
        self.ledger = Ledger.load(path)
        self.entries = {}


def current_period(today: dt.date) -> Period:
    return Period.of(academic_year(today), term_of(today).value)


def prepare_release(
    rows: Iterable[Row], ledger: Ledger, *, today: dt.date, ledger_only: bool = False
) -> Release:
    """Apply the policy to suppressed ``rows``; the ledger is not touched.

    Args:
        rows: from :func:`exports.suppress.suppress`, every unit whole.
        ledger: what has been published before.
        today: terms from the one ``today`` falls in onwards are left out.
        ledger_only: show only what the ledger holds (a view that records nothing).
    """
    open_from = current_period(today)
    units: dict[UnitKey, list[Row]] = {}
    for r in rows:
        if r.period < open_from:
            units.setdefault(unit_of(r), []).append(r)
    shown: list[Row] = []
    entries: dict[UnitKey, dict[str, Published]] = {}
    late: dict[tuple[str, str, str], int] = {}
    held = 0
    again_all: list[Row] = []  # every unit suppressed again under a raised threshold
    for key, fresh in units.items():
        now = {r.year_group: Published.of(r) for r in fresh}
        before = ledger.units.get(key)
        if before is None:
            if not ledger_only:
                shown += fresh
                # A unit hidden whole says nothing yet: it is not recorded.
                band_row = now.get(ALL_YEARS)
                if band_row is not None and band_row.total is not None:
                    entries[key] = now
            continue
        band_now, band_before = now.get(ALL_YEARS), before.get(ALL_YEARS)
        if band_now is not None and band_before is not None:
            came = _fresh_total(fresh) - (band_before.total or 0)
            if band_before.total is not None and came > 0:
                late[key[3:]] = max(late.get(key[3:], 0), came)
        if any(p.threshold < fresh[0].threshold for p in before.values()):
            again = _suppressed_again(before, fresh[0])
            again_all += again
        elif _within(now, before):
            shown += fresh
            continue
        else:
            again = _as_before(before, fresh)
        held += sum(isinstance(r, HeldRow) for r in again)
        shown += again
    hide_together(again_all)  # rules 3 and 4 across a questionnaire, as suppress() does
    shown.sort(key=lambda r: (r.question.series, r.band, r.period, r.year_group))
    return Release(shown, held, open_from, ledger, entries, late)


def _within(now: dict[str, Published], before: dict[str, Published]) -> bool:
    """Is every figure shown now one the ledger already published, with the same value?

    Then showing ``now`` tells nobody anything new, and the ledger keeps the fuller
    release. Under the same threshold (or a lower one) ``now`` may not hide more than
    was published: that would mean the counts moved (fresh noise from late answers
    took a cell under the threshold), and the new gap would tell a watcher the unit
    changed. A raised threshold is :func:`_suppressed_again`'s.
    """
    if now.keys() != before.keys():
        return False
    band_now, band_before = now.get(ALL_YEARS), before.get(ALL_YEARS)
    if band_now is not None and band_before is not None and band_now.total is None:
        return False  # hidden whole now (a new small sibling?): show what was published
    for yg, new in now.items():
        old = before[yg]
        pairs = [(new.total, old.total), (new.favourable, old.favourable)]
        pairs += [(c, old.counts.get(k)) for k, c in new.counts.items()]
        if any(n != o for n, o in pairs):
            return False
    return True


def _fresh_total(fresh: list[Row]) -> int:
    """The band row's total as counted now (every response to the question, skips too)."""
    return next((r.total for r in fresh if r.year_group == ALL_YEARS), 0)


def _as_before(before: dict[str, Published], fresh: list[Row]) -> list[Row]:
    """The unit as published before."""
    first = fresh[0]
    return [p.row(first.question, first.period, first.band, yg) for yg, p in sorted(before.items())]


def _hide_whole(row: Row) -> None:
    row.suppressed, row.total_suppressed, row.favourable_suppressed = set(row.counts), True, True


def _suppressed_again(before: dict[str, Published], first: Row) -> list[Row]:
    """The unit as published, suppressed again under a raised threshold from its figures alone.

    No count worked out since is looked at, so whatever has arrived, two views under
    one raised threshold show the same; nothing below the new threshold is shown.
    Year-group rows go all or nothing (rule 4); a row whose hiding the published
    figures cannot settle hides the unit whole.
    """
    t = first.threshold
    rows = _as_before(before, [first])
    for row in rows:
        p = before[row.year_group]
        row.threshold = t
        band = row.year_group == ALL_YEARS
        again = suppress_published(
            p.counts, p.total, p.favourable, t, first.question.favourable if band else None
        )
        if p.total is None or p.total < t:
            _hide_whole(row)
        elif again is None:
            for r in rows:
                _hide_whole(r)
            return rows
        else:
            row.suppressed, row.favourable_suppressed = again
    band_row = next((r for r in rows if r.year_group == ALL_YEARS), None)
    years = [r for r in rows if r.year_group != ALL_YEARS]
    if (band_row is not None and band_row.total_suppressed) or any(r.suppressed for r in years):
        for r in rows if band_row is not None and band_row.total_suppressed else years:
            _hide_whole(r)
    return rows
