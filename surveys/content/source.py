"""Read one content file: YAML (with line numbers) -> a pydantic model, or problems.

The first two steps of the content pipeline (read -> validate -> check -> library):
:func:`load_yaml` turns a file into a :class:`Source` (its data and node tree, so
a problem can name its line and its entry in words), and :func:`validate` turns
pydantic's errors into the catalogue's problems (see :mod:`surveys.content.errors`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from surveys.content.errors import Code, ContentProblem

__all__ = ["Source", "load_yaml", "validate"]

M = TypeVar("M", bound=BaseModel)


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
class Source:
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
    return Source(name, data, root), []


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
