"""Files that survive a crash: the one atomic writer, the writer lock, and shard shelves.

Everything the project writes into a data folder goes through
:func:`write_json_atomic` (temporary file, fsync, ``os.replace``, fsync of the
folder): a power cut at any instant leaves the old file or the new one, never
half of either. A temporary file left behind is a write that was never
acknowledged, so :func:`remove_stale_temp_files` deletes it on the next start.

Only their owner can read what these functions write: every file (temporary
ones, lock files and logs included) is created 0600 and every folder 0700 from
the start, never loosened and tightened afterwards. With ``hide_mtime``, the
file's time and every folder's time up to the data folder's root (the folder
holding a writer lock) go back to 1970.

The stores keep their records in TinyDB shard files on a *shelf*, injected:

    Shelf (Protocol)   all a store asks of its files: open, paths, read, write_many, lock
      DiskShelf        crash-safe JSON files in a folder (the kiosk and the hub)
      MemoryShelf      the same, in a dict (tests run every store test on both)

Errors:

    StoreBusy(Exception)          another process holds the folder's writer lock
    ResponseConflict(Exception)   an id is stored already with different content
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any, Protocol

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from surveys.storage.layout import DataFolder

__all__ = [
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "AtomicJSONStorage",
    "DiskShelf",
    "MemoryShelf",
    "ResponseConflict",
    "Shelf",
    "StoreBusy",
    "append_line",
    "blur_folder",
    "doc_id",
    "dumps",
    "hide_times",
    "make_private_dirs",
    "remove_stale_temp_files",
    "take_writer_lock",
    "write_bytes_atomic",
    "write_json_atomic",
]

_FIXED_MTIME = 0  # 1970-01-01: file times must not date any record
#: Modes every file and folder is created with: its owner alone can read it.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
#: A data folder's root is the folder holding one of these (see :func:`take_writer_lock`).
_ROOT_MARKERS = (DataFolder.RESPONSES_LOCK, DataFolder.SIGNATURES_LOCK, DataFolder.REQUESTS_LOCK)
#: Deepest a written file sits below its data folder's root (responses/<kiosk>/<year>/<term>/).
_MAX_DEPTH = 8


class StoreBusy(Exception):
    """Another process is already writing to this data folder."""


class ResponseConflict(Exception):
    """A record with this id is stored already, with different content."""


def dumps(data: Any) -> str:
    """Sorted keys, so a file's layout says nothing about the order records arrived in."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and each missing folder above it, every one 0700 from the start.

    (``Path.mkdir(mode=..., parents=True)`` gives the parents it makes the umask's mode.)
    """
    missing: list[Path] = []
    level = Path(folder)
    while not level.is_dir() and level.parent != level:
        missing.append(level)
        level = level.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, PRIVATE_FOLDER)
        except FileExistsError:
            if not made.is_dir():
                raise


def _create_private(path: Path, flags: int) -> int:
    """Open ``path`` with ``flags``, creating it 0600 if it is new."""
    return os.open(path, flags | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)


def _new_temp(path: Path, tag: str) -> tuple[Path, int]:
    """A fresh temporary file beside ``path``, 0600 from its first instant; (name, fd)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{tag}.{secrets.token_hex(4)}.tmp")
    return tmp, _create_private(tmp, os.O_WRONLY | os.O_EXCL)


def append_line(path: Path, line: str) -> None:
    """Add one line to a log file that only its owner can read."""
    make_private_dirs(path.parent)
    with os.fdopen(_create_private(path, os.O_WRONLY | os.O_APPEND), "a", encoding="utf-8") as f:
        f.write(line + "\n")
    hide_times(path)  # each line says its hour; the file's time must not add the second


def _up_to_root(folder: Path) -> list[Path]:
    """``folder`` and each folder above it up to its data folder's root, the one holding a
    writer lock (only ``folder`` itself when it is in no data folder)."""
    chain, level = [], folder
    for _ in range(_MAX_DEPTH):
        chain.append(level)
        if _is_root(level):
            return chain
        if level.parent == level:
            break
        level = level.parent
    return chain[:1]


def hide_times(path: Path) -> None:
    """Reset the times of a file and of every folder above it, up to the data folder's root.

    A folder's time changes when a file or folder is made in it, so the folders
    above a shard would otherwise date, say, the first response of each term.
    Inside a data folder, every file and folder in it is reset, in the order of
    their names (see :func:`blur_folder`).
    """
    os.utime(path, (_FIXED_MTIME, _FIXED_MTIME))
    chain = _up_to_root(path.parent)
    for folder in chain:
        os.utime(folder, (_FIXED_MTIME, _FIXED_MTIME))
    if _is_root(chain[-1]):
        blur_folder(chain[-1])


def blur_folder(root: Path) -> None:
    """Reset the time of everything in a data folder, in the order of the names.

    No program can set a file's *ctime* (the time its inode last changed): any
    write or ``utime`` sets it to now. So after each save every file and folder
    is touched once more, in name order: all their ctimes then say "the last
    save", and their order is the order of the names (random ids), never the
    order records were saved in — neither among the responses waiting on a
    kiosk, nor between a parent's signature and the answers they gave next.
    """
    entries: list[str] = []
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as it:
            for entry in it:
                entries.append(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    for name in sorted(entries):
        with contextlib.suppress(OSError):  # a temp file renamed away meanwhile
            os.utime(name, (_FIXED_MTIME, _FIXED_MTIME), follow_symlinks=False)
    os.utime(root, (_FIXED_MTIME, _FIXED_MTIME))


def _is_root(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in _ROOT_MARKERS)


def write_json_atomic(path: Path, data: Any, *, hide_mtime: bool = True) -> None:
    """Write ``data`` as JSON so that a crash leaves either the old file or the new one.

    JSON is a data folder's state (shards, settings, sync state, the hub's kiosks, the
    release ledger), so its time is hidden by default: a file's time would date the
    last save, push or export to the second.
    """
    write_bytes_atomic(path, dumps(data).encode("utf-8"), hide_mtime=hide_mtime)


def write_bytes_atomic(path: Path, payload: bytes, *, hide_mtime: bool = False) -> None:
    """Write ``payload`` so that a crash leaves either the old file or the new one.

    The file (and any folder made for it) is its owner's alone from the start.
    """
    make_private_dirs(path.parent)
    tmp, fd = _new_temp(path, str(threading.get_ident()))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if hide_mtime:
        hide_times(path)
    _fsync_dir(path.parent)


def take_writer_lock(root: Path, name: str, busy_message: str) -> Any:
    """Hold ``root/name`` locked for the life of the returned file (one writer per folder).

    Raises:
        StoreBusy: another process holds it.
    """
    make_private_dirs(root)
    f = os.fdopen(_create_private(root / name, os.O_RDWR | os.O_APPEND), "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise StoreBusy(busy_message) from None
    return f


def remove_stale_temp_files(folder: Path) -> None:
    """A temp file is a write that never reached ``os.replace``: never acknowledged."""
    for tmp in folder.glob("**/.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def doc_id(record_id: str) -> int:
    """A record's TinyDB document id, from its random hex id: 60 random bits."""
    return int(record_id[:15], 16)


class AtomicJSONStorage(Storage):
    """TinyDB's storage seam, made crash-safe; caches what it last wrote (one writer)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            try:
                self._cache = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return None
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        # TinyDB mutates what read() returned before calling write(); if the write
        # fails, that in-memory copy is ahead of the disk, so drop it.
        self._cache = None
        write_json_atomic(self.path, data, hide_mtime=True)
        self._cache = data

    def close(self) -> None:
        self._cache = None


class Shelf(Protocol):
    """Where a store's shard files live. The stores call nothing else."""

    def open(self, path: Path) -> TinyDB:
        """A TinyDB over one shard file (created on its first write)."""
        ...

    def paths(self, folder: Path, pattern: str) -> list[Path]:
        """The shard files under ``folder`` matching ``pattern``, sorted."""
        ...

    def read(self, path: Path) -> dict[str, Any]:
        """One shard's whole content, fast (no TinyDB). Raises ``ValueError`` if damaged."""
        ...

    def write_many(self, files: dict[Path, dict[str, Any]]) -> None:
        """Replace many shard files at once; each ends old or new, all durable on return."""
        ...

    def lock(self, root: Path, name: str, busy_message: str) -> Any:
        """Take the folder's writer lock (see :func:`take_writer_lock`); None if not needed."""
        ...


class DiskShelf:
    """Crash-safe JSON shard files on disk."""

    def open(self, path: Path) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage)

    def paths(self, folder: Path, pattern: str) -> list[Path]:
        return sorted(folder.glob(pattern))

    def read(self, path: Path) -> dict[str, Any]:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ValueError(str(exc)) from None
        if not isinstance(data, dict):
            raise ValueError("it is not a table file")
        return data

    def write_many(self, files: dict[Path, dict[str, Any]]) -> None:
        # Every file to a temporary name, one sync, then the renames and one more
        # sync: a crash leaves each shard old or new, and two syncs instead of one
        # fsync per file is what makes merging thousands of records quick.
        temps: list[tuple[Path, Path]] = []
        try:
            for path, data in sorted(files.items()):
                make_private_dirs(path.parent)
                tmp, fd = _new_temp(path, "bulk")
                temps.append((tmp, path))
                with os.fdopen(fd, "wb") as f:
                    f.write(dumps(data).encode("utf-8"))
            os.sync()
        except BaseException:
            for tmp, _path in temps:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            raise
        folders: set[Path] = set()
        for tmp, path in temps:
            os.replace(tmp, path)
            os.utime(path, (_FIXED_MTIME, _FIXED_MTIME))
            folders.update(_up_to_root(path.parent))
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            os.utime(folder, (_FIXED_MTIME, _FIXED_MTIME))
        for root in {_up_to_root(p.parent)[-1] for p in files}:
            if _is_root(root):
                blur_folder(root)
        os.sync()

    def lock(self, root: Path, name: str, busy_message: str) -> Any:
        lock = take_writer_lock(root, name, busy_message)
        remove_stale_temp_files(root)
        return lock


class _MemoryFile(Storage):
    """One shard of a :class:`MemoryShelf`, behind TinyDB's storage seam."""

    def __init__(self, path: Path, files: dict[Path, dict[str, Any]]) -> None:
        self.path, self.files = path, files

    def read(self) -> dict[str, Any] | None:
        return self.files.get(self.path)

    def write(self, data: dict[str, Any]) -> None:
        self.files[self.path] = json.loads(dumps(data))  # a copy, as a file would hold


class MemoryShelf:
    """Shard files in a dict: the same store code, no disk (for tests)."""

    def __init__(self) -> None:
        self.files: dict[Path, dict[str, Any]] = {}

    def open(self, path: Path) -> TinyDB:
        return TinyDB(path, self.files, storage=_MemoryFile)

    def paths(self, folder: Path, pattern: str) -> list[Path]:
        return sorted(
            p
            for p in self.files
            if p.is_relative_to(folder) and p.relative_to(folder).match(pattern)
        )

    def read(self, path: Path) -> dict[str, Any]:
        return self.files[path]

    def write_many(self, files: dict[Path, dict[str, Any]]) -> None:
        for path, data in files.items():
            self.files[path] = json.loads(dumps(data))

    def lock(self, root: Path, name: str, busy_message: str) -> Any:
        return None
