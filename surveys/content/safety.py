"""What a questionnaire owes the child in front of it, checked before any child sees it.

- ``missing-rights``: every pupil questionnaire tells the pupil their rights before
  the first question (voluntary, skip, stop, what for, who sees, no taking back),
  and the 4–7 one is honest that an adult helper sees their taps.
- ``missing-help-line``: a sensitive question carries its own calm line of help.
- ``steering-picture``: a picture does not praise or blame an answer. Thumbs and
  happy or sad faces are refused on sensitive questions (unless the answers are
  themselves feelings), and on an answer that contradicts ``favourable``.
"""

from __future__ import annotations

from surveys.content.errors import Code, ContentProblem
from surveys.content.source import Source
from surveys.model import AgeBand, Audience, Question, Questionnaire, Rights
from surveys.pictures import FEELINGS, JUDGING

__all__ = ["safety_check"]

#: What each point of the rights should say, for the fix.
RIGHTS_HINTS = {
    "voluntary": "taking part is up to them, and it is fine to say no",
    "skip": "they can skip any question (the kiosk's \"I'd rather not say\")",
    "stop": 'they can stop at any time ("I want to stop") and nothing is kept',
    "what_for": "what the answers are for",
    "who_sees": "who sees the answers: only totals, never one pupil's answers",
    "no_take_back": "once sent, answers cannot be taken back, because they have no name",
    "adult_helper": "an adult may read the questions to them and will see what they tap, "
    "and they can still skip or stop",
}

_PRAISE = frozenset({"very-happy", "happy", "thumb-up"})
_BLAME = frozenset({"sad", "very-sad", "thumb-down"})


def safety_check(q: Questionnaire, src: Source) -> list[ContentProblem]:
    """Rights, help lines and pictures of one questionnaire."""
    found = _rights(q, src)
    for i, question in enumerate(q.questions):
        found += _help_line(question, i, src)
        found += _pictures(question, i, src)
    return found


def _problem(
    src: Source, code: Code, loc: list[int | str], message: str, fix: str
) -> ContentProblem:
    # A missing field has no line of its own: name the nearest one that exists.
    line = src.line_of(loc)
    return ContentProblem(code, src.name, src.describe(loc), message, fix, line=line)


def _rights(q: Questionnaire, src: Source) -> list[ContentProblem]:
    if q.rights is None:
        if q.audience != Audience.PUPILS:
            return []  # optional for parents; when given, it must be whole (below)
        return [
            _problem(
                src,
                Code.MISSING_RIGHTS,
                ["rights"],
                "pupils are not told their rights before the first question",
                "add a `rights:` section with "
                + ", ".join(f"`{p}:`" for p in _wanted(q))
                + " in the pupils' own words (copy it from the shipped questionnaire "
                "for this band and edit)",
            )
        ]
    return [
        _problem(
            src,
            Code.MISSING_RIGHTS,
            ["rights", point],
            f"the rights do not say that {RIGHTS_HINTS[point]}",
            f"add `{point}:` under `rights:` saying, in the pupils' own words, "
            f"that {RIGHTS_HINTS[point]}",
        )
        for point in _wanted(q)
        if getattr(q.rights, point) is None
    ]


def _wanted(q: Questionnaire) -> tuple[str, ...]:
    if q.band == AgeBand.AGES_4_7 or q.presentation == "faces":
        return (*Rights.REQUIRED, "adult_helper")
    return Rights.REQUIRED


def _help_line(question: Question, i: int, src: Source) -> list[ContentProblem]:
    if not question.sensitive or question.help_line:
        return []
    return [
        _problem(
            src,
            Code.MISSING_HELP_LINE,
            ["questions", i, "help_line"],
            "this sensitive question has no line of help on its screen",
            "add `help_line:` to this question: one calm sentence of help that fits "
            "whatever the answer (for example: it is never your fault, and who to tell)",
        )
    ]


def _pictures(question: Question, i: int, src: Source) -> list[ContentProblem]:
    found: list[ContentProblem] = []
    pictures = [o.picture for o in question.options]
    feelings_scale = all(p in FEELINGS for p in pictures)
    for j, option in enumerate(question.options):
        picture = option.picture
        if question.sensitive and not feelings_scale and picture in JUDGING:
            why = "on a sensitive question it says the answer is good or bad"
        elif question.favourable and option.id not in question.favourable and picture in _PRAISE:
            why = "it praises an answer that is not one of the favourable ones"
        elif question.favourable and option.id in question.favourable and picture in _BLAME:
            why = "it looks down on a favourable answer"
        else:
            continue
        found.append(
            _problem(
                src,
                Code.STEERING_PICTURE,
                ["questions", i, "options", j, "icon"],
                f'the picture "{picture}" on "{option.label}" steers the child: {why}',
                "use a neutral picture: yes, no, question or neutral (or remove `icon:` "
                "for the default)",
            )
        )
    return found
