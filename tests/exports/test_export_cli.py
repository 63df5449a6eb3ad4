"""``esafety export`` run as the e-safety lead runs it: files, safe CSV, nothing small."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def test_export_writes_charts_tables_and_the_pack(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    assert esafety("demo-data", "--data", str(data), "--responses", "600").returncode == 0
    result = esafety("export", "--data", str(data), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "about 600 responses" in result.stdout
    pdf = out / "evidence-pack.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    pngs = sorted((out / "charts").glob("*.png"))
    assert len(pngs) >= 8 and len(list((out / "charts").glob("*.svg"))) == len(pngs)
    alt = (out / "charts" / "alt-text.md").read_text(encoding="utf-8")
    assert all(p.stem in alt for p in pngs)
    raw = (out / "tables" / "answers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and {r["suppressed"] for r in rows} == {"yes", "no"}
    for r in rows:  # nothing small ever leaves: every shown count is at or above 5
        if r["count"] != "c":
            assert int(r["count"]) >= 5, r
        if r["suppressed"] == "yes":
            assert r["count"] == "c"


def test_export_from_a_year_and_with_a_higher_threshold(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    esafety("demo-data", "--data", str(data), "--responses", "600")
    result = esafety(
        "export", "--data", str(data), "--out", str(out), "--quiet", "--from", "2025",
        "--min-count", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(
        csv.DictReader(io.StringIO((out / "tables" / "answers.csv").read_text("utf-8-sig")))
    )
    assert {r["academic_year"] for r in rows} <= {"2025/26", "2026/27"}
    assert all(r["count"] == "c" or int(r["count"]) >= 8 for r in rows)


def test_export_refuses_a_folder_with_no_responses(tmp_path):
    result = esafety("export", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o"))
    assert result.returncode == 1 and "holds no responses" in result.stderr
    assert not (tmp_path / "o").exists()


def test_thresholds_can_only_be_raised(tmp_path):
    data = tmp_path / "data"
    esafety("demo-data", "--data", str(data), "--responses", "50")
    for flags in (["--min-count", "1"], ["--min-count-sensitive", "6"]):
        result = esafety("export", "--data", str(data), "--out", str(tmp_path / "o"), *flags)
        assert result.returncode == 2 and "can only be raised" in result.stderr
    assert not (tmp_path / "o").exists()


def test_answers_without_a_copy_of_their_words_are_left_out_not_published_raw(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    esafety("demo-data", "--data", str(data), "--responses", "400")
    for kept in (data / "questionnaire-texts").glob("pupils-7-11-*.json"):
        kept.unlink()  # as if the responses came from a kiosk with other wording
    (content := tmp_path / "content").mkdir()
    import shutil

    import content as shipped

    shutil.copytree(shipped.SHIPPED_DIR, content, dirs_exist_ok=True)
    q = content / "questionnaires" / "pupils-7-11.yaml"
    text = q.read_text("utf-8")
    version = int(re.search(r"^version: (\d+)$", text, re.M).group(1))
    q.write_text(text.replace(f"version: {version}", f"version: {version + 1}", 1), "utf-8")
    result = esafety(
        "export", "--data", str(data), "--out", str(out), "--quiet", "--content", str(content)
    )
    assert result.returncode == 0, result.stderr
    assert "left out" in result.stderr and "pupils-7-11" in result.stderr
    table = (out / "tables" / "answers.csv").read_text("utf-8-sig")
    assert "pupils-7-11" not in table and "pupils-11-14" in table


def test_a_damaged_shard_is_named_not_a_traceback(tmp_path):
    data = tmp_path / "data"
    esafety("demo-data", "--data", str(data), "--responses", "50")
    shard = next(data.glob("responses/*/*/*/shard-*.json"))
    shard.write_text("[]")
    result = esafety("export", "--data", str(data), "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == 1 and shard.name in result.stderr
    assert "Traceback" not in result.stderr


def test_answers_a_kiosk_sealed_to_the_demo_key_are_opened_with_the_schools_key_and_said(
    tmp_path,
):
    import os

    data, out, keys = tmp_path / "data", tmp_path / "out", tmp_path / "keys"
    env = {**os.environ, "ESAFETY_PASSPHRASE": "quilt harbour pencil meadow"}
    made = subprocess.run(
        [str(Path(sys.executable).parent / "esafety"), "keys", "init", "--out", str(keys)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # Before the school's key was installed, the kiosk sealed to the demo key ...
    assert esafety("demo-data", "--data", str(data), "--responses", "300").returncode == 0
    public = (keys / "school-public-key.txt").read_text()
    assert esafety("keys", "install", "--data", str(data), public).returncode == 0
    # ... and after, to the school's.
    more = esafety("demo-data", "--data", str(data), "--responses", "300", "--seed", "2")
    assert more.returncode == 0 and "sealed to the school's key" in more.stdout
    result = subprocess.run(
        [str(Path(sys.executable).parent / "esafety"), "export", "--data", str(data),
         "--out", str(out), "--quiet", "--key", str(keys / "school-private-key.json")],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "responses were sealed to the sample school's DEMO key" in result.stderr
    assert "about 600 responses" in result.stdout
