"""Build the library the kiosk runs on from a content folder: the last step of the pipeline.

Pipeline (one module each): :mod:`~surveys.content.source` reads YAML and
validates each file against its model -> :mod:`~surveys.content.checks` checks
across files -> :mod:`~surveys.content.aups` loads the agreements -> here, the
:class:`ContentLibrary`. A broken questionnaire is set aside (with the reasons)
so the others still run; broken strings, help routes or school profile stop the
kiosk with a clear message, since no screen can be drawn honestly without them.

Folder layout::

    school.yaml               the school's name, its own help route, its year groups
    help-routes.yaml          national help and reporting routes
    strings/en.yaml           the kiosk's words
    questionnaires/*.yaml     one questionnaire per file
    aups/*.yaml               one Acceptable Use Policy per file (see aups.py)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

from surveys.agreements.aup import Aup
from surveys.content.aups import load_aups
from surveys.content.charttext import chart_text_problems
from surveys.content.checks import (
    check_strings,
    cross_check,
    qr_target_problems,
    route_wording_problems,
)
from surveys.content.errors import Code, ContentError, ContentProblem, Severity, Unavailable
from surveys.content.readability import questionnaire_reading_problems
from surveys.content.source import Source, load_yaml, validate
from surveys.model import (
    AgeBand,
    Audience,
    HelpRoute,
    Question,
    Questionnaire,
    SchoolProfile,
    StringTable,
)

__all__ = ["ContentLibrary", "check_content", "load_content"]

M = TypeVar("M", bound=BaseModel)

SCHOOL_FILE = "school.yaml"
ROUTES_FILE = "help-routes.yaml"
STRINGS_DIR = "strings"
QUESTIONNAIRES_DIR = "questionnaires"
DEFAULT_LANGUAGE = "en"


@dataclass
class ContentLibrary:
    """Everything the kiosk reads from a content folder, already validated."""

    folder: Path
    school: SchoolProfile
    routes: dict[str, HelpRoute]
    strings: StringTable
    questionnaires: dict[str, Questionnaire]
    #: Questionnaires set aside, with the errors that made them unavailable.
    unavailable: list[Unavailable] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    #: Acceptable Use Policies by id (``aups/``); broken ones are in ``unavailable``.
    aups: dict[str, Aup] = field(default_factory=dict)

    def for_band(self, band: AgeBand) -> Questionnaire | None:
        return next((q for q in self.questionnaires.values() if q.band == band), None)

    def for_parents(self) -> Questionnaire | None:
        return next(
            (q for q in self.questionnaires.values() if q.audience == Audience.PARENTS), None
        )

    def routes_for(
        self,
        questionnaire: Questionnaire | None,
        band: AgeBand | None = None,
        *,
        question: Question | None = None,
    ) -> list[HelpRoute]:
        """Help routes to show, for ``band``'s ages and in their words.

        With a questionnaire: the ones that fit it (its own list, then the topics of
        its questions; see :attr:`Questionnaire.all_help_routes`), with ``question``'s
        own routes first when Help is tapped on it, in its audience's words (the
        band's, or the parents'). Without one: every pupil route that suits ``band``
        (all pupil routes, in the default words, if no band is set).
        """
        band = questionnaire.band if questionnaire is not None and questionnaire.band else band
        if questionnaire is not None:
            ids = list(question.help_routes) if question is not None else []
            ids += [r for r in questionnaire.all_help_routes if r not in ids]
            chosen = [self.routes[r] for r in ids if r in self.routes]
        else:
            chosen = [r for r in self.routes.values() if Audience.PUPILS in r.audience]
        parents = questionnaire is not None and questionnaire.audience == Audience.PARENTS
        key = band.value if band else ("parents" if parents else None)
        return [r.worded_for(key) for r in chosen if r.suits(band)]

    def routes_for_signer(self, who: Audience, band: AgeBand | None = None) -> list[HelpRoute]:
        """The help cards for someone signing an agreement: the cards of ``who``.

        A pupil gets their band's cards in their band's words (its questionnaire's, or
        every pupil card that suits the band); a parent or staff member gets the
        adults' cards (for parents: the parents' questionnaire's, if there is one) in
        the adults' words, never a child's.
        """
        if who == Audience.PUPILS:
            return self.routes_for(self.for_band(band) if band else None, band)
        if who == Audience.PARENTS and (q := self.for_parents()) is not None:
            return self.routes_for(q)
        first = [self.routes["school"]] if "school" in self.routes else []
        rest = [r for r in self.routes.values() if who in r.audience and r not in first]
        return [r.worded_for(who.value) for r in first + rest]

    def unavailable_for(self, band: AgeBand | None) -> list[ContentProblem]:
        """Why a questionnaire for ``band`` (``None`` = parents) is set aside, if it is."""
        wanted = band.value if band else "parents"
        return [p for u in self.unavailable if u.band_key == wanted for p in u.problems]

    @property
    def errors(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]


def check_content(
    folder: Path, language: str = DEFAULT_LANGUAGE, today: dt.date | None = None
) -> tuple[ContentLibrary | None, list[ContentProblem]]:
    """Validate every file in ``folder``; never raises for bad content.

    Returns the library (``None`` if strings, routes or school are unusable) and
    every problem found, errors and warnings together.
    """
    folder = Path(folder)
    problems: list[ContentProblem] = []

    school = _load_one(folder, SCHOOL_FILE, SchoolProfile, problems)
    routes_src, routes_problems = _read(folder, ROUTES_FILE)
    problems += routes_problems
    routes = _load_routes(routes_src, problems) if routes_src else None
    if routes is not None and school is not None:
        routes["school"] = school.own_help_route()
        school_src, _ = _read(folder, SCHOOL_FILE)
        if school_src is not None:
            problems += route_wording_problems(routes["school"], school_src, ["own_route"])

    strings_name = f"{STRINGS_DIR}/{language}.yaml"
    strings = _load_one(folder, strings_name, StringTable, problems)
    if strings is not None:
        string_problems = check_strings(strings, strings_name)
        problems += string_problems
        if any(p.severity == Severity.ERROR for p in string_problems):
            strings = None

    questionnaires: dict[str, Questionnaire] = {}
    unavailable: list[Unavailable] = []
    qdir = folder / QUESTIONNAIRES_DIR
    files = sorted(qdir.glob("*.yaml")) if qdir.is_dir() else []
    if not files:
        problems.append(
            ContentProblem(
                Code.MISSING_FILE,
                f"{QUESTIONNAIRES_DIR}/",
                "",
                "no questionnaire files found",
                f"put at least one questionnaire in {QUESTIONNAIRES_DIR}/ (copy a shipped one)",
            )
        )
    taken_bands: dict[str, str] = {}
    for path in files:
        name = f"{QUESTIONNAIRES_DIR}/{path.name}"
        src, found = load_yaml(path, name)
        q: Questionnaire | None = None
        if src is not None:
            q, found = validate(Questionnaire, src)
        if q is not None and src is not None:
            found = cross_check(q, src, routes, questionnaires, taken_bands)
            found += chart_text_problems(q, src)
            found += questionnaire_reading_problems(q, src)
        problems += found
        if q is None or any(p.severity == Severity.ERROR for p in found):
            band_key = _declared_band(src.data if src else {}, path.stem)
            unavailable.append(
                Unavailable(name, band_key, [p for p in found if p.severity == Severity.ERROR])
            )
        else:
            questionnaires[q.id] = q
            taken_bands[q.band.value if q.band else "parents"] = name
    for band in AgeBand:
        if band.value not in taken_bands:
            problems.append(
                ContentProblem(
                    Code.NO_QUESTIONNAIRE_FOR_BAND,
                    f"{QUESTIONNAIRES_DIR}/",
                    f"band {band.value}",
                    f"no working questionnaire for ages {band.value}",
                    "add one, or fix the file listed above for this band",
                    severity=Severity.WARNING,
                )
            )

    aups, aups_unavailable, aup_problems = load_aups(folder, school, today)
    problems += aup_problems
    unavailable += aups_unavailable
    if school is None or routes is None or strings is None:
        return None, problems
    library = ContentLibrary(
        folder, school, routes, strings, questionnaires, unavailable, problems, aups
    )
    return library, problems


def load_content(folder: Path, language: str = DEFAULT_LANGUAGE) -> ContentLibrary:
    """The library for the kiosk; raises :class:`ContentError` if it cannot run at all."""
    library, problems = check_content(folder, language)
    if library is None:
        raise ContentError([p for p in problems if p.severity == Severity.ERROR])
    return library


def _read(folder: Path, name: str) -> tuple[Source | None, list[ContentProblem]]:
    path = folder / name
    if not path.is_file():
        return None, [
            ContentProblem(
                Code.MISSING_FILE,
                name,
                "",
                "this file is missing",
                f"copy {name} from the shipped content folder and edit it",
            )
        ]
    return load_yaml(path, name)


def _load_one(folder: Path, name: str, model: type[M], problems: list[ContentProblem]) -> M | None:
    src, found = _read(folder, name)
    problems += found
    if src is None:
        return None
    obj, found = validate(model, src)
    problems += found
    return obj


def _load_routes(src: Source, problems: list[ContentProblem]) -> dict[str, HelpRoute] | None:
    raw = src.data.get("routes")
    extra = set(src.data) - {"id", "version", "routes"}
    if not isinstance(raw, list) or extra:
        problems.append(
            ContentProblem(
                Code.SCHEMA,
                src.name,
                "",
                "expected `id`, `version` and a `routes:` list, nothing else"
                + (f" (found {', '.join(sorted(extra))})" if extra else ""),
                "compare with the shipped help-routes.yaml",
            )
        )
        return None
    routes: dict[str, HelpRoute] = {}
    ok = True
    for i, item in enumerate(raw):
        sub = Source(src.name, item, _child(src.root, "routes", i))
        route, found = validate(HelpRoute, sub)
        for p in found:  # re-anchor descriptions at the file's top level
            problems.append(
                ContentProblem(
                    p.code,
                    p.file,
                    src.describe(["routes", i, *_split(p.entry)]),
                    p.message,
                    p.fix,
                    line=p.line,
                )
            )
        if route is None:
            ok = False
            continue
        if route.id in routes or route.id == "school":
            ok = False
            problems.append(
                ContentProblem(
                    Code.DUPLICATE_ID,
                    src.name,
                    src.describe(["routes", i]),
                    f'the id "{route.id}" is used twice'
                    + (
                        " (school is kept for the school's own route)"
                        if route.id == "school"
                        else ""
                    ),
                    "give each route its own id",
                    line=src.line_of(["routes", i, "id"]),
                )
            )
            continue
        problems.extend(route_wording_problems(route, src, ["routes", i]))
        qr = qr_target_problems(route, src, ["routes", i])
        problems.extend(qr)
        ok = ok and not qr
        if route.check_before_use:
            problems.append(
                ContentProblem(
                    Code.UNCONFIRMED_FACT,
                    src.name,
                    src.describe(["routes", i]),
                    f"not yet confirmed: {route.check_before_use}",
                    "check it against the service's own website, then delete check_before_use",
                    severity=Severity.WARNING,
                    line=src.line_of(["routes", i, "check_before_use"]),
                )
            )
        routes[route.id] = route
    return routes if ok else None


def _child(node: yaml.Node | None, key: str, index: int) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    seq = next((v for k, v in node.value if k.value == key), None)
    if isinstance(seq, yaml.SequenceNode) and index < len(seq.value):
        item: yaml.Node = seq.value[index]
        return item
    return None


def _declared_band(data: dict[str, Any], stem: str) -> str | None:
    """Which band a broken file was meant for: its own word, else its file name."""
    if data.get("band") is not None:
        return str(data["band"])
    if data.get("audience") == "parents":
        return "parents"
    return _band_from_name(stem)


def _band_from_name(stem: str) -> str | None:
    """A guess for a file too broken to say its own band: ``pupils-7-11`` -> ``7-11``."""
    if "parent" in stem:
        return "parents"
    return next((b.value for b in AgeBand if stem.endswith(b.value)), None)


def _split(entry: str) -> list[str]:
    return [] if not entry else [entry]
