"""Shared fixtures: the shipped content, a writable copy of it, and stores on both storages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tinydb.storages import MemoryStorage

import content as shipped
from surveys.content import ContentLibrary, load_content
from surveys.store import ResponseStore


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
    """The same store tests run against TinyDB's memory storage and our atomic JSON files."""
    if request.param == "memory":
        s = ResponseStore(tmp_path / "data", storage=MemoryStorage)
    else:
        s = ResponseStore(tmp_path / "data")
    yield s
    s.close()
