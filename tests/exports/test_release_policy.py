"""The release policy on hand-made data: closed terms only, published figures frozen for ever.

The pupils answer the shipped ages 4–7 questionnaire (and, where a test needs
a year-group table, a one-question one), saved through the kiosk's store.
"Now" is spring 2025/26, so autumn 2025/26 has closed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from exports.aggregate import Period, Row
from exports.export import write_export
from exports.release import HeldRow, Ledger, ReleaseError, prepare_release
from exports.report import build_report, late_lines
from exports.suppress import Thresholds
from surveys.model import Questionnaire, Term
from surveys.storage.layout import DataFolder
from tests.exports.release_data import balanced, changes, figures, key, save, table

TODAY = dt.date(2026, 2, 2)  # spring 2025/26
AUTUMN = Period(2025, 0)
SPRING = Period(2025, 1)


@pytest.fixture
def q(library) -> Questionnaire:
    return library.questionnaires["pupils-4-7"]


def autumn(data: Path, q: Questionnaire, pupils, **kw) -> None:
    save(data, q, pupils, "2025/26", Term.AUTUMN, **kw)


def report(data: Path, library, **kw):
    """The policy on exact counts, so that each test can say what every figure must be.

    The same policy over perturbed counts is replayed in tests/test_intruder.py.
    """
    kw.setdefault("perturb", False)
    return build_report(data, library, key=key(), today=kw.pop("today", TODAY), **kw)


def band_rows(rows: list[Row], period: Period = AUTUMN) -> dict[str, Row]:
    return {r.question.question_id: r for r in rows if r.period == period and not r.year_group}


def shown(rows: dict[str, Row]) -> dict[str, tuple]:
    """What each band row shows: its counts (None where hidden), total and safer-answer %."""
    return {
        qid: (
            {k: None if k in r.suppressed else c for k, c in r.counts.items()},
            None if r.total_suppressed else r.total,
            r.favourable_pct(),
        )
        for qid, r in rows.items()
    }


def published(data: Path, library, **kw):
    """Work out a release and record it, as ``write_export`` does before writing a file."""
    r = report(data, library, **kw)
    r.release.record()
    return r


def test_even_a_big_late_batch_leaves_a_published_term_as_it_was_and_is_counted_apart(
    tmp_path, library, q
):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    first = tmp_path / "first"
    write_export(report(data, library), first)
    ledger_before = DataFolder(data).release_ledger.read_bytes()
    # A kiosk that synced late, or someone padding the term with answers they chose:
    # every figure would rise by far more than the threshold. Nothing moves.
    autumn(data, q, balanced(q, 72, start=72))
    later = report(data, library)
    rows = band_rows(later.rows)
    assert {r.total for r in rows.values()} == {72}
    assert all(isinstance(r, HeldRow) for r in rows.values())
    assert later.release.late == {("2025/26", "autumn", "4-7"): 72}
    second = tmp_path / "second"
    write_export(later, second)
    assert changes(figures(first), figures(second)) == {}
    assert DataFolder(data).release_ledger.read_bytes() == ledger_before
    (line,) = late_lines(later)
    assert line.startswith("About 70 responses (ages 4-7) arrived after 2025/26 autumn")


def test_a_few_late_answers_leave_the_whole_term_as_first_published(tmp_path, library, q):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    before = band_rows(published(data, library).rows)
    autumn(data, q, balanced(q, 3))
    again = report(data, library)
    after = band_rows(again.rows)
    assert all(isinstance(r, HeldRow) for r in after.values())
    for qid, row in after.items():
        assert (row.total, row.favourable_pct()) == (
            before[qid].total,
            before[qid].favourable_pct(),
        )
        shown = {k: c for k, c in row.counts.items() if k not in row.suppressed}
        assert shown == {k: c for k, c in before[qid].counts.items() if k not in row.suppressed}
    assert again.release.held == len(again.rows)


def test_the_current_term_is_never_published_however_many_answered_until_it_ends(
    tmp_path, library, q
):
    data = tmp_path / "data"
    save(data, q, balanced(q, 72), "2025/26", Term.SPRING)
    now = report(data, library)
    assert now.rows == [] and now.periods == [] and now.release.open_from == SPRING
    after_easter = report(data, library, today=dt.date(2026, 4, 20))
    assert after_easter.periods == [SPRING] and band_rows(after_easter.rows, SPRING)


def test_working_out_a_report_moves_nothing_only_recording_it_does(tmp_path, library, q):
    data = tmp_path / "data"
    ledger = DataFolder(data).release_ledger
    autumn(data, q, balanced(q, 72))
    report(data, library)
    report(data, library)
    assert not ledger.exists()
    published(data, library)
    kept = ledger.read_bytes()
    autumn(data, q, balanced(q, 72, start=72))
    report(data, library)
    assert ledger.read_bytes() == kept


def test_the_ledger_holds_only_what_was_published(tmp_path, library, q):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 40))
    autumn(data, q, balanced(q, 4), year_group="year-1")  # a small year group: hidden
    published(data, library)
    ledger = json.loads(DataFolder(data).release_ledger.read_text("utf-8"))
    hidden = 0
    for unit in ledger["units"]:
        for row in unit["rows"].values():
            threshold = row["threshold"]
            for n in [row["total"], row["favourable"], *row["counts"].values()]:
                assert n is None or n >= threshold
                hidden += n is None
    assert hidden, "some figures were hidden, and the ledger does not hold them"


def test_a_raised_threshold_hides_a_row_published_under_a_lower_one_not_its_small_counts(
    tmp_path, library, q
):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))  # every count 12 to 18
    published(data, library)
    strict = Thresholds(13, 13)
    unchanged = band_rows(report(data, library, thresholds=strict).rows)
    assert all(not r.total_suppressed for r in unchanged.values())  # nothing new: shown at 13
    autumn(data, q, balanced(q, 3))
    later = report(data, library, thresholds=strict)
    for row in later.rows:
        assert row.total_suppressed or all(
            c >= 13 for k, c in row.counts.items() if k not in row.suppressed
        )
    # Suppressed again from the published figures alone: what arrived since changes nothing.
    assert shown(band_rows(later.rows)) == shown(unchanged)
    assert any(r.suppressed for r in unchanged.values())  # the raised threshold hid more


def test_a_figure_hidden_afresh_under_the_same_threshold_is_shown_as_first_published(
    tmp_path, library, q
):
    """Found by a red-team test of the console's Trends: late answers give every cell of
    their group fresh noise, which can take one cell under the threshold while every other
    figure comes out as published. Showing that gap would tell a watcher the term changed;
    only a raised threshold may hide more than was published."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    published(data, library)
    ledger = Ledger.load(DataFolder(data).release_ledger)

    def afresh(threshold_up: int) -> tuple[list[Row], str]:
        """This term worked out again with one favourable figure now under the threshold."""
        rows = [copy.copy(r) for r in report(data, library).rows]
        for r in rows:  # the same figures as the ledger's: none held
            assert not isinstance(r, HeldRow)
            r.threshold += threshold_up
        first = next(r for r in band_rows(rows).values() if r.favourable_pct() is not None)
        first.suppressed = {*first.suppressed, next(iter(first.question.favourable))}
        first.favourable_suppressed = True
        return rows, first.question.question_id

    rows, question = afresh(0)
    same = band_rows(prepare_release(rows, ledger, today=TODAY).rows)
    held = [r for r in same.values() if isinstance(r, HeldRow)]
    assert [r.question.question_id for r in held] == [question]
    assert same[question].favourable_pct() is not None and not same[question].suppressed
    # Under a raised threshold the unit is the ledger's figures suppressed again: the
    # fresh gap is not looked at (the same view as with no gap).
    rows, question = afresh(1)
    raised = band_rows(prepare_release(rows, ledger, today=TODAY).rows)
    plain = [copy.copy(r) for r in report(data, library).rows]
    for r in plain:
        r.threshold += 1
    assert shown(raised) == shown(band_rows(prepare_release(plain, ledger, today=TODAY).rows))
    assert all(isinstance(r, HeldRow) for r in raised.values())


def test_under_a_raised_threshold_a_questionnaires_year_group_tables_go_together(tmp_path, library):
    """Found in review: a unit suppressed again on its own kept its year-group table while
    another question of the same questionnaire lost its own (rule 4 is per questionnaire)."""
    two = Questionnaire.model_validate({
        "id": "two-questions", "version": 1, "title": "Two", "audience": "pupils",
        "band": "7-11", "intro": "Anonymous.", "help_routes": ["school"],
        "questions": [
            {"id": q, "text": f"Would you {q}?", "strand": "online-bullying",
             "favourable": ["yes"],
             "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]}
            for q in ("tell", "ask")
        ],
    })  # fmt: skip
    data = tmp_path / "data"
    even = ["yes"] * 8 + ["no"] * 8 + [None] * 8
    uneven = ["yes"] * 8 + ["no"] * 6 + [None] * 10  # year 4's 6 "no" hides at 7
    for yg, ask in (("year-3", even), ("year-4", uneven)):
        pupils = [{"tell": t, "ask": a} for t, a in zip(even, ask, strict=True)]
        save(data, two, pupils, "2025/26", Term.AUTUMN, year_group=yg)
    first = published(data, library)
    assert all(not r.suppressed for r in first.rows if r.question.questionnaire_id == two.id)
    later = report(data, library, thresholds=Thresholds(7, 10))
    rows = [r for r in later.rows if r.question.questionnaire_id == two.id]
    years = [r for r in rows if r.year_group]
    assert len(years) == 4 and all(r.total_suppressed for r in years)
    assert all(not r.total_suppressed for r in rows if not r.year_group)


def test_a_late_pupil_who_completes_a_year_group_table_does_not_get_it_shown_beside_the_old_band(
    tmp_path, library
):
    one = Questionnaire.model_validate({
        "id": "one-question", "version": 1, "title": "One", "audience": "pupils", "band": "7-11",
        "intro": "Anonymous.", "help_routes": ["school"],
        "questions": [{"id": "tell", "text": "Would you tell?", "strand": "online-bullying",
                       "favourable": ["yes"],
                       "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]}],
    })  # fmt: skip
    data = tmp_path / "data"
    three = [{"tell": a} for a in ["yes", "no", None] for _ in range(10)]
    four = [{"tell": a} for a, n in (("yes", 5), ("no", 5), (None, 4)) for _ in range(n)]
    save(data, one, three, "2025/26", Term.AUTUMN, year_group="year-3")
    save(data, one, four, "2025/26", Term.AUTUMN, year_group="year-4")
    first = tmp_path / "first"
    write_export(report(data, library), first)  # year 4's 4 skips hide the year-group table
    save(data, one, [{"tell": None}], "2025/26", Term.AUTUMN, year_group="year-4")
    second = tmp_path / "second"
    write_export(report(data, library), second)
    # Alone, the year-group table would now pass (every count 5 or more); beside the
    # band's old row it would add up to one more skip than the band: the pupil's answer.
    assert changes(figures(first), figures(second)) == {}
    years = [r for r in table(second, "answers.csv") if r["year_group"] != "all"]
    assert years and {r["count"] for r in years} == {"c"}


def test_a_view_that_records_nothing_shows_only_what_an_export_has_published(tmp_path, library, q):
    """A chart on a screen (the lead's console) is redrawn at will: it may show only ledger
    figures, or it could be compared before and after one pupil."""
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))

    def on_screen() -> list[str]:
        view = report(data, library, ledger_only=True)
        return [c.alt for c in view.charts]

    assert on_screen() == []
    published(data, library)
    shown = on_screen()
    assert shown
    autumn(data, q, balanced(q, 1))  # one more pupil: the picture must not move
    assert on_screen() == shown


def test_two_exports_worked_out_at_once_the_second_to_record_is_refused(tmp_path, library, q):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    one, two = report(data, library), report(data, library)
    one.release.record()
    with pytest.raises(ReleaseError, match="changed while"):
        two.release.record()


def test_a_damaged_ledger_stops_the_export_rather_than_publish_without_it(tmp_path, library, q):
    data = tmp_path / "data"
    autumn(data, q, balanced(q, 72))
    ledger = DataFolder(data).release_ledger
    ledger.parent.mkdir(parents=True)
    ledger.write_text('{"format": 1, "units": [{"questionnaire": "pupils-4-7"}]}')
    with pytest.raises(ReleaseError, match="damaged"):
        report(data, library)
    exe = str(Path(sys.executable).parent / "esafety")
    out = tmp_path / "out"
    result = subprocess.run(
        [exe, "export", "--data", str(data), "--out", str(out), "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "release ledger is damaged" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
