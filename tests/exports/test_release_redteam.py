"""Red team of the rule that a unit hiding more than it published is shown as first published
(commit 8adc70c), and of the raised-threshold rule that came of it (a published unit
suppressed again from its published figures alone): raised then lowered thresholds, late
answers under a raised threshold, year groups that appear late or are hidden afresh, and
what the evidence pack and a view that records nothing say about late pupils.

Each test replays one attack; each asserts what must hold, so it fails if the attack works.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from exports.aggregate import ALL_YEARS, Row
from exports.release import HeldRow, Ledger, Published, UnitKey, prepare_release, unit_of
from exports.report import build_report, late_lines, load_rows
from exports.suppress import Thresholds
from surveys.model import Questionnaire, Term
from surveys.storage.layout import DataFolder
from tests.exports.release_data import balanced, first_answers, key, save

TODAY = dt.date(2026, 2, 2)  # spring 2025/26: autumn has closed
STRICT = Thresholds(13, 13)


@pytest.fixture
def q(library) -> Questionnaire:
    return library.questionnaires["pupils-4-7"]


def autumn(data: Path, q: Questionnaire, pupils, **kw) -> None:
    save(data, q, pupils, "2025/26", Term.AUTUMN, **kw)


def report(data: Path, library, **kw):
    kw.setdefault("perturb", False)
    return build_report(data, library, key=key(), today=TODAY, **kw)


def fresh(data: Path, library, thresholds: Thresholds) -> list[Row]:
    """The term worked out again, suppressed, before the release policy."""
    return load_rows(data, library, key=key(), thresholds=thresholds, perturb=False)[0]


def units(rows: list[Row]) -> dict[UnitKey, dict[str, Published]]:
    out: dict[UnitKey, dict[str, Published]] = {}
    for r in rows:
        out.setdefault(unit_of(r), {})[r.year_group] = Published.of(r)
    return out


def band(rows: list[Row]) -> dict[str, Row]:
    return {r.question.question_id: r for r in rows if r.year_group == ALL_YEARS}


@pytest.mark.parametrize("gap", ["a count", "the safer-answer %"])
def test_a_raised_threshold_shows_no_gap_where_the_ledger_published_a_figure_above_it(
    tmp_path, library, q, gap
):
    """Attack: the lead re-exports under --min-count 13 after late answers arrived. Their
    fresh noise takes one figure the ledger published at 13 or more under the threshold while
    every other shown figure comes out as published. Before the fix the raised threshold let
    that gap through (a figure the ledger showed >= 13 now 'c' at 13, beside the same
    figures): the sign of a change the same-threshold rule hides. Now the unit is the
    ledger's figures suppressed again at 13: just as without the late answers."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    report(data, library).release.record()  # published at 5
    ledger = Ledger.load(DataFolder(data).release_ledger)
    rows = fresh(data, library, STRICT)
    control = band(prepare_release(rows, ledger, today=TODAY).rows)
    target = next(
        r for r in band(rows).values()
        if r.favourable_pct() is not None and r.question.favourable - r.suppressed
    )  # fmt: skip
    qid, cell = (
        target.question.question_id,
        sorted(target.question.favourable - target.suppressed)[0],
    )
    # Without the late answers the unit is shown at 13, that figure and the % with it.
    assert not control[qid].total_suppressed and cell not in control[qid].suppressed
    assert control[qid].counts[cell] >= 13 and control[qid].favourable_pct() is not None
    late = [copy.copy(r) for r in rows]
    moved = band(late)[qid]
    if gap == "a count":
        moved.suppressed = {*moved.suppressed, cell}
    moved.favourable_suppressed = True
    shown = band(prepare_release(late, ledger, today=TODAY).rows)[qid]
    assert not shown.total_suppressed and cell not in shown.suppressed
    assert shown.favourable_pct() == control[qid].favourable_pct()
    assert shown.suppressed == control[qid].suppressed


def test_year_group_rows_hidden_afresh_under_the_same_threshold_are_shown_as_published(
    tmp_path, library, q
):
    """Attack: fresh noise in one year group takes one cell under 5, so rule 4 hides every
    year-group row of the questionnaire while the band rows match. The year-group table
    must not vanish (a sign of change): the unit is shown as first published."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 60), year_group="year-1")
    autumn(data, q, balanced(q, 60, start=1), year_group="year-2")
    first = report(data, library)
    first.release.record()
    assert any(r.year_group != ALL_YEARS and not r.total_suppressed for r in first.rows)
    rows = [copy.copy(r) for r in fresh(data, library, Thresholds())]
    for r in rows:
        if r.year_group != ALL_YEARS:
            r.suppressed, r.total_suppressed, r.favourable_suppressed = set(r.counts), True, True
    release = prepare_release(rows, Ledger.load(DataFolder(data).release_ledger), today=TODAY)
    assert units(release.rows) == units(first.rows)
    assert all(isinstance(r, HeldRow) for r in release.rows)


def test_a_year_group_that_first_answers_late_leaves_the_unit_as_published(tmp_path, library, q):
    """Attack: the keys of ``now`` and ``before`` differ (a new year group's rows). The band
    row must not take the late pupils in, nor the new year group be shown beside it."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 60), year_group="year-1")
    autumn(data, q, balanced(q, 60, start=2), year_group="year-2")
    first = report(data, library, perturb=True)
    first.release.record()
    autumn(data, q, balanced(q, 30), year_group="year-3")
    later = report(data, library, perturb=True)
    assert units(later.rows) == units(first.rows)
    assert "year-3" not in {r.year_group for r in later.rows}
    assert later.release.held == len(later.rows)


def test_raising_then_lowering_min_count_around_late_answers_moves_no_figure(tmp_path, library, q):
    """Attack: export at 5, late answers, export at 13 (not recorded), then at 5 again, all
    with real noise. At 13 every unit is as it was at 13 before the late answers (the
    ledger's figures suppressed again); back at 5 every figure is as first published."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    first = report(data, library, perturb=True)
    first.release.record()
    ledger = DataFolder(data).release_ledger.read_bytes()
    strict_before = report(data, library, perturb=True, thresholds=STRICT)
    assert not any(r.total_suppressed for r in strict_before.rows)  # shown at 13 as published
    autumn(data, q, balanced(q, 3, start=5))
    strict_after = report(data, library, perturb=True, thresholds=STRICT)
    strict_after.release.record()
    assert units(strict_after.rows) == units(strict_before.rows)
    back = report(data, library, perturb=True)
    back.release.record()
    assert units(back.rows) == units(first.rows)
    assert DataFolder(data).release_ledger.read_bytes() == ledger


def test_the_held_and_late_counts_do_not_depend_on_what_the_late_pupil_answered(
    tmp_path, library, q
):
    """Attack: the evidence pack's 'N table rows here are as first published' and its
    late lines, compared for a late pupil who answered one way or another."""
    said = []
    for name, answers in [("first", first_answers(q)), ("skip", dict.fromkeys(first_answers(q)))]:
        data = tmp_path / name
        autumn(data, q, balanced(q, 72))
        report(data, library).release.record()
        autumn(data, q, [answers])
        later = report(data, library)
        said.append((later.release.held, later.release.late, late_lines(later)))
        assert later.release.held == len(later.rows)
    assert said[0] == said[1]
    assert said[0][2] and said[0][2][0].startswith("Fewer than 10 responses (ages 4-7)")


def test_a_view_that_records_nothing_shows_the_ledger_after_late_answers_with_real_noise(
    tmp_path, library, q
):
    """Attack: the console's Trends (ledger_only) before and after late pupils, real noise:
    rows, strands and headlines are the same."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    report(data, library, perturb=True).release.record()

    def view():
        r = report(data, library, perturb=True, ledger_only=True)
        return units(r.rows), [c.alt for c in r.charts], [(s.title, s.sentence) for s in r.strands]

    before = view()
    assert before[0] and before[1]
    autumn(data, q, balanced(q, 4, start=3))
    assert view() == before
