"""When the disk says no: a full disk or a folder this kiosk may not write, in staff's words.

Saves are atomic (:func:`~surveys.storage.files.write_bytes_atomic`): a write the
disk refuses leaves the old file whole and no temporary file behind, so the
only question is what to tell people. The pupil sees a calm "please tell a
teacher"; staff see :func:`why_not_saved`, which names the folder and the fix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from surveys.storage.files import make_private_dirs

__all__ = ["DataFolderUnwritable", "check_writable", "why_not_saved"]


class DataFolderUnwritable(Exception):
    """The data folder cannot be written; the message names it and the fix."""


def why_not_saved(exc: OSError, folder: Path) -> str:
    """What staff should know when the disk refused a save to ``folder``, and what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"the disk holding {folder} is full. Free some space on it (copy old exports "
            "or bundles elsewhere), then tap Try again; nothing saved before was damaged"
        )
    if exc.errno == errno.EROFS:
        return (
            f"{folder} is on a disk that is read-only now (often a USB stick's lock "
            "switch, or a disk error); give the kiosk a folder on a writable disk"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"this kiosk's user may not write to {folder}; give it a folder of its own "
            "(for example in its home folder) with --data"
        )
    return f"the disk refused to save in {folder} ({exc.strerror or exc}); check the disk"


def check_writable(folder: Path) -> None:
    """Make ``folder`` if it is missing and prove a file can be written in it, then removed.

    Raises:
        DataFolderUnwritable: with :func:`why_not_saved`'s words.
    """
    probe = Path(folder) / f".write-test.{secrets.token_hex(4)}.tmp"
    try:
        make_private_dirs(Path(folder))
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise DataFolderUnwritable(why_not_saved(exc, Path(folder))) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
