"""Checks across content files: routes exist and suit the audience, ages fit the band,
ids are unique, and a school's strings match the shipped English keys and placeholders.

What a questionnaire owes the child in front of it (rights, help lines, pictures that
don't steer) is checked in :mod:`surveys.content.safety`, called from here."""

from __future__ import annotations

from collections.abc import Iterable

import content as shipped_content
from surveys.content.errors import Code, ContentProblem, Severity
from surveys.content.safety import safety_check
from surveys.content.source import Source, load_yaml
from surveys.model import WORDING_KEYS, AgeBand, Audience, HelpRoute, Questionnaire, StringTable

__all__ = [
    "CHILD_BANDS",
    "check_strings",
    "cross_check",
    "qr_target_problems",
    "route_wording_problems",
]

STRINGS_DIR = "strings"
#: Bands whose children must read a card in their own words, never the adult text.
CHILD_BANDS = (AgeBand.AGES_4_7, AgeBand.AGES_7_11)


def cross_check(
    q: Questionnaire,
    src: Source,
    routes: dict[str, HelpRoute] | None,
    seen: dict[str, Questionnaire],
    taken_bands: dict[str, str],
) -> list[ContentProblem]:
    found: list[ContentProblem] = []

    def problem(code: Code, loc: list[int | str], message: str, fix: str) -> None:
        found.append(
            ContentProblem(code, src.name, src.describe(loc), message, fix, line=src.line_of(loc))
        )

    if q.id in seen:
        problem(
            Code.DUPLICATE_ID,
            ["id"],
            f'another file already uses the id "{q.id}"',
            "give this questionnaire its own id",
        )
    band_key = q.band.value if q.band else "parents"
    if band_key in taken_bands:
        problem(
            Code.TWO_QUESTIONNAIRES_FOR_BAND,
            ["band"] if q.band else ["audience"],
            f"{taken_bands[band_key]} is already the questionnaire for {band_key}",
            "keep one questionnaire per band: move the other file out of the folder",
        )
    qids = [question.id for question in q.questions]
    for i, qid in enumerate(qids):
        if qids.index(qid) != i:
            problem(
                Code.DUPLICATE_ID,
                ["questions", i, "id"],
                f'the question id "{qid}" is used twice in this file',
                "give each question its own id (trends follow the id)",
            )
        min_age = q.questions[i].min_age
        if q.band and min_age and min_age > q.band.youngest:
            problem(
                Code.QUESTION_TOO_OLD,
                ["questions", i, "min_age"],
                f"this question is for ages {min_age}+ but the band starts at {q.band.youngest}",
                "move it to a questionnaire for older pupils, or remove it",
            )
    found += safety_check(q, src)
    if routes is None:
        return found
    found += _route_problems(q, q.help_routes, ["help_routes"], routes, src)
    for i, question in enumerate(q.questions):
        loc: list[int | str] = ["questions", i, "help_routes"]
        found += _route_problems(q, question.help_routes, loc, routes, src)
    return found


def _route_problems(
    q: Questionnaire,
    ids: list[str],
    where: list[int | str],
    routes: dict[str, HelpRoute],
    src: Source,
) -> list[ContentProblem]:
    """Each route named at ``where`` exists, is for this audience, and suits the band."""
    found: list[ContentProblem] = []
    field = "this question's help_routes" if where[0] == "questions" else "help_routes"

    def problem(code: Code, i: int, message: str, fix: str) -> None:
        loc = [*where, i]
        found.append(
            ContentProblem(code, src.name, src.describe(loc), message, fix, line=src.line_of(loc))
        )

    who = Audience(q.audience)
    for i, rid in enumerate(ids):
        route = routes.get(rid)
        if route is None:
            problem(
                Code.UNKNOWN_ROUTE,
                i,
                f'no help route has the id "{rid}"',
                f"use one of: {', '.join(sorted(routes))}",
            )
            continue
        if who not in route.audience:
            problem(
                Code.ROUTE_WRONG_AUDIENCE,
                i,
                f"{route.name} is for {', '.join(route.audience)}, not {who.value}",
                f"remove it from {field}",
            )
        if q.band and route.min_age and route.min_age > q.band.oldest:
            problem(
                Code.ROUTE_TOO_OLD,
                i,
                f"{route.name} is for ages {route.min_age}+, older than this whole band",
                f"remove it from {field}",
            )
        elif q.band and not route.suits(q.band):
            problem(
                Code.ROUTE_TOO_OLD,
                i,
                f"{route.name} is left off for ages {q.band.value} (its left_off_for)",
                f"remove it from {field}, or take {q.band.value} out of its left_off_for",
            )
    return found


def route_wording_problems(
    route: HelpRoute, src: Source, where: list[int | str]
) -> list[ContentProblem]:
    """A card's words per audience: only known keys, and its own words for every
    4-7 and 7-11 child who may be shown it (``where`` locates the card in ``src``)."""
    found: list[ContentProblem] = []

    def problem(code: Code, loc: list[int | str], message: str, fix: str) -> None:
        found.append(
            ContentProblem(code, src.name, src.describe(loc), message, fix, line=src.line_of(loc))
        )

    for key in route.for_band:
        if key not in WORDING_KEYS:
            problem(
                Code.UNKNOWN_WORDING_KEY,
                [*where, "for_band", key],
                f'"{key}" is not a band or audience the kiosk knows',
                f'use one of: {", ".join(WORDING_KEYS)} (bands in quotes, e.g. "4-7")',
            )
    if Audience.PUPILS not in route.audience:
        return found
    for band in CHILD_BANDS:
        if not route.suits(band):
            continue
        wording = route.for_band.get(band.value)
        missing = [
            f for f in ("for_whom", "honest_line") if wording is None or not getattr(wording, f)
        ]
        if missing:
            loc = [*where, "for_band", band.value] if wording else where
            problem(
                Code.MISSING_CHILD_WORDING,
                loc,
                f"{route.name} is shown to ages {band.value} but has no {' or '.join(missing)} "
                f'in their words (they would read: "{route.for_whom}")',
                f'add `for_band: {{"{band.value}": {{for_whom: ..., honest_line: ...}}}}` in '
                f"words a child of {band.value} can read"
                + (
                    f", or add {band.value} to left_off_for so the card is not shown to them"
                    if where[0] == "routes"
                    else ""
                ),
            )
    return found


def qr_target_problems(
    route: HelpRoute, src: Source, where: list[int | str]
) -> list[ContentProblem]:
    """The page a card's QR code opens (``url``) is one of the service's own listed
    addresses (``urls``), so a code never sends a child to some other page."""
    if route.url is None or route.url in route.urls:
        return []
    listed = ", ".join(route.urls) if route.urls else "none"
    loc = [*where, "url"]
    return [
        ContentProblem(
            Code.QR_NOT_LISTED,
            src.name,
            src.describe(where),
            f'the QR code of "{route.id}" ({route.name}) opens {route.url}, which is not one '
            f"of its listed urls ({listed})",
            "set url to the service's page for this card, copied from its own website, and "
            "list that same address under urls",
            line=src.line_of(loc),
        )
    ]


def check_strings(strings: StringTable, name: str) -> list[ContentProblem]:
    """Compare a strings file with the shipped English one: same keys, same placeholders."""
    reference_src, _ = load_yaml(shipped_content.SHIPPED_DIR / STRINGS_DIR / "en.yaml", "en.yaml")
    if reference_src is None:
        return []
    reference = StringTable.model_validate(reference_src.data)
    found: list[ContentProblem] = []
    for key in sorted(set(reference.strings) - set(strings.strings)):
        found.append(
            ContentProblem(
                Code.MISSING_STRING,
                name,
                f"strings › {key}",
                "the kiosk needs this text and it is missing",
                f'add `{key}: "{reference.strings[key]}"` (in your own words)',
            )
        )
    for key in sorted(set(strings.strings) & set(reference.strings)):
        want, got = reference.placeholders(key), strings.placeholders(key)
        if want != got:
            found.append(
                ContentProblem(
                    Code.PLACEHOLDER_MISMATCH,
                    name,
                    f"strings › {key}",
                    f"uses {_braces(got) or 'no placeholders'}; the kiosk fills in "
                    f"{_braces(want) or 'none'}",
                    f"keep exactly {_braces(want) or 'no {…} placeholders'} in this text",
                )
            )
    for key in sorted(set(strings.strings) - set(reference.strings)):
        found.append(
            ContentProblem(
                Code.UNUSED_STRING,
                name,
                f"strings › {key}",
                "the kiosk never shows this text",
                "check the spelling of the key, or delete it",
                severity=Severity.WARNING,
            )
        )
    return found


def _braces(names: Iterable[str]) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names))
