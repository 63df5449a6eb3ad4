"""Count answers per question, term and band (and year group) — before any suppression.

Pure functions over the plain dicts a store holds. A *series* is one question as
pupils saw it: questionnaire id, question id and the hash of its words and
answers. Versions of a questionnaire are compared only where a question is
unchanged; a reworded question starts a new series.

    responses --tally--> counts per (questionnaire text, year, term, band, year group)
              --rows---> Row per (series, year, term, band, year group), every answer counted

Opened from a data folder, each group also gets its *cell key* (the sum of its
records' keys), and :func:`rows_from` perturbs every count with it
(:mod:`exports.noise`) before the rows add them up.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports.noise import MASK, cell_noise
from surveys.model import Questionnaire, Strand, Term
from surveys.sealed import Keys, open_keyed
from surveys.storage.responses import ResponseStore

__all__ = [
    "ALL_YEARS",
    "NOT_RECORDED",
    "PARENTS",
    "SKIPPED",
    "Period",
    "QuestionInfo",
    "Row",
    "StoredTwice",
    "missing_texts",
    "rows_from",
    "tally",
    "tally_folder",
    "tally_keyed",
]

SKIPPED = "skipped"  # "I'd rather not say"
PARENTS = "parents"  # the band key of the parents' questionnaire
ALL_YEARS = ""  # the band-level row
NOT_RECORDED = "not-recorded"  # year group not chosen by staff
TERM_ORDER = {t: i for i, t in enumerate(Term)}


@dataclass(frozen=True, order=True)
class Period:
    """An academic year and term, in calendar order."""

    start_year: int
    term_index: int

    @classmethod
    def of(cls, academic_year: str, term: str) -> Period:
        return cls(int(academic_year[:4]), TERM_ORDER[Term(term)])

    @property
    def academic_year(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def term(self) -> Term:
        return list(Term)[self.term_index]

    @property
    def label(self) -> str:
        return f"{self.academic_year} {self.term.value}"


@dataclass(frozen=True)
class QuestionInfo:
    """One series: a question exactly as pupils saw it."""

    questionnaire_id: str
    question_id: str
    text_hash: str
    text: str
    strand: Strand | None
    sensitive: bool
    headline: bool
    #: (option id, label) in the order shown, then ("skipped", "I'd rather not say").
    options: tuple[tuple[str, str], ...]
    favourable: frozenset[str]

    @property
    def counts_keys(self) -> frozenset[str]:
        return frozenset(option for option, _ in self.options)

    @property
    def series(self) -> tuple[str, str, str]:
        return (self.questionnaire_id, self.question_id, self.text_hash)


def question_infos(q: Questionnaire) -> dict[str, QuestionInfo]:
    return {
        question.id: QuestionInfo(
            questionnaire_id=q.id,
            question_id=question.id,
            text_hash=question.text_hash,
            text=question.text,
            strand=question.strand,
            sensitive=question.sensitive,
            headline=question.headline,
            options=(
                *((o.id, o.label) for o in question.options),
                (SKIPPED, "I'd rather not say"),
            ),
            favourable=frozenset(question.favourable),
        )
        for question in q.questions
    }


@dataclass
class Row:
    """Answers to one question in one term, band and (optionally) year group."""

    question: QuestionInfo
    period: Period
    band: str
    year_group: str
    counts: dict[str, int]
    #: Filled in by :func:`exports.suppress.suppress`.
    threshold: int = 0
    suppressed: set[str] = field(default_factory=set)
    total_suppressed: bool = False
    favourable_suppressed: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def favourable(self) -> int:
        return sum(c for k, c in self.counts.items() if k in self.question.favourable)

    @property
    def has_favourable(self) -> bool:
        return bool(self.question.favourable)

    def favourable_pct(self) -> float | None:
        """Share of everyone asked who gave a favourable answer; None when hidden or undefined.

        Those who skipped count in the total: the figure is "of the pupils asked".
        """
        if not self.has_favourable or self.favourable_suppressed or self.total_suppressed:
            return None
        return 100.0 * self.favourable / self.total if self.total else None


#: questionnaire id, content hash, academic year, term, band, year group
Key = tuple[str, str, str, str, str, str]
Tallied = dict[Key, Counter[tuple[str, str | None]]]
#: Per group: the sum of its records' keys, modulo 2**64.
CellKeys = dict[Key, int]


class StoredTwice(ValueError):
    """One record is stored twice in a data folder."""


class NotOffered(ValueError):
    """A response answers with an option its text does not have (:mod:`exports.forged`)."""


def tally(responses: Iterable[dict[str, Any]], *, since_year: int | None = None) -> Tallied:
    """(question id, answer) counts per questionnaire text, term, band and year group.

    One ``Counter.update`` per response keeps the inner loop in C: 100,000
    responses take a fraction of a second.
    """
    return tally_keyed(((r, 0) for r in responses), since_year=since_year)[0]


def tally_keyed(
    pairs: Iterable[tuple[dict[str, Any], int]],
    *,
    since_year: int | None = None,
    seen: set[str] | None = None,
) -> tuple[Tallied, CellKeys]:
    """:func:`tally` over (response, record key) pairs, with each group's cell key.

    Args:
        seen: ids counted already (this call adds to it).

    Raises:
        ValueError: a record is stored twice (a copied folder would count it twice).
    """
    out: Tallied = {}
    cell_keys: CellKeys = {}
    seen = set() if seen is None else seen
    try:
        for r, record_key in pairs:
            rid = r["id"]
            if rid in seen:
                raise StoredTwice(
                    f"response {rid} (kiosk {r.get('kiosk_id')}) is stored twice in the data "
                    "folder, and would be counted twice: someone copied a kiosk's folder. "
                    "Remove the copy from responses/ and export again. Nothing was written."
                )
            seen.add(rid)
            year = r["academic_year"]
            if since_year is not None and int(year[:4]) < since_year:
                continue
            key = (
                r["questionnaire_id"],
                r["content_hash"],
                year,
                r["term"],
                r["band"] or PARENTS,
                r.get("year_group") or NOT_RECORDED,
            )
            counter = out.get(key)
            if counter is None:
                counter = out[key] = Counter()
            counter.update(r["answers"].items())
            cell_keys[key] = (cell_keys.get(key, 0) + record_key) & MASK
    except StoredTwice:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(
            f"a stored response is damaged ({type(exc).__name__}: {exc}); "
            "restore the data folder from a copy"
        ) from None
    return out, cell_keys


def tally_folder(
    data: Path, key: Keys, *, since_year: int | None = None, workers: int = 1
) -> tuple[Tallied, CellKeys]:
    """:func:`tally_keyed` over a data folder's sealed responses, opened with ``key`` in memory.

    ``workers`` processes share the shards; each opens and counts its part, and
    only the small tallies come back (nothing opened touches the disk). Workers
    are forked: use ``workers > 1`` from the command line only, never inside the
    kiosk server.

    Raises:
        KeyProblem: a record was sealed to another key, or is damaged.
    """
    if workers <= 1:
        return _tally_part(data, key, since_year, 0, 1)[:2]
    global _FORKED_KEY
    _FORKED_KEY = key  # forked children inherit it; a private key is never pickled
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.starmap(
                _tally_forked, [(data, since_year, i, workers) for i in range(workers)]
            )
    finally:
        _FORKED_KEY = None
    merged, cell_keys, seen = parts[0]
    for part, part_keys, ids in parts[1:]:
        twice = seen & ids
        if twice:
            raise StoredTwice(
                f"response {min(twice)} is stored twice in the data folder, and would be "
                "counted twice: someone copied a kiosk's folder. Remove the copy from "
                "responses/ and export again. Nothing was written."
            )
        seen |= ids
        for k, counter in part.items():
            mine = merged.get(k)
            if mine is None:
                merged[k] = counter
            else:
                mine.update(counter)
            cell_keys[k] = (cell_keys.get(k, 0) + part_keys[k]) & MASK
    return merged, cell_keys


_FORKED_KEY: Keys | None = None


def _tally_forked(
    data: Path, since_year: int | None, index: int, parts: int
) -> tuple[Tallied, CellKeys, set[str]]:
    assert _FORKED_KEY is not None
    return _tally_part(data, _FORKED_KEY, since_year, index, parts)


def _tally_part(
    data: Path, key: Keys, since_year: int | None, index: int, parts: int
) -> tuple[Tallied, CellKeys, set[str]]:
    store = ResponseStore(data, writer=False)
    records = store.raw_records(since_year=since_year, part=(index, parts))
    seen: set[str] = set()
    tallied, cell_keys = tally_keyed(open_keyed(records, key), since_year=since_year, seen=seen)
    return tallied, cell_keys, seen


def rows_from(
    tallied: Tallied,
    texts: dict[str, Questionnaire],
    *,
    cell_keys: CellKeys | None = None,
    fixed_key: int = 0,
) -> list[Row]:
    """Band-level rows and year-group rows (which sum to them), every answer present.

    Args:
        tallied: from :func:`tally` or :func:`tally_keyed`.
        texts: questionnaires by content hash (the current ones and the kept copies).
        cell_keys: from :func:`tally_keyed`: perturb every count (:mod:`exports.noise`)
            before adding it in. Without them the counts are exact.
        fixed_key: the school key's :attr:`~surveys.keys.SchoolKey.fixed_key`.
    """
    infos = {h: question_infos(q) for h, q in texts.items()}
    merged: dict[tuple[tuple[str, str, str], Period, str, str], Row] = {}
    for group, counter in tallied.items():
        questionnaire_id, content_hash, year, term, band, year_group = group
        period = Period.of(year, term)
        known = infos.get(content_hash)
        if known is None:
            continue  # no copy of the words: see missing_texts(); never published raw
        for (qid, choice), _n in counter.items():
            info = known.get(qid)
            if info is None or (choice is not None and choice not in info.counts_keys):
                raise NotOffered(
                    f"a stored response to {questionnaire_id} answers {qid} with {choice!r}, "
                    "which its own questionnaire text does not have"
                )
        asked = {qid for qid, _choice in counter}
        for qid, info in known.items():
            if qid not in asked:
                continue
            counts: dict[str, int] = {}
            for option, _label in info.options:
                n = counter.get((qid, None if option == SKIPPED else option), 0)
                if cell_keys is not None:
                    n = max(0, n + cell_noise(cell_keys[group], fixed_key, (*group, qid, option)))
                counts[option] = n
            for yg in (ALL_YEARS, year_group):
                row = merged.get((info.series, period, band, yg))
                if row is None:
                    row = merged[(info.series, period, band, yg)] = Row(
                        info, period, band, yg, dict.fromkeys(counts, 0)
                    )
                for option, n in counts.items():
                    row.counts[option] += n
    # A band with one year group (or none recorded) has a year-group row that
    # only repeats the band's row: leave it out.
    members: Counter[tuple[tuple[str, str, str], Period, str]] = Counter(
        (series, period, band) for (series, period, band, yg) in merged if yg != ALL_YEARS
    )
    return sorted(
        (
            row
            for (series, period, band, yg), row in merged.items()
            if yg == ALL_YEARS or members[(series, period, band)] > 1
        ),
        key=lambda r: (r.question.series, r.band, r.period, r.year_group),
    )


def missing_texts(
    tallied: dict[Key, Counter[tuple[str, str | None]]], texts: dict[str, Questionnaire]
) -> dict[tuple[str, str], int]:
    """(questionnaire id, content hash) answered on a text with no copy here -> responses.

    Those answers are left out: without the words there is no honest series and
    no list of answers to hide small counts among.
    """
    out: dict[tuple[str, str], int] = {}
    for (qid, content_hash, *_rest), counter in tallied.items():
        if content_hash not in texts:
            per_q: Counter[str] = Counter()
            for (question, _a), n in counter.items():
                per_q[question] += n
            out[(qid, content_hash)] = out.get((qid, content_hash), 0) + max(
                per_q.values(), default=0
            )
    return out
