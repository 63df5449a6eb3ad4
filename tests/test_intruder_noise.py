"""Red team of cell-key perturbation (exports/noise.py): can an intruder take the noise off?

Two intruders, as in ``tests/test_intruder.py``, replayed on the real pipeline
(kiosk store, sealing, ``build_report`` through the ``publish`` helper, the ledger):

1. a **teacher** with the staff PIN: answers a tablet as often as they like with
   answers they chose, and sees every export and evidence pack;
2. a **technician** with a shell on the hub laptop: can read, delete, edit and copy
   any file in the data folder (shards, the release ledger), and seal records of
   their own with the school's *public* key, but has not the private key's
   passphrase, so cannot work out a record key.

The lead, who holds the key, exports when asked and is no attacker.

A defended attack is a plain passing test. An attack that works asserts the safe
behaviour and is ``xfail(strict=True, raises=AssertionError)`` with the finding (and
its numbers) as its reason. The school key and every record id are made from fixed
seeds, so the noise, and every number here, is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from nacl.public import PrivateKey

from exports.aggregate import Row, StoredTwice
from exports.noise import MASK, cell_noise
from exports.report import build_report
from exports.suppress import Thresholds
from surveys.keys import SchoolKey
from surveys.model import Questionnaire, SealedResponse, Term
from surveys.storage.layout import DataFolder
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts
from tests.exports.attacker import one_release
from tests.exports.release_data import balanced, table
from tests.exports.release_data import key as demo_key
from tests.intruder_helpers import (
    CLOSED_TERM,
    CLOSED_YEAR,
    TODAY,
    Answers,
    publish,
    sealed_pupils,
    tally,
)

Cell = tuple[str, str]


def finding(reason: str) -> pytest.MarkDecorator:
    """An attack that works today: the test asserts the safe behaviour."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


@pytest.fixture(scope="module")
def school() -> SchoolKey:
    """A school key made from a fixed seed (a real SchoolKey: record keys as the export makes
    them), so that every run draws the same noise."""
    return SchoolKey(PrivateKey(hashlib.sha256(b"redteam10 school key").digest()))


def public_of(key: SchoolKey) -> bytes:
    return bytes(key.private.public_key)


def random_pupil(q: Questionnaire, rng: random.Random) -> Answers:
    return {qn.id: rng.choice([*(o.id for o in qn.options), None]) for qn in q.questions}


def sealed(
    q: Questionnaire,
    pupils: list[Answers],
    public: bytes,
    rng: random.Random,
    *,
    kiosk_id: str = "kiosk-hall",
    ids: Iterable[str] | None = None,
    **where: Any,
) -> list[SealedResponse]:
    """Responses sealed with the public key alone, as a kiosk (or a technician) seals them;
    ids drawn from ``rng`` unless chosen, so that every run is the same."""
    if ids is None:
        ids = [f"{rng.getrandbits(128):032x}" for _ in pupils]
    return sealed_pupils(q, pupils, public, kiosk_id=kiosk_id, ids=ids, **where)


def store(data: Path, q: Questionnaire, records: list[SealedResponse]) -> None:
    keep_texts(data, [q])
    with ResponseStore(data) as s:
        s.save_many(records)


def cells(
    out: Path, q: Questionnaire, *, year: str = CLOSED_YEAR, term: Term = CLOSED_TERM,
    year_group: str = "all",
) -> dict[Cell, int | None]:  # fmt: skip
    """(question, answer) -> the published count (None if hidden) of one row of answers.csv."""
    return {
        (r["question_id"], r["answer_id"]): None if r["count"] == "c" else int(r["count"])
        for r in table(out, "answers.csv")
        if (r["questionnaire"], r["academic_year"], r["term"], r["year_group"])
        == (q.id, year, term.value, year_group)
    }


def truth(q: Questionnaire, pupil: Answers) -> set[Cell]:
    return {(qn.id, pupil.get(qn.id) or "skipped") for qn in q.questions}


def bayes(looks: list[dict[Cell, int | None]]) -> dict[str, str]:
    """question -> best guess from several looks at residual = pupil + independent noise."""
    score: dict[Cell, float] = {}
    for residuals in looks:
        for cell, r in residuals.items():
            if r is not None:
                gain = math.log(one_release(r - 1) / one_release(r))
                score[cell] = score.get(cell, 0.0) + gain
            else:
                score.setdefault(cell, 0.0)
    best: dict[str, tuple[float, str]] = {}
    for (question, answer), s in sorted(score.items()):
        if question not in best or s > best[question][0]:
            best[question] = (s, answer)
    return {question: answer for question, (_s, answer) in best.items()}


def hits(q: Questionnaire, guess: dict[str, str], pupil: Answers) -> int:
    return sum(guess.get(qn.id) == (pupil.get(qn.id) or "skipped") for qn in q.questions)


# =============================================================================================
# The technician: record keys follow the record id only
# =============================================================================================


def test_a_technician_who_reseals_the_same_record_ids_with_own_answers_learns_the_noise(
    tmp_path, library, school
):
    """Fixed: the record key was a keyed hash of the id alone, so resealing every id of a group
    with answers of one's own (public key only), deleting the ledger and letting the lead
    export again gave the group's very noise: 14 of 14 answers read exactly. The record key
    is now drawn from the whole plaintext, and a fixed part of the noise never changes."""
    q = library.questionnaires["pupils-14-18"]
    rng = random.Random(101)
    data = tmp_path / "hub-data"
    padding = balanced(q, 70)  # the teacher's, at the tablet
    watched = random_pupil(q, rng)
    real = sealed(q, [*padding, watched], public_of(school), rng)
    store(data, q, real)
    first = cells(publish(data, library, school, tmp_path / "first"), q)
    # The technician keeps a copy of the shards, reseals every id (in clear in the
    # envelope) with answers they chose, deletes the ledger; the lead exports again.
    shards = DataFolder(data).responses
    shutil.copytree(shards, tmp_path / "kept")
    mine = balanced(q, len(real), start=2)
    forged = sealed(q, mine, public_of(school), rng, ids=[r.id for r in real])
    with ResponseStore(data) as s:
        s.remove(r.id for r in real)
        s.save_many(forged)
    DataFolder(data).release_ledger.unlink()
    second = cells(publish(data, library, school, tmp_path / "second"), q)
    shutil.rmtree(shards)
    shutil.copytree(tmp_path / "kept", shards)  # and puts the real ones back
    made = tally(q, mine)
    noise = {c: n - made[c] for c, n in second.items() if n}  # n > 0: not clamped
    known = tally(q, padding)
    residuals = {
        c: None if n is None or c not in noise else n - noise[c] - known[c]
        for c, n in first.items()
    }
    read = {c for c, r in residuals.items() if r == 1}
    got = read & truth(q, watched)
    print(f"same ids resealed: {len(got)} of {len(q.questions)} answers read exactly")
    assert len(got) < len(q.questions), f"every answer read: {sorted(got)}"


def test_a_technician_who_copies_a_kiosk_folder_gets_the_export_refused(tmp_path, library, school):
    q = library.questionnaires["pupils-14-18"]
    rng = random.Random(102)
    data = tmp_path / "hub-data"
    padding = balanced(q, 70)
    watched = random_pupil(q, rng)
    store(data, q, sealed(q, [*padding, watched], public_of(school), rng))
    kiosk = DataFolder(data).responses / "kiosk-hall"
    copies = 20
    for n in range(1, copies):
        shutil.copytree(kiosk, kiosk.with_name(f"kiosk-hall-{n}"))
    # Counted once per copy, every count was 20 times the truth and the noise stayed +-2:
    # count/20 less the padding was the pupil's 14 answers. Now the export refuses.
    for workers in (1, 2):
        with pytest.raises(StoredTwice, match="stored twice"):
            build_report(data, library, key=school, today=TODAY, workers=workers)
    assert not DataFolder(data).release_ledger.exists(), "nothing was recorded"


def test_copied_records_never_lift_a_three_pupil_band_over_the_threshold(tmp_path, library, school):
    q = library.questionnaires["pupils-14-18"]
    rng = random.Random(103)
    data = tmp_path / "hub-data"
    three = [random_pupil(q, rng) for _ in range(3)]
    store(data, q, sealed(q, three, public_of(school), rng))
    kiosk = DataFolder(data).responses / "kiosk-hall"
    for n in range(1, 20):
        shutil.copytree(kiosk, kiosk.with_name(f"kiosk-hall-{n}"))
    with pytest.raises(StoredTwice, match="stored twice"):
        publish(data, library, school, tmp_path / "out")


def test_moving_a_record_to_another_kiosk_folder_changes_no_figure(tmp_path, library, school):
    """Moving (not copying) a shard under another kiosk's name: the cell key is a sum over
    the group's records wherever they lie, so every figure is the same."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(104)
    data = tmp_path / "hub-data"
    store(data, q, sealed(q, balanced(q, 90), public_of(school), rng))
    before = table(publish(data, library, school, tmp_path / "before"), "answers.csv")
    kiosk = DataFolder(data).responses / "kiosk-hall"
    moved = sorted(kiosk.rglob("shard-*.json"))[:5]
    for path in moved:
        target = kiosk.parent / "kiosk-gym" / path.relative_to(kiosk)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    DataFolder(data).release_ledger.unlink()
    after = table(publish(data, library, school, tmp_path / "after"), "answers.csv")
    assert before == after


# =============================================================================================
# The technician: the ledger deleted before every export
# =============================================================================================

TERMS = [(y, t) for y in ("2023/24", "2024/25") for t in Term] + [(CLOSED_YEAR, CLOSED_TERM)]
YEAR_GROUPS = ("year-3", "year-4")
LOOKS = 10


def test_averaging_exports_after_deleting_the_ledger_reads_the_pupils(tmp_path, library, school):
    """Mitigated: each export after a deleted ledger, with one more record of the technician's
    in the pupil's group, was one more independent look (10 exports: 83% of answers right,
    1 of 14 pupils whole). A second part of the noise, fixed per cell by the school key, is
    the same in every look and cannot be averaged away: 10 exports now give about 42%."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(105)
    data = tmp_path / "hub-data"
    groups = [(y, t, yg) for y, t in TERMS for yg in YEAR_GROUPS]
    padding = balanced(q, 80)
    watched = {g: random_pupil(q, rng) for g in groups}
    records: list[SealedResponse] = []
    for y, t, yg in groups:
        pupils = [*padding, watched[(y, t, yg)]]
        records += sealed(q, pupils, public_of(school), rng, year=y, term=t, year_group=yg)
    store(data, q, records)
    known = {g: tally(q, padding) for g in groups}
    looks: dict[tuple[str, Term, str], list[dict[Cell, int | None]]] = {g: [] for g in groups}
    accuracy = []
    for n in range(LOOKS):
        out = publish(data, library, school, tmp_path / f"export-{n}")
        for y, t, yg in groups:
            seen = cells(out, q, year=y, term=t, year_group=yg)
            k = known[(y, t, yg)]
            looks[(y, t, yg)].append({c: None if v is None else v - k[c] for c, v in seen.items()})
        right = [hits(q, bayes(looks[g]), watched[g]) for g in groups]
        accuracy.append((sum(right) / (len(groups) * len(q.questions)), right))
        # The technician: one more record of their own in every group, and no ledger.
        extra = balanced(q, 1, start=n)
        for y, t, yg in groups:
            store(data, q, sealed(q, extra, public_of(school), rng, year=y, term=t, year_group=yg))
            known[(y, t, yg)] += tally(q, extra)
        DataFolder(data).release_ledger.unlink()
    one, (many, right) = accuracy[0][0], accuracy[-1]
    whole = sum(r == len(q.questions) for r in right)
    print(f"1 export: {one:.0%}; {LOOKS} exports: {many:.0%}, {whole} of {len(groups)} whole")
    assert many < 0.5, f"{LOOKS} exports: {many:.0%} of answers right, {whole} pupils whole"


# =============================================================================================
# Defended: the same records always give the same figures, however the export is run
# =============================================================================================


def figures_of(rows: list[Row]) -> dict[tuple, int]:
    out = {}
    for r in rows:
        for answer, n in r.counts.items():
            if answer not in r.suppressed and not r.total_suppressed:
                out[(r.question.series, r.period, r.band, r.year_group, answer)] = n
    return out


def test_since_year_min_count_and_two_workers_draw_the_same_noise(tmp_path, library, school):
    """A lead asked to export with ``--since``, a higher ``--min-count`` or ``--workers 2``
    shows the same figure for every cell the two show: no fresh look at the same records."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(106)
    data = tmp_path / "hub-data"
    for y, t in TERMS[2:]:
        for yg in YEAR_GROUPS:
            pupils = [*balanced(q, 40), random_pupil(q, rng)]
            store(data, q, sealed(q, pupils, public_of(school), rng, year=y, term=t, year_group=yg))

    def run(name: str, **kw) -> dict[tuple, int]:
        report = build_report(
            data, library, key=school, today=TODAY, ledger=tmp_path / f"{name}.json", **kw
        )
        return figures_of(report.rows)

    base = run("base")
    assert base
    for name, kw in {
        "since": {"since_year": 2024},
        "min-count": {"thresholds": Thresholds(normal=8, sensitive=12)},
        "workers": {"workers": 2},
    }.items():
        other = run(name, **kw)
        assert other, name
        shared = other.keys() & base.keys()
        assert shared, name
        assert {k: other[k] for k in shared} == {k: base[k] for k in shared}, name


def test_year_group_rows_band_rows_asked_and_safer_pct_are_one_look_not_several(
    tmp_path, library, school
):
    """The teacher's extra looks: a band row, its year-group rows, each question's 'asked'
    and the safer-answer % are all sums of the same perturbed cells, so none of them is a
    second draw of the noise on the watched pupil's cells."""
    q = library.questionnaires["pupils-14-18"]
    rng = random.Random(107)
    data = tmp_path / "hub-data"
    store(data, q, sealed(q, balanced(q, 150), public_of(school), rng, year_group="year-12"))
    pupils = [*balanced(q, 150, start=1), random_pupil(q, rng)]
    store(data, q, sealed(q, pupils, public_of(school), rng, year_group="year-13"))
    out = publish(data, library, school, tmp_path / "out")
    band = cells(out, q)
    y12, y13 = cells(out, q, year_group="year-12"), cells(out, q, year_group="year-13")
    shown = [c for c in band if None not in (band[c], y12[c], y13[c])]
    assert len(shown) > len(band) // 2
    assert all(band[c] == (y12[c] or 0) + (y13[c] or 0) for c in shown)
    asked = Counter[str]()
    for (question, _a), n in band.items():
        asked[question] += n or 0
    rows = [
        r for r in table(out, "answers.csv")
        if r["questionnaire"] == q.id and r["year_group"] == "all" and r["asked"] != "c"
    ]  # fmt: skip
    assert rows and all(int(r["asked"]) == asked[r["question_id"]] for r in rows)
    safer = {
        r["question_id"]: r for r in table(out, "safer-answers.csv") if r["questionnaire"] == q.id
    }
    for question in q.questions:
        r = safer.get(question.id)
        if r is None or r["safer_answer_pct"] == "c":
            continue
        fav = sum(band[(question.id, o)] or 0 for o in question.favourable)
        assert int(r["asked"]) == asked[question.id]
        assert r["safer_answer_pct"] == f"{100.0 * fav / asked[question.id]:.1f}"


def test_the_demo_keys_published_secret_does_not_predict_a_school_keys_noise(
    tmp_path, library, school
):
    """Once the school's own key is installed, record keys come from it: the demo key
    (whose passphrase is published) gives other record keys, and other noise."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(108)
    data = tmp_path / "hub-data"
    pupils = balanced(q, 90)
    records = sealed(q, pupils, public_of(school), rng)
    store(data, q, records)
    published = cells(publish(data, library, school, tmp_path / "out"), q)
    demo = demo_key()
    assert all(demo.record_key(r.id.encode()) != school.record_key(r.id.encode()) for r in records)
    group_key = sum(demo.record_key(r.id.encode()) for r in records) & MASK
    group = (q.id, q.content_hash, CLOSED_YEAR, CLOSED_TERM.value, q.band.value, "not-recorded")
    exact = tally(q, pupils)
    guessed = {
        c: max(0, exact[c] + cell_noise(group_key, demo.fixed_key, (*group, *c)))
        for c in published
    }  # fmt: skip
    right = sum(guessed[c] == n for c, n in published.items() if n is not None)
    # By chance a third or so of the cells match (a third of draws are 0 either way).
    assert right < 0.6 * len(published), f"{right} of {len(published)} cells predicted"


def test_a_dated_export_of_the_same_records_shows_the_same_figures(tmp_path, library, school):
    """Exporting the same records again on another day (the ledger kept, or deleted) shows
    the same figures: repeat exports give nothing to average."""
    q = library.questionnaires["pupils-7-11"]
    rng = random.Random(109)
    data = tmp_path / "hub-data"
    store(data, q, sealed(q, [*balanced(q, 90), random_pupil(q, rng)], public_of(school), rng))
    first = cells(publish(data, library, school, tmp_path / "a"), q)
    DataFolder(data).release_ledger.unlink()
    later = TODAY + dt.timedelta(days=100)
    again = cells(publish(data, library, school, tmp_path / "b", today=later), q)
    assert first == again
