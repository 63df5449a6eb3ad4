"""Read and check the agreements in ``content/aups/``, and catch text edited without a new version.

Like questionnaires, a broken agreement file is set aside with its reasons and
the rest still run. Checks across files: ids are unique; every pupil
agreement's year groups exist in ``school.yaml`` and no year group is in two;
one agreement each for parents, staff and visitors. A symbol-supported version
(``presentation: symbols``) is offered beside the words one, so it covers the
same years without taking them: no year group is in two symbol versions either,
and each of its points has a symbol from :data:`surveys.pictures.SYMBOLS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from surveys.agreements.aup import Aup, Signer
from surveys.content.errors import Code, ContentProblem, Severity, Unavailable
from surveys.content.readability import agreement_reading_problems
from surveys.content.source import Source, load_yaml, validate
from surveys.model import SchoolProfile
from surveys.pictures import SYMBOLS
from surveys.storage.texts import agreement_hashes, remember_agreement_hashes

__all__ = ["AUPS_DIR", "changed_without_new_version", "load_aups", "remember_texts"]

AUPS_DIR = "aups"


def load_aups(
    folder: Path, school: SchoolProfile | None, today: dt.date | None = None
) -> tuple[dict[str, Aup], list[Unavailable], list[ContentProblem]]:
    today = today or dt.date.today()
    aups: dict[str, Aup] = {}
    unavailable: list[Unavailable] = []
    problems: list[ContentProblem] = []
    adir = folder / AUPS_DIR
    files = sorted(adir.glob("*.yaml")) if adir.is_dir() else []
    if not files:
        problems.append(
            ContentProblem(
                Code.MISSING_FILE,
                f"{AUPS_DIR}/",
                "",
                "no agreement (AUP) files found, so the kiosk cannot collect signatures",
                f"copy the shipped {AUPS_DIR}/ folder and edit it",
                severity=Severity.WARNING,
            )
        )
    years = {g.id: g.name for g in school.year_groups} if school else {}
    year_owner: dict[str, str] = {}
    symbol_year_owner: dict[str, str] = {}
    signer_owner: dict[Signer, str] = {}
    for path in files:
        name = f"{AUPS_DIR}/{path.name}"
        src, found = load_yaml(path, name)
        aup: Aup | None = None
        if src is not None:
            aup, found = validate(Aup, src)
        if aup is not None and src is not None:
            problem = _reporter(src, found)
            if aup.id in aups:
                problem(
                    Code.DUPLICATE_ID,
                    ["id"],
                    f'another agreement already uses the id "{aup.id}"',
                    "give this agreement its own id",
                )
            if aup.signer != Signer.PUPILS and aup.signer in signer_owner:
                problem(
                    Code.TWO_AGREEMENTS_FOR_SIGNER,
                    ["signer"],
                    f"{signer_owner[aup.signer]} is already the agreement for {aup.signer.value}",
                    "keep one agreement per signer: move the other file out of the folder",
                )
            owners = symbol_year_owner if aup.symbols else year_owner
            for i, year in enumerate(aup.year_groups):
                if years and year not in years:
                    problem(
                        Code.UNKNOWN_YEAR_GROUP,
                        ["year_groups", i],
                        f'"{year}" is not a year group in school.yaml',
                        f"use one of: {', '.join(years)}",
                    )
                elif year in owners:
                    problem(
                        Code.YEAR_GROUP_TWICE,
                        ["year_groups", i],
                        f"{year} is already in {owners[year]}",
                        "put each year group in exactly one pupil agreement"
                        + (" with symbols" if aup.symbols else ""),
                    )
            found += agreement_reading_problems(aup, src, school)
            found += _review_problems(aup, src, today)
            found += _secret_problems(aup, src)
            found += _symbol_problems(aup, src)
        problems += found
        if aup is None or any(p.severity == Severity.ERROR for p in found):
            unavailable.append(
                Unavailable(name, None, [p for p in found if p.severity == Severity.ERROR])
            )
            continue
        aups[aup.id] = aup
        if aup.signer != Signer.PUPILS:
            signer_owner[aup.signer] = name
        for year in aup.year_groups:
            (symbol_year_owner if aup.symbols else year_owner)[year] = name
    if aups and any(a.signer == Signer.PUPILS and not a.symbols for a in aups.values()):
        for year_id, year_name in years.items():
            if year_id not in year_owner:
                problems.append(
                    ContentProblem(
                        Code.YEAR_GROUP_UNCOVERED,
                        f"{AUPS_DIR}/",
                        f"year group {year_id}",
                        f"no pupil agreement is for {year_name}",
                        f"add {year_id} to the year_groups of one pupil agreement",
                        severity=Severity.WARNING,
                    )
                )
    return aups, unavailable, problems


def _review_problems(aup: Aup, src: Source, today: dt.date) -> list[ContentProblem]:
    """A review date on each agreement, and a warning once it has passed."""
    if aup.review_by is None:
        return [
            ContentProblem(
                Code.NO_REVIEW_DATE,
                src.name,
                "review_by",
                "this agreement has no review date",
                "add `review_by: YYYY-MM-DD`, at most a year after `effective`",
                severity=Severity.WARNING,
                line=src.line_of(["effective"]),
            )
        ]
    if aup.review_by >= today:
        return []
    return [
        ContentProblem(
            Code.REVIEW_DATE_PASSED,
            src.name,
            "review_by",
            f"this agreement was due for review by {aup.review_by:%-d %B %Y}",
            "review it with your DSL (are the rules, names and help routes still right?), "
            "then set a new review_by; if any words change, raise version and effective",
            severity=Severity.WARNING,
            line=src.line_of(["review_by"]),
        )
    ]


_SECRET = re.compile(r"\bsecrets?\b", re.IGNORECASE)


def _secret_problems(aup: Aup, src: Source) -> list[ContentProblem]:
    """Safeguarding teaching says "private", never "secret": an abuser asks for secrets."""
    if aup.signer != Signer.PUPILS:
        return []
    texts: list[tuple[list[int | str], str]] = [(["intro"], aup.intro), (["closing"], aup.closing)]
    for i, section in enumerate(aup.sections):
        texts += [
            (["sections", i, "points", j, "text"], p.text) for j, p in enumerate(section.points)
        ]
    return [
        ContentProblem(
            Code.SECRET_NOT_PRIVATE,
            src.name,
            src.describe(loc),
            f'a pupil agreement says "secret": "{text}"',
            'say "private" instead: children are taught that a grown-up who asks them to keep '
            "a secret is a reason to tell",
            severity=Severity.WARNING,
            line=src.line_of(loc),
        )
        for loc, text in texts
        if _SECRET.search(text)
    ]


#: Most words in one point of a symbol-supported agreement: one short sentence.
MAX_SYMBOL_POINT_WORDS = 8


def _symbol_problems(aup: Aup, src: Source) -> list[ContentProblem]:
    """Every symbol is one of the fixed set; a symbol-supported agreement has one on every
    point, and short points."""
    words = ", ".join(SYMBOLS)
    found = []
    for i, section in enumerate(aup.sections):
        for j, point in enumerate(section.points):
            at: list[int | str] = ["sections", i, "points", j]
            if point.symbol is not None and point.symbol not in SYMBOLS:
                found.append(
                    ContentProblem(
                        Code.UNKNOWN_SYMBOL,
                        src.name,
                        src.describe([*at, "symbol"]),
                        f'"{point.symbol}" is not one of the kiosk\'s symbols',
                        f"use one of: {words} (docs/content-guide.md shows each)",
                        line=src.line_of([*at, "symbol"]),
                    )
                )
            if not aup.symbols:
                continue
            if point.symbol is None:
                found.append(
                    ContentProblem(
                        Code.MISSING_SYMBOL,
                        src.name,
                        src.describe(at),
                        f'this point of a symbol-supported agreement has no symbol: "{point.text}"',
                        f"add `symbol:` under its text, with one of: {words}",
                        line=src.line_of(at),
                    )
                )
            count = len(point.text.split())
            if count > MAX_SYMBOL_POINT_WORDS:
                found.append(
                    ContentProblem(
                        Code.LONG_SYMBOL_POINT,
                        src.name,
                        src.describe([*at, "text"]),
                        f'{count} words in a symbol-supported point: "{point.text}"',
                        f"keep it to {MAX_SYMBOL_POINT_WORDS} words or fewer: split it into "
                        "two points, each with its own symbol",
                        severity=Severity.WARNING,
                        line=src.line_of([*at, "text"]),
                    )
                )
    return found


def _reporter(src: Source, found: list[ContentProblem]) -> Callable[..., None]:
    def problem(code: Code, loc: list[int | str], message: str, fix: str) -> None:
        found.append(
            ContentProblem(code, src.name, src.describe(loc), message, fix, line=src.line_of(loc))
        )

    return problem


def changed_without_new_version(aups: dict[str, Aup], data: Path) -> list[ContentProblem]:
    """Agreements whose text differs from what this kiosk saw before under the same version.

    Signatures carry the version, so a silent edit would make the register say
    people signed words they never saw. Such an agreement is set aside until
    its version is raised; each problem names it in ``agreement_id``.
    """
    seen = agreement_hashes(data)
    problems = []
    for aup in aups.values():
        before = seen.get(aup.id, {}).get(str(aup.version))
        if before is not None and before != aup.content_hash:
            problems.append(
                ContentProblem(
                    Code.CHANGED_WITHOUT_NEW_VERSION,
                    f"{AUPS_DIR}/ ({aup.id})",
                    "version",
                    f"the text of {aup.id} has changed, but its version is still {aup.version}; "
                    "people have already signed the old words under that version",
                    f"raise version to {aup.version + 1} and set a new effective date",
                    agreement_id=aup.id,
                )
            )
    return problems


def remember_texts(aups: dict[str, Aup], data: Path) -> None:
    """Record each agreement version's content hash in the data folder (first seen wins)."""
    remember_agreement_hashes(data, {a.id: (a.version, a.content_hash) for a in aups.values()})
