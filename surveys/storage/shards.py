"""What both record stores share: shard files on a shelf, opened once, one writer per folder.

:class:`~surveys.storage.responses.ResponseStore` and
:class:`~surveys.agreements.store.SignatureStore` build on :class:`ShardedStore`:
it keeps each opened shard's TinyDB, serialises writers within the process,
holds the folder's writer lock, and closes it all (also as a context manager).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Self

from tinydb import TinyDB

from surveys.storage.files import DiskShelf, Shelf

__all__ = ["ShardedStore"]


class ShardedStore:
    """Shard files under ``root`` on ``shelf``; with ``writer``, the folder's lock ``lock_name``.

    Raises:
        StoreBusy: another process holds the lock (``busy_message`` says what to do).
    """

    def __init__(
        self,
        root: Path,
        *,
        shelf: Shelf | None,
        writer: bool,
        lock_name: str,
        busy_message: str,
    ) -> None:
        self.root = Path(root)
        self._shelf: Shelf = shelf or DiskShelf()
        self._dbs: dict[Path, TinyDB] = {}
        self._lock = threading.Lock()
        self._lock_file: Any = None
        if writer:
            self._lock_file = self._shelf.lock(self.root, lock_name, busy_message)

    def _db(self, path: Path) -> TinyDB:
        db = self._dbs.get(path)
        if db is None:
            db = self._dbs[path] = self._shelf.open(path)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._dbs.values():
                db.close()
            self._dbs.clear()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
