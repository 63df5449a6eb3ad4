"""The register of signed agreements: versions, class lists, safe CSV, and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exports.register import build_register, not_signed, read_class_list, register_csv
from exports.tables import neutralise
from surveys.agreements.aup import AupRef, Signer
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
from surveys.keys import make_key_pair, parse_public_key
from tests.surveys.agreements.signatures import PASSPHRASE, signature


@pytest.fixture(scope="module")
def key_files(tmp_path_factory) -> tuple[Path, Path]:
    return make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)


def test_a_new_version_marks_earlier_signatures_out_of_date(library):
    ks2 = library.aups["aup-ks2"]
    v2 = ks2.model_copy(update={"version": ks2.version + 1})
    old, new = signature(ks2, 1), signature(v2, 2, signer_name="Pupil 2")
    aups = {**library.aups, ks2.id: v2}
    rows = build_register([new, old], aups, library.school)
    assert {r.signer_name: r.status for r in rows} == {
        "Pupil 1": f"out of date (signed v{ks2.version}, now v{v2.version})",
        "Pupil 2": "current",
    }
    # A parent's signature goes out of date when their child's agreement does.
    parent = signature(
        library.aups["aup-parents"], 3, signer=Signer.PARENTS, signer_name="Mo",
        child_name="Pupil 1", relationship="Dad", child_aup=ks2.ref,
    )  # fmt: skip
    (row,) = build_register([parent], aups, library.school)
    assert row.status.startswith("child's agreement out of date")


def test_text_changed_under_the_same_version_is_flagged(library):
    ks2 = library.aups["aup-ks2"]
    edited = AupRef(id=ks2.id, version=ks2.version, content_hash="0" * 64)
    (row,) = build_register([signature(ks2).model_copy(update={"aup": edited})],
                            library.aups, library.school)  # fmt: skip
    assert row.status.startswith("text changed since signing")


def test_the_class_list_shows_who_has_not_signed_the_current_version(library, tmp_path):
    ks2 = library.aups["aup-ks2"]
    v2 = ks2.model_copy(update={"version": ks2.version + 1})
    listed = tmp_path / "class.csv"
    listed.write_text("Name,Class\nPupil 1,4B\n pupil   2 ,4b\nPupil 3,4B\n", encoding="utf-8")
    sigs = [signature(ks2, 1), signature(v2, 2, signer_name="Pupil 2")]
    status = not_signed(read_class_list(listed), sigs, {**library.aups, ks2.id: v2})
    assert [(p.name, p.pupil_agreement) for p in status] == [
        ("Pupil 1", f"out of date (signed v{ks2.version}, now v{v2.version})"),
        ("pupil   2", "signed"),  # case and spacing do not matter
        ("Pupil 3", "not signed"),
    ]
    assert all(p.parent_agreement == "not signed" for p in status)


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://x","y")', "+44 7700", "-1+1", "@SUM(A1)", " =1+1",
        "＝SUM(1,2)", "\u00a0=1+1", "\u200b=1+1", "\u3000＋1",
    ],
)  # fmt: skip
def test_names_a_spreadsheet_would_run_come_out_of_the_csv_inert(library, typed):
    sig = signature(library.aups["aup-ks2"], signer_name=typed, class_name=typed)
    data = register_csv(build_register([sig], library.aups, library.school))
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    for cell in (row["signed by"], row["class"], row["child"]):
        assert cell.startswith("'") and cell[1:].strip() == typed.strip()
    assert neutralise("Ann Lee") == "Ann Lee" and neutralise("O'Neil") == "O'Neil"


def test_tab_and_carriage_return_starts_are_neutralised_too():
    # Typed names lose leading whitespace on the way in; other cells may not.
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx"
    assert neutralise("a\0b") == "ab"


def esafety(*args: str, passphrase: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "esafety")
    env = {**os.environ, "ESAFETY_PASSPHRASE": passphrase}
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False, env=env)


def test_a_wrong_passphrase_or_key_fails_cleanly_and_writes_nothing(key_files, library, tmp_path):
    private, public = key_files
    with SignatureStore(tmp_path / "data") as store:
        raw = parse_public_key(public.read_text())
        store.save(seal_signature(signature(library.aups["aup-ks2"]), raw))
    out = tmp_path / "out" / "register.csv"
    args = ["register", "--data", str(tmp_path / "data"), "--out", str(out)]
    wrong = esafety(*args, "--key", str(private), passphrase="guess guess guess")
    assert wrong.returncode == 1
    assert "passphrase does not open" in wrong.stderr and "Nothing was written" in wrong.stderr
    not_a_key = tmp_path / "notes.json"
    not_a_key.write_text(json.dumps({"hello": 1}))
    bad = esafety(*args, "--key", str(not_a_key), passphrase=PASSPHRASE)
    assert bad.returncode == 1 and "not a school private key" in bad.stderr
    assert not (tmp_path / "out").exists()

    other_private, _ = make_key_pair(tmp_path / "other", PASSPHRASE)
    other = esafety(*args, "--key", str(other_private), passphrase=PASSPHRASE)
    assert other.returncode == 1 and "sealed to another key" in other.stderr
    assert not (tmp_path / "out").exists()

    right = esafety(*args, "--key", str(private), passphrase=PASSPHRASE)
    assert right.returncode == 0, right.stderr
    assert out.exists() and out.with_suffix(".html").exists()


def test_the_printable_register_escapes_names_and_draws_each_signature(library):
    from exports.register import register_html

    drawn = signature(library.aups["aup-ks2"], 1, signer_name="<script>alert(1)</script>")
    typed = signature(library.aups["aup-ks2"], 2, strokes=[], typed_signature="Pat Kaur")
    rows = build_register([drawn, typed], library.aups, library.school)
    page = register_html(library.school, rows, None, "2026-11-23").decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 1 and "points='1,2 3,4'" in page
    assert "<i>Pat Kaur</i> (typed)" in page


def test_a_new_version_counts_only_from_its_effective_date(library):
    ks2 = library.aups["aup-ks2"]
    v2 = ks2.model_copy(update={"version": ks2.version + 1, "effective": dt.date(2027, 1, 4)})
    aups = {**library.aups, ks2.id: v2}
    old = signature(ks2)
    (before,) = build_register([old], aups, library.school, today=dt.date(2026, 12, 1))
    (after,) = build_register([old], aups, library.school, today=dt.date(2027, 1, 4))
    assert before.status == "current" and after.status.startswith("out of date")
    newer = signature(v2, 2)
    (row,) = build_register([newer], library.aups, library.school)
    assert "newer than this content folder" in row.status


def test_a_current_signature_counts_whatever_order_the_records_are_read_in(library):
    ks2 = library.aups["aup-ks2"]
    v0 = AupRef(id=ks2.id, version=ks2.version - 1 if ks2.version > 1 else 0, content_hash="x")
    old = signature(ks2, 1).model_copy(update={"aup": v0})
    new = signature(ks2, 2, signer_name="Pupil 1")
    for order in ([old, new], [new, old]):
        (status,) = not_signed([("Pupil 1", "4B")], order, library.aups)
        assert status.pupil_agreement == "signed"


def test_register_refuses_damaged_or_missing_data_with_a_clear_message(
    key_files, library, tmp_path
):
    private, public = key_files
    raw = parse_public_key(public.read_text())
    out = tmp_path / "out" / "register.csv"

    def run(data: Path) -> subprocess.CompletedProcess[str]:
        args = ["register", "--data", str(data), "--key", str(private), "--out", str(out)]
        return esafety(*args, passphrase=PASSPHRASE)

    missing = run(tmp_path / "nowhere")
    assert missing.returncode == 1 and "holds no signed agreements" in missing.stderr

    data = tmp_path / "data"
    with SignatureStore(data) as store:
        store.save(seal_signature(signature(library.aups["aup-ks2"]), raw))
    (shard,) = data.glob("signatures/*/shard-*.json")
    good = shard.read_text()
    doc = json.loads(good)
    record = next(iter(doc["signatures"].values()))
    record["sealed"] = (
        record["sealed"][:40]
        + ("A" if record["sealed"][40] != "A" else "B")
        + (record["sealed"][41:])
    )
    shard.write_text(json.dumps(doc))
    tampered = run(data)
    assert tampered.returncode == 1 and "damaged or was altered" in tampered.stderr
    assert "Traceback" not in tampered.stderr

    shard.write_text(good[: len(good) // 2])
    truncated = run(data)
    assert truncated.returncode == 1 and "is damaged" in truncated.stderr
    assert "Traceback" not in truncated.stderr
    assert not (tmp_path / "out").exists()


def test_the_register_command_counts_a_new_version_only_from_its_effective_date(
    key_files, library, content_copy, tmp_path
):
    private, public = key_files
    with SignatureStore(tmp_path / "data") as store:
        store.save(
            seal_signature(signature(library.aups["aup-ks2"]), parse_public_key(public.read_text()))
        )
    ks2 = content_copy / "aups" / "ks2.yaml"
    text = ks2.read_text("utf-8")
    ks2.write_text(
        text.replace("version: 1", "version: 2", 1).replace(
            "effective: 2026-09-01", "effective: 2099-09-01", 1
        ),
        "utf-8",
    )
    out = tmp_path / "register.csv"
    result = esafety(
        "register", "--data", str(tmp_path / "data"), "--key", str(private), "--out", str(out),
        "--content", str(content_copy), passphrase=PASSPHRASE,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert row["status"] == "current"  # v2 is not in effect until 2099
