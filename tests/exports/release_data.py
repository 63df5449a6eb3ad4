"""Data for the release tests: pupils with chosen answers, saved through the kiosk's own store,
and every figure an export's tables publish, read back from its CSV files."""

from __future__ import annotations

import csv
import functools
import io
import uuid
from collections.abc import Iterable
from pathlib import Path

from surveys.keys import SchoolKey
from surveys.model import Questionnaire, Response, Term
from surveys.sealed import demo_key, demo_public_key, seal_response
from surveys.storage.responses import ResponseStore
from surveys.storage.texts import keep_texts

Answers = dict[str, str | None]

#: table -> (the columns that say where a figure stands, the figures)
TABLES = {
    "answers.csv": (
        ["academic_year", "term", "band", "year_group", "questionnaire", "question_id",
         "wording", "answer_id"],
        ["count", "asked"],
    ),
    "safer-answers.csv": (
        ["academic_year", "term", "band", "year_group", "questionnaire", "question_id",
         "wording"],
        ["asked", "safer_answer_pct"],
    ),
    "strands.csv": (["strand", "band", "academic_year", "term"], ["safer_answer_pct", "answers"]),
}  # fmt: skip


def balanced(q: Questionnaire, n: int, start: int = 0) -> list[Answers]:
    """``n`` pupils who between them give every answer (skips too) about equally often."""
    out = []
    for i in range(start, start + n):
        answers: Answers = {}
        for question in q.questions:
            slots: list[str | None] = [o.id for o in question.options] + [None]
            answers[question.id] = slots[i % len(slots)]
        out.append(answers)
    return out


def first_answers(q: Questionnaire) -> Answers:
    """One pupil who picks the first answer to every question."""
    return {question.id: question.options[0].id for question in q.questions}


def save(
    data: Path,
    q: Questionnaire,
    pupils: Iterable[Answers],
    year: str,
    term: Term,
    *,
    year_group: str | None = None,
) -> None:
    keep_texts(data, [q])
    batch = [
        Response(
            id=uuid.uuid4().hex,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            content_hash=q.content_hash,
            band=q.band,
            year_group=year_group,
            academic_year=year,
            term=term,
            kiosk_id="kiosk-late",
            answers=answers,
        )
        for answers in pupils
    ]
    with ResponseStore(data) as store:  # sealed, as a kiosk seals them
        store.save_many([seal_response(r, demo_public_key()) for r in batch])


@functools.lru_cache(maxsize=1)
def key() -> SchoolKey:
    """The key the lead opens the answers with (here the sample school's demo key)."""
    return demo_key()


def table(out: Path, name: str) -> list[dict[str, str]]:
    text = (out / "tables" / name).read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def figures(out: Path) -> dict[tuple[str, ...], str]:
    """Every figure in an export's tables, by table, place and column ("c" when hidden)."""
    found = {}
    for name, (where, values) in TABLES.items():
        if not (out / "tables" / name).exists():
            continue
        for row in table(out, name):
            for column in values:
                found[(name, *(row[w] for w in where), column)] = row[column]
    return found


def changes(before: dict, after: dict) -> dict[tuple[str, ...], tuple[str | None, str | None]]:
    """Every figure that differs between two exports: changed, appeared, hidden or shown."""
    return {
        k: (before.get(k), after.get(k))
        for k in before.keys() | after.keys()
        if before.get(k) != after.get(k)
    }


def recovered(before: Path, after: Path) -> set[tuple[str, str, str, str]]:
    """The differencing attack: answers that went up by exactly one between two exports.

    Returns (questionnaire, question, year group, answer) for each such cell.
    """
    old = {tuple(r[c] for c in TABLES["answers.csv"][0]): r for r in table(before, "answers.csv")}
    found = set()
    for r in table(after, "answers.csv"):
        was = old.get(tuple(r[c] for c in TABLES["answers.csv"][0]))
        if was is None or "c" in (was["count"], r["count"]):
            continue
        if int(r["count"]) - int(was["count"]) == 1:
            found.add((r["questionnaire"], r["question_id"], r["year_group"], r["answer_id"]))
    return found
