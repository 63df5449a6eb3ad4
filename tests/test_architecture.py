"""Documentation and architecture tests: things that must stay true as the code grows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import content as shipped
from kiosk.cli.main import build_parser
from surveys.content.source import load_yaml

ROOT = Path(__file__).resolve().parents[1]
CORE = ["surveys", "exports", "content"]


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_never_imports_flet_or_the_kiosk():
    for package in CORE:
        for path in (ROOT / package).rglob("*.py"):
            bad = imports_of(path) & {"flet", "flet_web", "kiosk"}
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_modules_stay_small():
    for package in [*CORE, "kiosk"]:
        for path in (ROOT / package).rglob("*.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= 500, f"{path.relative_to(ROOT)} has {lines} lines: split it"


def test_every_string_the_kiosk_uses_is_in_the_shipped_strings():
    src, _ = load_yaml(shipped.SHIPPED_DIR / "strings" / "en.yaml", "en.yaml")
    assert src is not None
    known = set(src.data["strings"])
    used: set[str] = set()
    named: set[str] = set()  # keys also held in tables (e.g. one per signer) before t()
    for path in (ROOT / "kiosk").rglob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", text))
        named |= set(re.findall(r"""["']([a-z]+_[a-z_]+)["']""", text))
    assert used, "the pattern finds the kiosk's string look-ups"
    assert used <= known, f"missing from strings/en.yaml: {sorted(used - known)}"
    never = known - used - named
    assert never == set(), f"never shown (delete or use): {sorted(never)}"


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"esafety {name}" in readme, f"`esafety {name}` is not documented in README.md"


def test_readme_starts_with_the_two_commands():
    first = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "make run" in first and "make test" in first


def test_every_face_a_content_file_may_name_has_a_picture():
    from kiosk.ui.theme import FACE_ICON
    from surveys.model import FACE_ICONS

    assert set(FACE_ICONS) == set(FACE_ICON)
