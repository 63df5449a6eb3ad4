"""Architecture tests: the layout stays one-way, circle-free, private-name-free and small.

The checks are functions over a source tree, so each is also run against a
small planted tree to prove it can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import content as shipped
from surveys.content.source import load_yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["surveys", "exports", "content", "kiosk"]
CORE = ["surveys", "exports", "content"]
#: Who may import whom, one way: kiosk -> exports -> surveys -> content.
LAYER = {"content": 0, "surveys": 1, "exports": 2, "kiosk": 3}
MAX_LINES = 400


def modules(root: Path, packages: list[str]) -> dict[str, Path]:
    """Every module under ``packages`` by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, str, int]]:
    """(module imported, name imported or "", line) for every import in one module.

    Imports inside functions and under ``TYPE_CHECKING`` count too: hiding a
    circle there is what this test is for.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in known:  # `from pkg import module`
                    yield sub, "", node.lineno
                else:
                    yield base, a.name, node.lineno


def import_graph(root: Path, packages: list[str]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package's own ``__init__`` edges aside)."""
    known = modules(root, packages)
    graph: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        for target, _symbol, _line in imported(name, path, known):
            # Importing a.b.c runs a/__init__ and a/b/__init__ first; those edges are
            # Python's, not the author's, and would make every re-export a "circle".
            if target in known and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once, as the modules along it (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def private_imports(root: Path, packages: list[str]) -> list[str]:
    """``from x import _name`` where x is another of the project's modules."""
    known = modules(root, packages)
    bad = []
    for name, path in known.items():
        for target, symbol, line in imported(name, path, known):
            if target in known and target != name and symbol.startswith("_"):
                bad.append(f"{path.relative_to(root)}:{line} imports {symbol} from {target}")
    return bad


def layer_breaks(root: Path, packages: list[str]) -> list[str]:
    known = modules(root, packages)
    bad = []
    for name, path in known.items():
        for target, _symbol, line in imported(name, path, known):
            top, their = name.split(".")[0], target.split(".")[0]
            if their in LAYER and LAYER[their] > LAYER[top]:
                bad.append(f"{path.relative_to(root)}:{line} ({top}) imports {target}")
    return bad


# -- the project ----------------------------------------------------------------------


def test_the_core_never_imports_flet_or_the_kiosk():
    for name, path in modules(ROOT, CORE).items():
        for target, _symbol, line in imported(name, path, {}):
            top = target.split(".")[0]
            assert top not in {"flet", "flet_web", "kiosk"}, f"{path}:{line} imports {target}"


def test_imports_go_one_way_kiosk_exports_surveys_content():
    assert layer_breaks(ROOT, PACKAGES) == []


def test_no_import_circles():
    graph = import_graph(ROOT, PACKAGES)
    assert sum(map(len, graph.values())) > 100, "the walk finds the project's imports"
    assert circles(graph) == []


def test_no_private_name_is_imported_from_another_module():
    assert private_imports(ROOT, PACKAGES) == []


def test_the_parts_of_the_core_depend_one_way():
    """content -> agreements.aup, storage; agreements -> storage; sync -> both; never back."""
    parts = ["content", "agreements", "storage", "sync"]
    graph = import_graph(ROOT, ["surveys"])
    between: dict[str, set[str]] = {p: set() for p in parts}
    for source, targets in graph.items():
        for target in targets:
            a, b = source.split(".")[1:2], target.split(".")[1:2]
            if a and b and a[0] in parts and b[0] in parts and a != b:
                between[a[0]].add(b[0])
    assert between["storage"] == set()
    assert between["agreements"] == {"storage"}
    assert circles({p: between[p] for p in parts}) == []


def test_modules_stay_small():
    for path in modules(ROOT, PACKAGES).values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it"


def test_every_module_opens_with_a_docstring():
    for path in modules(ROOT, PACKAGES).values():
        if path.stat().st_size:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc, f"{path.relative_to(ROOT)} has no opening docstring"


def test_screens_talk_only_to_the_host():
    """No screen or widget imports the session, the services, or another screen."""
    known = modules(ROOT, ["kiosk"])
    allowed_ui = {"kiosk.ui.host", "kiosk.ui.theme", "kiosk.ui.widgets"}
    # The lead's console: its own host and widgets, and the kiosk's look.
    allowed_console = {"kiosk.console.host", "kiosk.console.widgets", "kiosk.ui.theme"}
    for name, path in known.items():
        if not name.startswith(
            ("kiosk.ui.screens.", "kiosk.ui.widgets.", "kiosk.console.screens.")
        ):
            continue
        allowed = allowed_console if name.startswith("kiosk.console.") else allowed_ui
        for target, _symbol, line in imported(name, path, known):
            if target.startswith("kiosk.") and not target.startswith(tuple(allowed)):
                if name == "kiosk.ui.screens.staff" and target == "kiosk.ui.screens.sync_panel":
                    continue  # a part of the staff screen, drawn inside it
                raise AssertionError(f"{path.relative_to(ROOT)}:{line} imports {target}")


def kiosk_string_keys(root: Path) -> set[str]:
    """String keys the kiosk code names: ``t("key")`` calls and string constants (not
    docstrings or comments) that look like keys and are passed around before ``t()``."""
    used: set[str] = set()
    for path in (root / "kiosk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.fullmatch(r"[a-z]+(_[a-z]+)+", node.value)
            ):
                used.add(node.value)
    return used


def test_every_string_the_kiosk_names_is_shipped_and_every_shipped_one_is_named():
    src, _ = load_yaml(shipped.SHIPPED_DIR / "strings" / "en.yaml", "en.yaml")
    assert src is not None
    known = set(src.data["strings"])
    named = kiosk_string_keys(ROOT)
    t_calls: set[str] = set()
    for path in (ROOT / "kiosk").rglob("*.py"):
        t_calls |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", path.read_text()))
    assert len(t_calls) > 50, "the pattern finds the kiosk's string look-ups"
    assert t_calls <= known, f"missing from strings/en.yaml: {sorted(t_calls - known)}"
    assert known - named == set(), f"never shown (delete or use): {sorted(known - named)}"


def test_every_face_a_content_file_may_name_has_a_picture():
    from kiosk.ui.theme import FACE_ICON
    from surveys.model import FACE_ICONS

    assert set(FACE_ICONS) == set(FACE_ICON)


def test_every_symbol_a_content_file_may_name_has_a_picture():
    from kiosk.ui.theme import SYMBOL_ICON
    from surveys.pictures import SYMBOLS

    assert set(SYMBOLS) == set(SYMBOL_ICON)


def test_every_right_a_content_file_may_state_has_a_picture():
    from kiosk.ui.theme import RIGHTS_ICON
    from surveys.model import Rights

    assert set(Rights.model_fields) == set(RIGHTS_ICON)


# -- the checks themselves can fail ------------------------------------------------------


def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_planted_circle_is_found_even_when_hidden_inside_a_function(tmp_path: Path):
    root = plant(
        tmp_path,
        {
            "surveys/__init__.py": "",
            "surveys/a.py": "from surveys.b import thing\n",
            "surveys/b.py": "def thing():\n    from surveys import a\n    return a\n",
            "surveys/c.py": "from surveys.a import thing\n",
        },
    )
    assert circles(import_graph(root, ["surveys"])) == [["surveys.a", "surveys.b"]]


def test_a_planted_relative_circle_is_found(tmp_path: Path):
    root = plant(
        tmp_path,
        {
            "surveys/__init__.py": "",
            "surveys/p/__init__.py": "",
            "surveys/p/a.py": "from .b import x\n",
            "surveys/p/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from surveys.p.a import y\n",
        },
    )
    assert circles(import_graph(root, ["surveys"])) == [["surveys.p.a", "surveys.p.b"]]


def test_a_planted_private_import_is_found(tmp_path: Path):
    root = plant(
        tmp_path,
        {
            "kiosk/__init__.py": "",
            "kiosk/a.py": "def _helper():\n    pass\n",
            "kiosk/b.py": "from kiosk.a import _helper\n",
            "kiosk/c.py": "from kiosk.a import helper as _ok_alias\n",
        },
    )
    assert private_imports(root, ["kiosk"]) == ["kiosk/b.py:1 imports _helper from kiosk.a"]


def test_a_planted_import_against_the_layers_is_found(tmp_path: Path):
    root = plant(
        tmp_path,
        {
            "surveys/__init__.py": "",
            "surveys/a.py": "import exports.b\n",
            "exports/__init__.py": "",
            "exports/b.py": "from surveys import a\n",
        },
    )
    assert layer_breaks(root, ["surveys", "exports"]) == [
        "surveys/a.py:1 (surveys) imports exports.b"
    ]


def test_a_key_named_only_in_a_comment_or_docstring_does_not_count(tmp_path: Path):
    root = plant(
        tmp_path,
        {
            "kiosk/a.py": '"""Shows staff_heading."""\n# thanks_heading\nx = t("start_heading")\n',
        },
    )
    assert kiosk_string_keys(root) == {"start_heading"}
