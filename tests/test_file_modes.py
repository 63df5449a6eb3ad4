"""Files only their owner can read: every file 0600 and every folder 0700, from the start.

The commands run as a user runs them, each its own process started with the
usual umask of 022, so nothing here passes because the test process was strict.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from surveys.keys import make_key_pair
from surveys.storage.files import (
    DiskShelf,
    append_line,
    make_private_dirs,
    take_writer_lock,
    write_json_atomic,
)
from tests.ports import free_port

EXE = str(Path(sys.executable).parent / "esafety")
PASSPHRASE = "otter lantern maple quiver"
ROOT = Path(__file__).resolve().parents[1]

SEAL_ONE = r"""
import datetime as dt, sys, uuid
from pathlib import Path
from surveys.agreements.aup import AupRef, Signature
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
from surveys.keys import parse_public_key
data, public = Path(sys.argv[1]), parse_public_key(Path(sys.argv[2]).read_text())
s = Signature(id=uuid.uuid4().hex, aup=AupRef(id="aup-staff", version=1, content_hash="h"),
              signer="staff", signed_on=dt.date(2026, 11, 23), kiosk_id=sys.argv[3],
              signer_name="Priya Visiting-Teacher", relationship="Supply teacher",
              typed_signature="Priya Visiting-Teacher")
with SignatureStore(data) as store:
    store.save(seal_signature(s, public))
"""


def usual_umask() -> None:
    os.umask(0o022)


def esafety(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESAFETY_PASSPHRASE": PASSPHRASE}
    result = subprocess.run(
        [EXE, *args], capture_output=True, text=True, env=env, preexec_fn=usual_umask, check=False
    )
    assert result.returncode == 0, (args, result.stderr)
    return result


def not_private(folder: Path) -> list[str]:
    """Every file or folder under ``folder`` that anyone but its owner could read or enter."""
    return [
        f"{p.relative_to(folder)} {stat.filemode(p.lstat().st_mode)}"
        for p in sorted(folder.rglob("*"))
        if p.lstat().st_mode & 0o077
    ]


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def fsynced_modes(monkeypatch) -> list[int]:
    """The mode of each file, at the moment it was fsynced: before any rename."""
    seen: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            seen.append(stat.S_IMODE(mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_the_atomic_writer_makes_its_temp_file_and_folders_private_before_writing(
    tmp_path, umask_022, fsynced_modes
):
    target = tmp_path / "new" / "deeper" / "state.json"
    write_json_atomic(target, {"secret": "hmac"})
    assert fsynced_modes == [0o600]  # the temporary file, written and synced, not yet renamed
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    control = tmp_path / "control.txt"
    control.write_text("made by Python's open(), not by us")
    assert stat.S_IMODE(control.stat().st_mode) == 0o644  # the umask is really 022


def test_a_key_pair_is_private_from_the_first_byte(tmp_path, umask_022, fsynced_modes):
    private, public = make_key_pair(tmp_path / "school" / "keys", PASSPHRASE)
    assert fsynced_modes == [0o600, 0o600]  # both temporary files, before their renames
    assert not_private(tmp_path) == []
    assert {private.name, public.name} == {p.name for p in (tmp_path / "school/keys").iterdir()}


def test_bulk_writes_lock_files_and_logs_are_private(tmp_path, umask_022, monkeypatch):
    temp_modes: list[int] = []
    real_sync = os.sync

    def sync() -> None:  # the first sync comes after every temporary file is written
        temp_modes.extend(stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob(".*.tmp"))
        real_sync()

    monkeypatch.setattr(os, "sync", sync)
    lock = take_writer_lock(tmp_path / "data", ".writer.lock", "busy")
    DiskShelf().write_many(
        {
            tmp_path / "data" / "responses" / f"k/2026-27/autumn/shard-{n:02d}.json": {}
            for n in (1, 2)
        }
    )
    append_line(tmp_path / "data" / "hub" / "sync-log.jsonl", "{}")
    lock.close()
    assert temp_modes == [0o600, 0o600]
    assert not_private(tmp_path) == []
    assert len(list(tmp_path.rglob("*"))) == 10  # data, lock, 4 folders, 2 shards, hub, log


def test_make_private_dirs_makes_every_missing_level_private_and_leaves_the_rest(
    tmp_path, umask_022
):
    (tmp_path / "shared").mkdir(mode=0o755)
    make_private_dirs(tmp_path / "shared" / "a" / "b" / "c")
    make_private_dirs(tmp_path / "shared" / "a" / "b" / "c")  # again: nothing to do
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755  # not ours to change
    assert not_private(tmp_path / "shared") == []
    assert (tmp_path / "shared" / "a" / "b" / "c").is_dir()


@pytest.mark.slow
def test_every_file_and_folder_the_commands_write_is_its_owners_alone(tmp_path):
    keys, kiosk, hub, usb, out = (tmp_path / n for n in ("keys", "kiosk", "hub", "usb", "out"))
    esafety("keys", "init", "--out", str(keys))
    esafety("keys", "install", "--data", str(kiosk), str(keys / "school-public-key.txt"))
    kiosk_id = json.loads((kiosk / "kiosk.json").read_text())["kiosk_id"]
    esafety("demo-data", "--data", str(kiosk), "--responses", "40", "--kiosk", kiosk_id)
    subprocess.run(
        [sys.executable, "-c", SEAL_ONE, str(kiosk), str(keys / "school-public-key.txt"), kiosk_id],
        check=True,
        cwd=ROOT,
        preexec_fn=usual_umask,
    )  # fmt: skip  (a library user, without the command's umask)
    esafety("stats", "--data", str(kiosk))

    port = free_port()
    proc = subprocess.Popen(
        [EXE, "hub", "--data", str(hub), "--host", "127.0.0.1", "--port", str(port),
         "--public-key", str(keys / "school-public-key.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=usual_umask,
    )  # fmt: skip
    try:
        page = _pairing_page(port)
        text = re.search(r"ESKHUB \S+ [A-Z0-9]{5}-[A-Z0-9]{5}", page)
        assert text, page
        pushed = esafety("sync", "--data", str(kiosk), "--pair", text.group(0))
        assert "sent" in pushed.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=15)

    esafety("bundle", "export", "--data", str(kiosk), "--out", str(usb / "hall.bundle"))
    esafety("bundle", "import", "--data", str(hub), str(usb / "hall.bundle"))
    esafety("stats", "--data", str(hub), "--json")
    esafety("register", "--data", str(hub), "--key", str(keys / "school-private-key.json"),
            "--out", str(out / "register.csv"))  # fmt: skip
    esafety("export", "--data", str(hub), "--out", str(out / "export"), "--quiet",
            "--key", str(keys / "school-private-key.json"))  # fmt: skip

    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    for expected in (
        "keys/school-private-key.json", "keys/school-public-key.png", "kiosk/kiosk.json",
        "kiosk/.writer.lock", "kiosk/.signatures.lock", "kiosk/sync/state.json",
        "hub/hub/kiosks.json", "hub/hub/sync-log.jsonl", "hub/hub/pairing.png",
        "hub/hub/school-public-key.txt",
        "usb/hall.bundle", "out/register.csv", "out/register.html",
        "out/export/evidence-pack.pdf", "out/export/tables/answers.csv",
    ):  # fmt: skip
        assert expected in written, f"{expected} was not written: the walk would miss it"
    assert any(p.startswith("kiosk/responses/") for p in written)
    assert any(p.startswith("hub/signatures/") for p in written)
    assert not_private(tmp_path) == []


def _pairing_page(port: int) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/pairing", timeout=2) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
