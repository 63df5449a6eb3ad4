"""The differencing attack, replayed: two exports around one watched pupil give nothing away.

A teacher saw one pupil answer. They compare the tables the lead exported
before with the ones exported after. On the old main, every cell that went up
by one was that pupil's answer (12 of 14 recovered). Here the pupil answers in
the current term (never published), and arrives late into a term already
published (held as first published); and, to show the attack itself works,
the same comparison without the release ledger does give the pupil away.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from exports.export import answers_csv, write_export
from exports.report import build_report
from surveys.demo import write_demo_data
from surveys.model import Term
from surveys.storage.responses import ResponseStore
from surveys.terms import academic_year, term_of
from tests.exports.release_data import (
    balanced,
    changes,
    figures,
    first_answers,
    key,
    recovered,
    save,
    table,
)

TODAY = dt.date.today()
NOW_YEAR, NOW_TERM = academic_year(TODAY), term_of(TODAY)
START = int(NOW_YEAR[:4]) - 1
#: A term that has ended: last year's autumn.
CLOSED_YEAR = f"{START}/{(START + 1) % 100:02d}"


def export(data: Path, library, out: Path, **kwargs) -> Path:
    write_export(build_report(data, library, key=key(), today=TODAY, **kwargs), out)
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory, library) -> tuple[Path, Path]:
    """A school's data folder, and the export the lead made from it (which fills the ledger).

    Demo data over five years, and a well-answered closed term for ages 7–11 so
    that nearly every cell of it is shown (the easiest case for the attacker).
    """
    root = tmp_path_factory.mktemp("school")
    data = root / "data"
    with ResponseStore(data) as store:
        write_demo_data(store, library, 1200, seed=7)
    q = library.questionnaires["pupils-7-11"]
    save(data, q, balanced(q, 90), CLOSED_YEAR, Term.AUTUMN)
    return data, export(data, library, root / "before")


def with_one_more_pupil(published, tmp_path, library, year: str, term: Term) -> Path:
    data = tmp_path / "data"
    shutil.copytree(published[0], data)
    q = library.questionnaires["pupils-7-11"]
    save(data, q, [first_answers(q)], year, term, year_group="year-4")
    return data


def term_rows(out: Path) -> list[dict[str, str]]:
    """The answers.csv rows of the closed term the late pupil arrives in."""
    return [
        r
        for r in table(out, "answers.csv")
        if (r["academic_year"], r["term"], r["questionnaire"])
        == (CLOSED_YEAR, "autumn", "pupils-7-11")
    ]


def term_figures(out: Path, question: str) -> set[tuple[str, str, str, str]]:
    return {
        (r["year_group"], r["answer_id"], r["count"], r["asked"])
        for r in term_rows(out)
        if r["question_id"] == question
    }


def the_pupils_answers(library) -> set[tuple[str, str, str]]:
    q = library.questionnaires["pupils-7-11"]
    return {(q.id, qid, answer or "skipped") for qid, answer in first_answers(q).items()}


def test_a_pupil_who_answers_in_the_current_term_changes_no_published_figure(
    published, tmp_path, library
):
    data = with_one_more_pupil(published, tmp_path, library, NOW_YEAR, NOW_TERM)
    after = export(data, library, tmp_path / "after")
    assert changes(figures(published[1]), figures(after)) == {}
    assert recovered(published[1], after) == set()
    for name in ("answers.csv", "safer-answers.csv", "strands.csv"):
        shown = {(r["academic_year"], r["term"]) for r in table(after, name)}
        assert (NOW_YEAR, NOW_TERM.value) not in shown, name


def test_a_pupil_arriving_late_into_a_published_term_changes_no_figure_and_is_marked_held(
    published, tmp_path, library
):
    data = with_one_more_pupil(published, tmp_path, library, CLOSED_YEAR, Term.AUTUMN)
    after = export(data, library, tmp_path / "after")
    assert changes(figures(published[1]), figures(after)) == {}
    assert recovered(published[1], after) == set()
    # Held: every question whose figures, worked out afresh (same data, same noise,
    # no ledger), differ from those published. Cell-key noise can, now and then,
    # give a question the very figures it had before; then there is nothing to hold.
    afresh = export(data, library, tmp_path / "afresh", ledger=tmp_path / "none.json")
    moved = {
        question
        for question in first_answers(library.questionnaires["pupils-7-11"])
        if term_figures(afresh, question) != term_figures(published[1], question)
    }
    assert len(moved) >= 12  # one pupil more shows in nearly every question
    held = {r["question_id"] for r in term_rows(after) if r["as_published_before"] == "yes"}
    assert held == moved


def test_with_exact_figures_and_no_ledger_the_same_comparison_gives_the_pupils_answers_away(
    published, tmp_path, library
):
    # The attack is real: had the figures been worked out afresh and exactly (no
    # ledger, no perturbation), the cells that went up by one are the pupil's answers.
    data = with_one_more_pupil(published, tmp_path, library, CLOSED_YEAR, Term.AUTUMN)
    naive = []
    for name, folder in (("before", published[0]), ("after", data)):
        exact = build_report(
            folder, library, key=key(), today=TODAY, ledger=tmp_path / f"{name}.json",
            perturb=False,
        )  # fmt: skip
        (tmp_path / name / "tables").mkdir(parents=True)
        (tmp_path / name / "tables" / "answers.csv").write_bytes(answers_csv(exact.rows))
        naive.append(tmp_path / name)
    got = {(q, question, a) for q, question, yg, a in recovered(*naive) if yg == "all"}
    assert len(got & the_pupils_answers(library)) >= 12, got
