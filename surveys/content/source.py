"""Read one content file: YAML (with line numbers) -> a pydantic model, or problems.

The first two steps of the content pipeline (read -> validate -> check -> library):
:func:`load_yaml` turns a file into a :class:`Source` (its data and node tree, so
a problem can name its line and its entry in words), and :func:`validate` turns
pydantic's errors into the catalogue's problems (see :mod:`surveys.content.errors`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from surveys.content.errors import Code, ContentProblem

__all__ = ["Source", "load_yaml", "validate"]

M = TypeVar("M", bound=BaseModel)

#: Deeper than any content file needs (a questionnaire is 4 levels deep). PyYAML's
#: composer recurses once per level, so a file nested thousands deep would end the
#: check with RecursionError (libyaml's crashes the process): it is refused first.
MAX_DEPTH = 64

# libyaml when it is installed (the wheels include it): several times faster on a
# big file. Nodes still carry their line numbers.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]  # a base chosen at import time
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
class Source:
    """A YAML file's parsed data and node tree (for line numbers)."""

    name: str
    data: Any
    root: yaml.Node | None
    #: Each mapping node's values by key, made the first time a problem asks for a
    #: line in it: with one scan per problem, a file with thousands of problems
    #: took minutes (the time grew with the square of their number).
    _keys: dict[int, dict[Any, yaml.Node]] = field(default_factory=dict, repr=False)

    def _value_of(self, node: yaml.MappingNode, key: int | str) -> yaml.Node | None:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    index.setdefault(k.value, v)
            self._keys[id(node)] = index
        return index.get(key)

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        node = self.root
        line = node.start_mark.line + 1 if node else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                node = self._value_of(node, part)
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


def load_yaml(path: Path, name: str) -> tuple[Source | None, list[ContentProblem]]:
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
        too_deep = _too_deep(text)
        root, data = _compose_and_load(text) if too_deep is None else (None, None)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)
        if "nesting depth" in problem:  # PyYAML >= 6.0.4 stops deep nesting itself
            too_deep = mark.line + 1 if mark else 1
        else:
            return None, [
                ContentProblem(
                    Code.YAML_SYNTAX,
                    name,
                    "",
                    f"not valid YAML: {problem}",
                    "check indentation (spaces, not tabs) and that text containing ':' is in "
                    "quotes",
                    line=mark.line + 1 if mark else None,
                )
            ]
    if too_deep is not None:
        return None, [
            ContentProblem(
                Code.YAML_SYNTAX,
                name,
                "",
                f"lists or fields are nested more than {MAX_DEPTH} deep",
                "compare it with a shipped file of the same kind: content is a few levels deep",
                line=too_deep,
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
    return Source(name, data, root), []


def _too_deep(text: str) -> int | None:
    """The line where ``text`` first nests deeper than :data:`MAX_DEPTH`, if it does.

    Reads parser events, which keep no call stack, so any depth is safe to scan.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return mark.line + 1 if mark is not None else 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while a file's nodes and data are built.

    Each of its passes looks at every object still alive, and a big file makes
    hundreds of thousands (none in cycles), so the time grew faster than the
    file: 10 times the lines took 18 times as long. Reference counting still
    frees everything as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data, from one parse of ``text``."""
    loader = _Loader(text)
    try:
        with _no_cycle_collection():
            root = loader.get_single_node()
            return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


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


def validate(model: type[M], src: Source) -> tuple[M | None, list[ContentProblem]]:
    try:
        with _no_cycle_collection():
            return model.model_validate(src.data), []
    except ValidationError as exc:
        with _no_cycle_collection():
            return None, _problems_of(exc, src)


def _problems_of(exc: ValidationError, src: Source) -> list[ContentProblem]:
    """Pydantic's errors as the catalogue's problems, each with its entry in words and line."""
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
    return problems
