"""Text that goes into the evidence pack's charts: warn where chart software would misread it.

matplotlib reads text between two ``$`` signs as maths, so ``"$5 or $10"`` in a
question became a maths formula, and a broken one stopped the whole export. The
charts now draw every school text as written (``parse_math=False`` in
:mod:`exports.charts`), and ``esafety content check`` still warns, since the same
words are pasted into other tools (spreadsheets, slides) that may read them so.
"""

from __future__ import annotations

from surveys.content.errors import Code, ContentProblem, Severity
from surveys.content.source import Source
from surveys.model import Questionnaire

__all__ = ["chart_text_problems", "reads_as_maths"]


def reads_as_maths(text: str) -> bool:
    """Whether chart software would read ``text`` as maths: two or more bare ``$`` signs.

    The rule matplotlib uses: an even, non-zero number of ``$`` not written ``\\$``.
    An odd number is drawn as written; we warn on any two or more, which is simpler
    to explain and catches the odd case a later edit makes even.
    """
    return text.count("$") - text.count("\\$") >= 2


def chart_text_problems(q: Questionnaire, src: Source) -> list[ContentProblem]:
    """A warning for each title, question text or answer label that reads as maths."""
    places: list[tuple[list[int | str], str]] = [(["title"], q.title)]
    for i, question in enumerate(q.questions):
        places.append((["questions", i, "text"], question.text))
        for j, option in enumerate(question.options):
            places.append((["questions", i, "options", j, "label"], option.label))
    return [
        ContentProblem(
            Code.TEXT_READ_AS_MATHS,
            src.name,
            src.describe(loc),
            "two or more $ signs: chart software reads the text between them as maths",
            'write amounts in pounds (£5) or words ("5 dollars"), or keep to one $ sign',
            severity=Severity.WARNING,
            line=src.line_of(loc),
        )
        for loc, text in places
        if reads_as_maths(text)
    ]
