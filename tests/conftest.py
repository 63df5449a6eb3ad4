"""Shared fixtures: the shipped content, a writable copy of it, and stores on both storages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import content as shipped
from surveys.content.library import ContentLibrary, load_content
from surveys.storage.files import MemoryShelf
from surveys.storage.responses import ResponseStore


@pytest.fixture(scope="session")
def library() -> ContentLibrary:
    return load_content(shipped.SHIPPED_DIR)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A school's editable copy of the shipped content."""
    dest = tmp_path / "content"
    shutil.copytree(shipped.SHIPPED_DIR, dest, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """The same store tests run against a shelf in memory and our atomic JSON files on disk.

    Both go through every line of the store: only the shelf underneath differs.
    """
    shelf = MemoryShelf() if request.param == "memory" else None
    s = ResponseStore(tmp_path / "data", shelf=shelf)
    yield s
    s.close()
