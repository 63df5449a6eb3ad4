"""Documentation tests: what is shipped is documented, and what the docs point at exists."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kiosk.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = ["architecture", "content-guide", "privacy", "sync", "testing", "performance", "commands"]


def sub_commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_readme_starts_with_the_two_commands():
    first = README.read_text(encoding="utf-8").split("\n## ")[0]
    assert "make run" in first and "make test" in first
    assert first.index("make run") < first.index("make test") < 400


def test_readme_is_a_front_page():
    assert README.stat().st_size <= 8_500, "move detail to docs/"


def test_every_docs_page_exists_and_the_readme_links_it():
    readme = README.read_text(encoding="utf-8")
    for page in PAGES:
        assert (ROOT / "docs" / f"{page}.md").is_file(), f"docs/{page}.md is missing"
        assert f"docs/{page}.md" in readme, f"the README does not point at docs/{page}.md"


def test_every_cli_command_is_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name in sub_commands():
        assert f"esafety {name}" in readme, f"`esafety {name}` is not in README.md"


def test_every_cli_command_and_flag_is_in_the_commands_page():
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    flags = 0
    for name, parser in sub_commands().items():
        assert f"esafety {name}" in page, f"`esafety {name}` is not in docs/commands.md"
        parsers = [parser]
        while parsers:
            p = parsers.pop()
            for action in p._actions:
                if isinstance(action, argparse._SubParsersAction):
                    parsers += list(action.choices.values())
                for flag in action.option_strings:
                    if flag.startswith("--") and flag != "--help":
                        flags += 1
                        assert flag in page, f"{flag} ({name}) is not in docs/commands.md"
    assert flags > 20, "the walk finds the flags"


def test_every_relative_link_in_the_readme_and_docs_resolves():
    links = 0
    for doc in [README, *DOCS]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            links += 1
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, not there"
    assert links > 10


def test_the_code_map_names_every_package_and_only_real_paths():
    readme = README.read_text(encoding="utf-8")
    code_map = readme.split("## Code map", 1)[1].split("```")[1]
    for package in ["surveys", "exports", "kiosk", "content", "tests", "docs"]:
        assert f"{package}/" in code_map
    for init in [*ROOT.glob("surveys/*/__init__.py"), *ROOT.glob("kiosk/*/__init__.py")]:
        name = init.parent.name
        assert f"  {name}/" in code_map, f"{init.parent.relative_to(ROOT)} is not in the code map"
    for line in code_map.splitlines():
        folder = re.match(r"\s*([a-z_]+)/\s", line + " ")
        if folder and not line.startswith(" "):
            assert (ROOT / folder.group(1)).is_dir(), f"code map names {folder.group(1)}/"
