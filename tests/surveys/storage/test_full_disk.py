"""A full disk, or a data folder the kiosk may not write: a clear message, nothing damaged.

Pins issue 12 item 6. The disks are real small filesystems (tmpfs) the tests
mount, so the kernel itself says "no space left" or "read-only". Mounting needs
root (CI runs as root); elsewhere these tests are skipped, saying so.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.public import PrivateKey

from surveys.storage.disk import DataFolderUnwritable, check_writable
from tests.intruder_helpers import make_kiosk

SCHOOL = PrivateKey.generate().public_key.encode()


def mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small test filesystem needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB filesystem of its own."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "4m")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A filesystem remounted read-only (root ignores file modes, not a read-only mount)."""
    disk = tmp_path / "ro"
    mount_tmpfs(disk, "64k")
    (disk / "data").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; returns the file to delete to free it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_save_on_a_full_disk_fails_clearly_damages_nothing_and_works_once_freed(
    small_disk, library
):
    kiosk = make_kiosk(small_disk / "data", library, public_key=SCHOOL)
    q = kiosk.services.questionnaire()
    answers = {question.id: question.options[0].id for question in q.questions}
    saved = [kiosk.answer(answers) for _ in range(3)]
    filler = fill(small_disk)
    before = every_file(kiosk.data)

    with pytest.raises(OSError) as refused:
        kiosk.answer(answers)
    assert refused.value.errno == errno.ENOSPC
    assert every_file(kiosk.data) == before  # every shard whole, no temporary file left
    why = kiosk.services.save_problem  # what the staff screen shows
    assert "is full" in why and str(kiosk.data) in why and "Try again" in why

    filler.unlink()
    kiosk.answer(answers)  # the pupil's "Try again", once staff have freed space
    assert kiosk.services.save_problem == ""
    assert {r.id for r in saved} < {r.id for r in kiosk.services.store.records()}
    kiosk.close()


def test_check_writable_names_a_full_disk(small_disk):
    (small_disk / "data").mkdir()
    fill(small_disk)
    with pytest.raises(DataFolderUnwritable, match="is full"):
        check_writable(small_disk / "data")


def test_the_kiosk_will_not_start_on_a_read_only_data_folder_and_says_why(read_only_disk):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "kiosk", "--data", str(read_only_disk / "data")],
        capture_output=True, text=True, env=os.environ, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "read-only" in done.stderr and str(read_only_disk / "data") in done.stderr


def test_a_data_folder_this_user_may_not_write_is_named_with_the_fix(tmp_path):
    if os.geteuid() == 0:
        # Root writes anywhere; run as nobody, if this machine can.
        runas = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        runas = []
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    tmp_path.chmod(0o755)
    done = subprocess.run(
        [*runas, sys.executable, "-c",
         "import sys; from pathlib import Path; "
         "from surveys.storage.disk import check_writable; check_writable(Path(sys.argv[1]))",
         str(data)],
        capture_output=True, text=True, env=os.environ, timeout=60, check=False,
    )  # fmt: skip
    if runas and "setpriv" in done.stderr:
        pytest.skip(f"cannot drop root here: {done.stderr.strip()}")
    if runas and "ModuleNotFoundError" in done.stderr:
        # A checkout in a private folder (a fresh clone under mkdtemp, 0700) cannot be
        # read by nobody; the read-only disk test above covers the message then.
        pytest.skip("user nobody cannot read this checkout's code")
    assert done.returncode != 0
    assert "DataFolderUnwritable" in done.stderr and "may not write to" in done.stderr
