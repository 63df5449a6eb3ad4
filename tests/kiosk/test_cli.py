"""The ``esafety`` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import content as shipped


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def test_content_check_passes_on_the_shipped_content():
    result = esafety("content", "check", str(shipped.SHIPPED_DIR))
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout


def test_content_check_fails_naming_file_entry_and_fix(content_copy):
    path = content_copy / "questionnaires" / "parents.yaml"
    path.write_text(path.read_text().replace("audience: parents", "audience: grandparents"))
    result = esafety("content", "check", str(content_copy))
    assert result.returncode == 1
    assert "questionnaires/parents.yaml" in result.stdout
    assert "audience" in result.stdout and "fix: use one of" in result.stdout


def test_demo_data_then_stats(tmp_path):
    data = tmp_path / "data"
    made = esafety("demo-data", "--data", str(data), "--responses", "300", "--seed", "4")
    assert made.returncode == 0, made.stderr
    stats = json.loads(esafety("stats", "--data", str(data), "--json").stdout)
    assert stats["responses"] == 300
    assert len(stats["by_term"]) > 6, "spread over several years and terms"
    assert abs(sum(stats["by_kiosk"].values()) - 300) <= 15 and len(stats["by_kiosk"]) == 3
    assert set(stats) == {"responses", "by_term", "by_kiosk", "rounded", "signed_agreements"}
    assert all(n % 10 == 0 for n in [stats["responses"], *stats["by_kiosk"].values()])
    again = esafety("demo-data", "--data", str(data), "--responses", "300", "--seed", "4")
    assert "wrote 0" in again.stdout, "same seed, same ids: writing twice adds nothing"


def test_stats_on_an_empty_folder_says_so(tmp_path):
    result = esafety("stats", "--data", str(tmp_path / "nothing"))
    assert result.returncode == 1 and "holds no kiosk data" in result.stderr


def test_kiosk_refuses_to_start_on_broken_strings(content_copy, tmp_path):
    (content_copy / "strings" / "en.yaml").write_text("id: strings-en\nversion: 1\n")
    result = esafety("kiosk", "--data", str(tmp_path / "d"), "--content", str(content_copy))
    assert result.returncode == 1
    assert "strings/en.yaml" in result.stderr
