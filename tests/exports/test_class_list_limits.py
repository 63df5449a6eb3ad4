"""A class list that is not one: a clear message naming the file and row, never a traceback.

Pins issue 12 item 6: a class list with a 50 MB field gave a raw ``_csv.Error``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exports.register import MAX_FIELD, ClassListError, read_class_list


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "class-list.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_field_too_big_for_csv_names_the_row(tmp_path):
    path = written(tmp_path, "name,class\nAda Lovelace,5B\n" + "x" * 200_000 + ",5B\n")
    with pytest.raises(ClassListError, match=r"row 3: not readable as CSV") as caught:
        read_class_list(path)
    assert str(path) in str(caught.value) and "name and class" in str(caught.value)


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = written(tmp_path, "name,class\n" + "x" * 50_000_000 + ",5B\n")
    with pytest.raises(ClassListError, match="larger than 5 MB"):
        read_class_list(path)


def test_a_name_longer_than_any_name_names_the_row(tmp_path):
    path = written(tmp_path, f"name,class\nAda,5B\n{'y' * (MAX_FIELD + 1)},5B\n")
    with pytest.raises(ClassListError, match=r"row 3: a name or class longer"):
        read_class_list(path)


def test_the_register_command_says_so_and_writes_nothing(tmp_path):
    path = written(tmp_path, "name,class\n" + "x" * 200_000 + ",5B\n")
    out = tmp_path / "register.csv"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "register", "--data", str(tmp_path / "data"),
         "--key", str(tmp_path / "no-key.json"), "--out", str(out), "--class-list", str(path)],
        capture_output=True, text=True, env=os.environ, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "row 2: not readable as CSV" in done.stderr and "Nothing was written" in done.stderr
    assert not out.exists()
