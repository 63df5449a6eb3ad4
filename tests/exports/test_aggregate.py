"""Aggregation and suppression on hand-made data where the right numbers are known."""

from __future__ import annotations

import csv
import io
import itertools
import random
import uuid

import pytest

from exports.aggregate import ALL_YEARS, NOT_RECORDED, SKIPPED, Row, rows_from, tally
from exports.export import answers_csv
from exports.suppress import Thresholds, suppress, suppress_published
from exports.tables import csv_bytes
from surveys.model import Questionnaire

QUESTIONNAIRE = {
    "id": "pupils-7-11", "version": 1, "title": "Test", "audience": "pupils", "band": "7-11",
    "intro": "Anonymous.", "help_routes": ["school"],
    "questions": [
        {"id": "know-report-block", "text": "Do you know how to report?",
         "strand": "online-bullying", "favourable": ["yes"],
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"},
                     {"id": "not-sure", "label": "Not sure"}]},
        {"id": "strangers-in-games", "text": "Do you chat to strangers in games?",
         "strand": "online-relationships", "sensitive": True, "favourable": ["never"],
         "options": [{"id": "often", "label": "Often"}, {"id": "never", "label": "Never"}]},
    ],
}  # fmt: skip


def questionnaire(**changes) -> Questionnaire:
    return Questionnaire.model_validate({**QUESTIONNAIRE, **changes})


def responses(q: Questionnaire, year: str, term: str, answers: dict[str, dict], yg=None):
    """answers: question id -> {answer: how many}; one response per answer given."""
    qids = list(answers)
    columns = [
        [a for a, n in answers[qid].items() for _ in range(n)] for qid in qids
    ]  # every question gets the same number of answers
    assert len({len(c) for c in columns}) == 1
    for values in zip(*columns, strict=True):
        yield {
            "id": uuid.uuid4().hex, "questionnaire_id": q.id, "questionnaire_version": q.version,
            "content_hash": q.content_hash, "band": q.band.value if q.band else None,
            "year_group": yg, "academic_year": year, "term": term, "kiosk_id": "k",
            "answers": {qid: (None if v == SKIPPED else v) for qid, v in zip(qids, values,
                                                                             strict=True)},
        }  # fmt: skip


def band_rows(rows: list[Row], qid: str) -> dict[str, Row]:
    return {
        r.period.label: r
        for r in rows
        if r.question.question_id == qid and r.year_group == ALL_YEARS
    }


def build(rs, *qs: Questionnaire, thresholds=None) -> list[Row]:
    return suppress(rows_from(tally(rs), {q.content_hash: q for q in qs}), thresholds)


def test_favourable_percent_per_term_and_band():
    q = questionnaire()
    rs = [
        *responses(q, "2025/26", "autumn", {
            "know-report-block": {"yes": 30, "no": 10, "not-sure": 5, SKIPPED: 5},
            "strangers-in-games": {"often": 12, "never": 38},
        }),
        *responses(q, "2025/26", "spring", {
            "know-report-block": {"yes": 36, "no": 9, "not-sure": 5},
            "strangers-in-games": {"often": 10, "never": 40},
        }),
    ]  # fmt: skip
    rows = build(rs, q)
    know = band_rows(rows, "know-report-block")
    assert know["2025/26 autumn"].favourable_pct() == pytest.approx(60.0)  # 30 of 50 asked
    assert know["2025/26 spring"].favourable_pct() == pytest.approx(72.0)
    assert know["2025/26 autumn"].counts == {"yes": 30, "no": 10, "not-sure": 5, SKIPPED: 5}
    games = band_rows(rows, "strangers-in-games")
    assert games["2025/26 spring"].favourable_pct() == pytest.approx(80.0)
    assert [r.period.label for r in know.values()] == ["2025/26 autumn", "2025/26 spring"]


def consistent_assignments(row: Row) -> list[dict[str, int]]:
    """Every way to fill the hidden cells that agrees with what is published."""
    hidden = sorted(row.suppressed)
    shown = sum(c for k, c in row.counts.items() if k not in row.suppressed)
    out = []
    for values in itertools.product(range(row.total + 1), repeat=len(hidden)):
        if shown + sum(values) != row.total:
            continue
        guess = dict(zip(hidden, values, strict=True))
        if row.favourable_pct() is not None:
            fav = sum(
                guess.get(k, row.counts[k]) for k in row.counts if k in row.question.favourable
            )
            if fav != row.favourable:
                continue
        out.append(guess)
    return out


def test_a_4_response_cell_is_hidden_and_cannot_be_worked_out():
    q = questionnaire()
    rs = responses(q, "2025/26", "autumn", {
        "know-report-block": {"yes": 4, "no": 30, "not-sure": 10, SKIPPED: 6},
        "strangers-in-games": {"often": 20, "never": 30},
    })  # fmt: skip
    row = band_rows(build(rs, q), "know-report-block")["2025/26 autumn"]
    assert "yes" in row.suppressed and not row.total_suppressed
    assert len(row.suppressed) >= 2  # never a lone hidden cell beside a published total
    assert row.favourable_pct() is None  # 4 "yes" would be 8% of 50
    possible_yes = {guess["yes"] for guess in consistent_assignments(row)}
    assert len(possible_yes) > 1 and 4 in possible_yes


def test_sensitive_questions_use_the_higher_threshold():
    q = questionnaire()
    rs = list(responses(q, "2025/26", "autumn", {
        "know-report-block": {"yes": 7, "no": 36, "not-sure": 7},
        "strangers-in-games": {"often": 7, "never": 43},
    }))  # fmt: skip
    rows = build(rs, q)
    know = band_rows(rows, "know-report-block")["2025/26 autumn"]
    games = band_rows(rows, "strangers-in-games")["2025/26 autumn"]
    assert know.threshold == 5 and games.threshold == 10
    assert "yes" not in know.suppressed  # 7 >= 5
    assert "often" in games.suppressed  # 7 < 10
    assert games.favourable_pct() is None  # 43 never of 50 reveals 7 often
    stricter = build(rs, q, thresholds=Thresholds(normal=8, sensitive=12))
    assert "yes" in band_rows(stricter, "know-report-block")["2025/26 autumn"].suppressed


def test_a_small_row_is_hidden_whole():
    q = questionnaire()
    rs = responses(q, "2025/26", "autumn", {
        "know-report-block": {"yes": 3, "no": 1},
        "strangers-in-games": {"often": 2, "never": 2},
    })  # fmt: skip
    for row in build(rs, q):
        assert row.total_suppressed and row.suppressed == set(row.counts)
        assert row.favourable_pct() is None


def test_a_changed_question_text_starts_a_new_series():
    v1 = questionnaire()
    reworded = [dict(QUESTIONNAIRE["questions"][0], text="Can you report or block someone?"),
                QUESTIONNAIRE["questions"][1]]  # fmt: skip
    v2 = questionnaire(version=2, questions=reworded)
    answers = {
        "know-report-block": {"yes": 20, "no": 20, "not-sure": 10},
        "strangers-in-games": {"often": 15, "never": 35},
    }
    rs = [
        *responses(v1, "2025/26", "autumn", answers),
        *responses(v2, "2025/26", "autumn", answers),
        *responses(v2, "2025/26", "spring", answers),
    ]
    rows = [r for r in build(rs, v1, v2) if r.year_group == ALL_YEARS]
    know = {r.question.text_hash for r in rows if r.question.question_id == "know-report-block"}
    assert len(know) == 2
    games = [r for r in rows if r.question.question_id == "strangers-in-games"]
    assert len({r.question.text_hash for r in games}) == 1  # unchanged: one series
    autumn = next(r for r in games if r.period.label == "2025/26 autumn")
    assert autumn.total == 100  # both versions counted together


def test_year_groups_cannot_be_subtracted_from_their_band():
    q = questionnaire()
    answers_4 = {
        "know-report-block": {"yes": 20, "no": 18, "not-sure": 2, SKIPPED: 2},
        "strangers-in-games": {"often": 15, "never": 27},
    }
    answers_5 = {
        "know-report-block": {"yes": 25, "no": 20, "not-sure": 15, SKIPPED: 5},
        "strangers-in-games": {"often": 20, "never": 45},
    }
    rs = [
        *responses(q, "2025/26", "autumn", answers_4, yg="year-4"),
        *responses(q, "2025/26", "autumn", answers_5, yg="year-5"),
    ]
    rows = [r for r in build(rs, q) if r.question.question_id == "know-report-block"]
    by_year = {r.year_group: r for r in rows}
    band = by_year[ALL_YEARS]
    assert band.counts["not-sure"] == 17 and "not-sure" not in band.suppressed
    assert "not-sure" in by_year["year-4"].suppressed  # 2 < 5
    # 17 - 15 would give year 4's 2 away, so year 5's 15 is hidden too.
    assert "not-sure" in by_year["year-5"].suppressed
    assert NOT_RECORDED not in by_year
    for r in rows:
        if r.year_group != ALL_YEARS:
            assert r.favourable_pct() is None  # per-band only


def test_no_hidden_cell_can_be_worked_out_from_what_is_published():
    """Random classes of every size. For every published row, every way of filling its hidden
    cells that agrees with the row total and the safer-answer count is tried: each hidden cell
    must have more than one possible value. Year-group tables are all or nothing."""
    import random

    rng = random.Random(5)
    q = questionnaire()
    rs = []
    years = ["2022/23", "2023/24", "2024/25", "2025/26"]
    for year, term in itertools.product(years, ["autumn", "spring", "summer"]):
        for yg in ["year-3", "year-4", "year-5", None]:
            size = rng.choice([1, 2, 3, 4, 6, 9])
            for _ in range(size):
                rs.extend(responses(q, year, term, {
                    "know-report-block": {rng.choice(["yes", "no", "not-sure", SKIPPED]): 1},
                    "strangers-in-games": {rng.choice(["often", "never", SKIPPED]): 1},
                }, yg=yg))  # fmt: skip
    rows = build(rs, q)
    assert any(r.suppressed and not r.total_suppressed for r in rows)
    assert any(r.favourable_pct() for r in rows)
    checked = 0
    for r in rows:
        if r.total_suppressed or not r.suppressed:
            continue
        assert r.year_group == ALL_YEARS  # year-group tables are never partly hidden
        hidden = sorted(r.suppressed)
        possible: dict[str, set[int]] = {k: set() for k in hidden}
        for guess in consistent_assignments(r):
            for k in hidden:
                possible[k].add(guess[k])
        for k in hidden:
            assert len(possible[k]) > 1, (k, r.counts, r.suppressed)
        checked += 1
    assert checked >= 5
    families: dict = {}
    for r in rows:
        if r.year_group != ALL_YEARS:
            families.setdefault((r.question.questionnaire_id, r.period), []).append(r)
    # One family per term, each holding both questions for every year group (and "not recorded"):
    # the all-or-nothing check below must have tables to look at.
    assert families, "the randomised data makes year-group tables"
    assert {period.label for _q, period in families} == {
        f"{year} {term}" for year in years for term in ("autumn", "spring", "summer")
    }
    for members in families.values():
        assert sorted((m.question.question_id, m.year_group) for m in members) == sorted(
            (qid, yg)
            for qid in ("know-report-block", "strangers-in-games")
            for yg in ("year-3", "year-4", "year-5", NOT_RECORDED)
        )
    for members in families.values():
        assert all(m.total_suppressed for m in members) or not any(m.suppressed for m in members)


def test_hidden_zeros_are_no_protection():
    """Year 6's row: yes 5 and skipped 12 shown would say "no" and "not sure" are both 0."""
    q = questionnaire()
    rs = list(responses(q, "2025/26", "autumn", {
        "know-report-block": {"yes": 5, SKIPPED: 12},
        "strangers-in-games": {"often": 8, "never": 9},
    }))  # fmt: skip
    (row,) = [r for r in build(rs, q) if r.question.question_id == "know-report-block"
              and r.year_group == ALL_YEARS]  # fmt: skip
    hidden_total = sum(row.counts[k] for k in row.suppressed)
    assert len(row.suppressed) >= 2 and hidden_total >= row.threshold


def test_csv_cells_that_a_spreadsheet_would_run_are_inert():
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        data = csv_bytes(["h"], [[f"{start}cmd|' /C calc'!A0"]]).decode("utf-8-sig")
        (cell,) = [row[0] for row in csv.reader(io.StringIO(data))][1:]
        assert cell.startswith("'"), repr(start)
    q = questionnaire(
        questions=[
            dict(questionnaire().model_dump(mode="json")["questions"][0], text="=1+1 is it?")
        ]
    )
    rows = build(responses(q, "2025/26", "autumn", {
        "know-report-block": {"yes": 10, "no": 10, "not-sure": 5, SKIPPED: 5},
    }), q)  # fmt: skip
    table = list(csv.DictReader(io.StringIO(answers_csv(rows).decode("utf-8-sig"))))
    assert {r["question"] for r in table} == {"'=1+1 is it?"}


def test_merged_versions_cannot_be_subtracted_to_reveal_a_small_version():
    """Three pupils on an old version: its reworded question's row is hidden, and so is every
    other row of that questionnaire that term, or v1 = unchanged total - new-wording total."""
    v1 = questionnaire()
    reworded = [dict(QUESTIONNAIRE["questions"][0], text="Can you report or block someone?"),
                QUESTIONNAIRE["questions"][1]]  # fmt: skip
    v2 = questionnaire(version=2, questions=reworded)
    rs = [
        *responses(v1, "2025/26", "autumn", {
            "know-report-block": {"yes": 3},
            "strangers-in-games": {"never": 3},
        }),
        *responses(v2, "2025/26", "autumn", {
            "know-report-block": {"yes": 20, "no": 15, "not-sure": 5},
            "strangers-in-games": {"often": 12, "never": 28},
        }),
    ]  # fmt: skip
    rows = [r for r in build(rs, v1, v2) if r.year_group == ALL_YEARS]
    assert len(rows) == 3  # two wordings of one question, one unchanged question
    assert all(r.total_suppressed for r in rows)


def test_a_published_row_suppressed_again_hides_what_suppress_hides_under_the_new_threshold():
    """``suppress_published`` works from a published row's figures alone (its gaps stay gaps):
    on 3,000 random rows it must agree with :func:`suppress` on the true counts wherever
    the true suppression keeps every published gap (elsewhere the release hides the unit)."""
    q = questionnaire()
    rng = random.Random(11)
    compared = 0
    for _ in range(3000):
        counts = {"yes": rng.randint(0, 30), "no": rng.randint(0, 12),
                  "not-sure": rng.randint(0, 9), SKIPPED: rng.randint(0, 6)}  # fmt: skip
        rs = list(responses(q, "2025/26", "autumn", {"know-report-block": counts}))
        if not rs:
            continue
        (row,) = band_rows(build(rs, q, thresholds=Thresholds(5, 20)), "know-report-block").values()
        if row.total_suppressed:
            continue
        published = {k: None if k in row.suppressed else c for k, c in row.counts.items()}
        favourable = None if row.favourable_suppressed else row.favourable
        t = 5 + rng.randint(1, 8)
        (again,) = band_rows(
            build(rs, q, thresholds=Thresholds(t, 20)), "know-report-block"
        ).values()
        got = suppress_published(published, row.total, favourable, t, row.question.favourable)
        if again.total_suppressed or not row.suppressed <= again.suppressed or got is None:
            continue
        assert got == (again.suppressed, again.favourable_suppressed), (counts, t)
        compared += 1
    assert compared > 1500
