"""Cell-key perturbation: the noise is what the docs say, and it stops the known-answer attack.

The attack measured here is the strongest one: the intruder knows every answer but
one pupil's and sees the counts *before* suppression hides anything. Record keys
are drawn from a seeded generator, standing in for keys nobody without the private
key can work out, so the figures are the same on every run.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter

from exports.aggregate import ALL_YEARS, Row, rows_from, tally_keyed
from exports.noise import perturbation
from surveys.model import Questionnaire
from tests.exports.attacker import best_guess, one_release, two_releases
from tests.exports.release_data import balanced

YEAR, TERM = "2025/26", "autumn"
TRIALS = 300
#: The school key's fixed key (SchoolKey.fixed_key): the same in every release.
SCHOOL = 0x5C0001_C0FFEE


def as_stored(q: Questionnaire, answers: dict[str, str | None], rid: str) -> dict:
    return {
        "id": rid, "questionnaire_id": q.id, "content_hash": q.content_hash,
        "band": q.band.value if q.band else None, "year_group": None,
        "academic_year": YEAR, "term": TERM, "answers": answers,
    }  # fmt: skip


def band_counts(rows: list[Row]) -> dict[tuple[str, str], int]:
    return {
        (r.question.question_id, answer): n
        for r in rows
        if r.year_group == ALL_YEARS
        for answer, n in r.counts.items()
    }


def publish(q: Questionnaire, pupils, rng: random.Random, perturb: bool = True):
    pairs = [(as_stored(q, a, f"r{i}"), rng.getrandbits(64)) for i, a in enumerate(pupils)]
    counted, cell_keys = tally_keyed(pairs)
    rows = rows_from(
        counted, {q.content_hash: q}, cell_keys=cell_keys if perturb else None, fixed_key=SCHOOL
    )
    return band_counts(rows)


def expected(q: Questionnaire, pupils) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for answers in pupils:
        for question in q.questions:
            out[(question.id, answers[question.id] or "skipped")] += 1
    return out


def random_pupil(q: Questionnaire, rng: random.Random) -> dict[str, str | None]:
    return {qn.id: rng.choice([*(o.id for o in qn.options), None]) for qn in q.questions}


def test_the_noise_is_discrete_laplace_with_a_third_at_zero_and_a_spread_of_two():
    draws = [perturbation(g * 7919, ("cell",)) for g in range(20_000)]
    assert abs(statistics.mean(draws)) < 0.06
    assert abs(draws.count(0) / len(draws) - 1 / 3) < 0.015
    assert abs(statistics.pvariance(draws) - 4) < 0.25
    assert all(perturbation(g * 7919, ("cell",)) == d for g, d in enumerate(draws[:100]))


def test_the_same_records_give_the_same_figures_and_one_more_moves_the_whole_group(library):
    q = library.questionnaires["pupils-7-11"]
    pupils = balanced(q, 90)
    assert publish(q, pupils, random.Random(1)) == publish(q, pupils, random.Random(1))
    exact = publish(q, pupils, random.Random(1), perturb=False)
    noisy = publish(q, pupils, random.Random(1))
    assert noisy != exact  # the figures do move...
    assert all(abs(noisy[c] - exact[c]) <= 12 for c in exact)  # ...by a little
    # The same pupils with one more: fresh noise in most cells, not only the new pupil's.
    more = publish(q, [*pupils, random_pupil(q, random.Random(5))], random.Random(1))
    moved = sum(more[c] != noisy[c] for c in noisy)
    assert moved > len(q.questions) * 2


def guesses(library, *, two: bool, perturb: bool = True) -> tuple[float, float]:
    """(share of the pupil's answers guessed right, share of pupils with every answer right)."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(2026)
    known = balanced(q, 90)
    right = whole = 0
    for _ in range(TRIALS):
        pupil = random_pupil(q, rng)
        after = publish(q, [*known, pupil], rng, perturb)
        if two:  # the difference of two releases around the pupil
            before = publish(q, known, rng, perturb)
            residuals = {c: after[c] - before[c] for c in after}
        else:  # one release less the answers the intruder made
            made = expected(q, known)
            residuals = {c: after[c] - made[c] for c in after}
        guess = best_guess(residuals, two_releases if two else one_release)
        hits = sum(guess[qn.id] == (pupil[qn.id] or "skipped") for qn in q.questions)
        right += hits
        whole += hits == len(q.questions)
    return right / (TRIALS * len(q.questions)), whole / TRIALS


def test_without_noise_the_intruder_reads_every_answer(library):
    assert guesses(library, two=False, perturb=False) == (1.0, 1.0)


def test_padding_a_band_with_known_answers_leaves_each_answer_a_guess(library):
    each, every = guesses(library, two=False)
    print(f"one release less known answers: {each:.0%} of answers right, {every:.1%} whole")
    assert each < 0.45  # chance alone: 1 in 4 or 5; without noise: every one
    assert every < 0.01


def test_comparing_two_releases_around_one_pupil_leaves_each_answer_a_guess(library):
    each, every = guesses(library, two=True)
    print(f"two releases around one pupil: {each:.0%} of answers right, {every:.1%} whole")
    assert each < 0.4
    assert every < 0.01
