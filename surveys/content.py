"""Read a content folder, validate it strictly, and build the library the kiosk runs on.

Pipeline: read YAML -> validate each file against its model -> cross-check files.
A broken questionnaire is set aside (with the reasons) so the others still run;
broken strings, help routes or school profile stop the kiosk with a clear message,
since no screen can be drawn honestly without them.

Folder layout::

    school.yaml               the school's name, its own help route, its year groups
    help-routes.yaml          national help and reporting routes
    strings/en.yaml           the kiosk's words
    questionnaires/*.yaml     one questionnaire per file
    aups/*.yaml               one Acceptable Use Policy per file (see aup_content.py)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .aup import Aup
from .aup_content import load_aups
from .checks import check_strings, cross_check
from .errors import Code, ContentError, ContentProblem, Severity
from .model import (
    AgeBand,
    Audience,
    HelpRoute,
    Questionnaire,
    SchoolProfile,
    StringTable,
)

__all__ = ["ContentLibrary", "Unavailable", "check_content", "load_content", "load_yaml"]

M = TypeVar("M", bound=BaseModel)

SCHOOL_FILE = "school.yaml"
ROUTES_FILE = "help-routes.yaml"
STRINGS_DIR = "strings"
QUESTIONNAIRES_DIR = "questionnaires"
DEFAULT_LANGUAGE = "en"


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style booleans: only true/false are booleans.

    YAML 1.1 reads a bare ``yes``, ``no``, ``on`` or ``off`` as a boolean, so an
    option written ``id: yes`` would silently become ``True``. Teachers write yes
    and no all the time; here they stay words.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class _Source:
    """A YAML file's parsed data and node tree (for line numbers)."""

    name: str
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        node = self.root
        line = node.start_mark.line + 1 if node else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def describe(self, loc: Sequence[int | str]) -> str:
        """``questions[3].options[1].id`` in words: ``question "tell-adult" › option 2 › id``."""
        words: list[str] = []
        data = self.data
        for i, part in enumerate(loc):
            if isinstance(part, int) and isinstance(data, list) and part < len(data):
                item = data[part]
                noun = str(loc[i - 1]).rstrip("s").replace("_", " ") if i else "item"
                if words and words[-1] == str(loc[i - 1]):
                    words.pop()
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    words.append(f'{noun} "{item["id"]}"')
                else:
                    words.append(f"{noun} {part + 1}")
                data = item
            else:
                words.append(str(part))
                data = data.get(part) if isinstance(data, dict) else None
        return " › ".join(words)


def load_yaml(path: Path, name: str) -> tuple[_Source | None, list[ContentProblem]]:
    """Read one YAML file; a syntax error becomes a problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            ContentProblem(
                Code.UNREADABLE,
                name,
                "",
                f"cannot read the file ({exc})",
                "save it as UTF-8 text",
            )
        ]
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [
            ContentProblem(
                Code.YAML_SYNTAX,
                name,
                "",
                f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                "check indentation (spaces, not tabs) and that text containing ':' is in quotes",
                line=mark.line + 1 if mark else None,
            )
        ]
    if not isinstance(data, dict):
        return None, [
            ContentProblem(
                Code.NOT_A_MAPPING,
                name,
                "",
                "the file should start with fields such as `id:` and `version:`",
                "compare it with a shipped file of the same kind",
            )
        ]
    return _Source(name, data, root), []


def _fix_for(err: Any) -> str:
    kind = err["type"]
    field_name = str(err["loc"][-1]) if err["loc"] else "field"
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"add a `{field_name}:` line here"
    if kind == "extra_forbidden":
        return f"remove `{field_name}`, or correct the spelling of the field name"
    if kind in ("enum", "literal_error"):
        return f"use one of: {ctx.get('expected', 'the listed values')}"
    if kind == "string_pattern_mismatch":
        if field_name in ("id", "favourable") or "id" in field_name:
            return "use lower-case letters, digits and hyphens only, e.g. tell-an-adult"
        if field_name == "url":
            return "write the full address starting with https://"
        return "correct the format of this value"
    if kind in ("too_short", "too_long"):
        return "change the number of items (see the message)"
    if kind in ("int_parsing", "int_type", "greater_than_equal", "less_than_equal"):
        return "write a whole number in the allowed range"
    if kind in ("bool_parsing", "bool_type"):
        return "write true or false"
    if kind in ("string_type", "string_too_short"):
        return "write some text here (in quotes if it contains a colon)"
    return "correct the value (see the message)"


def _validate(model: type[M], src: _Source) -> tuple[M | None, list[ContentProblem]]:
    try:
        return model.model_validate(src.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = list(err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(
                ContentProblem(
                    Code.SCHEMA,
                    src.name,
                    src.describe(loc),
                    message,
                    _fix_for(err) if err["type"] != "value_error" else "see the message",
                    line=src.line_of(loc),
                )
            )
        return None, problems


@dataclass(frozen=True)
class Unavailable:
    """A questionnaire file that failed validation, and the band it said it was for."""

    file: str
    band_key: str | None
    problems: list[ContentProblem]


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
        self, questionnaire: Questionnaire | None, band: AgeBand | None = None
    ) -> list[HelpRoute]:
        """Help routes to show: the questionnaire's own list, in order; without one,
        every pupil route that suits ``band`` (all pupil routes if no band is set)."""
        if questionnaire is not None:
            return [self.routes[r] for r in questionnaire.help_routes if r in self.routes]
        return [
            r
            for r in self.routes.values()
            if Audience.PUPILS in r.audience
            and (band is None or r.min_age is None or r.min_age <= band.oldest)
        ]

    def unavailable_for(self, band: AgeBand | None) -> list[ContentProblem]:
        """Why a questionnaire for ``band`` (``None`` = parents) is set aside, if it is."""
        wanted = band.value if band else "parents"
        return [p for u in self.unavailable if u.band_key == wanted for p in u.problems]

    @property
    def errors(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]


def check_content(
    folder: Path, language: str = DEFAULT_LANGUAGE
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
            q, found = _validate(Questionnaire, src)
        if q is not None and src is not None:
            found = cross_check(q, src, routes, questionnaires, taken_bands)
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

    aups, aups_unavailable, aup_problems = load_aups(folder, school)
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


def _read(folder: Path, name: str) -> tuple[_Source | None, list[ContentProblem]]:
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
    obj, found = _validate(model, src)
    problems += found
    return obj


def _load_routes(src: _Source, problems: list[ContentProblem]) -> dict[str, HelpRoute] | None:
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
        sub = _Source(src.name, item, _child(src.root, "routes", i))
        route, found = _validate(HelpRoute, sub)
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
