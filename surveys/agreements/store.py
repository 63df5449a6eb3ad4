"""Signed agreements, sealed before they touch the disk, in crash-safe sharded files.

Stored apart from survey answers (``signatures/`` beside ``responses/``) and
linked to nothing in them. On disk a record is what
:class:`~surveys.agreements.sealing.SealedSignature` holds: a copied data folder
shows how many agreements were signed on which kiosk, and nothing else. Files
are the same crash-safe, sharded TinyDB files as responses, on an injected shelf
(see :mod:`surveys.storage.files`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.table import Document

from surveys.agreements.sealing import SealedSignature
from surveys.keys import KeyProblem
from surveys.storage.files import DiskShelf, ResponseConflict, Shelf, doc_id
from surveys.storage.layout import DataFolder

__all__ = ["DamagedStore", "SignatureStore"]

SHARDS = 16


class DamagedStore(KeyProblem):
    """A signature file is not what the kiosk wrote."""


class SignatureStore:
    """Sealed signatures in ``root/signatures/<kiosk>/shard-NN.json``.

    Args:
        root: the data folder.
        shelf: where the shard files live (default: crash-safe files on disk).
        writer: take the signatures' writer lock (the register only reads).
    """

    def __init__(self, root: Path, *, shelf: Shelf | None = None, writer: bool = True) -> None:
        self.root = Path(root)
        self._dir = DataFolder(self.root).signatures
        self._shelf: Shelf = shelf or DiskShelf()
        self._dbs: dict[Path, TinyDB] = {}
        self._lock = threading.Lock()
        self._lock_file: Any = None
        if writer:
            self._lock_file = self._shelf.lock(
                self.root,
                DataFolder.SIGNATURES_LOCK,
                f"another kiosk is already saving signatures into {self.root}",
            )

    def check(self, record: SealedSignature) -> None:
        """Raise :class:`ResponseConflict` if this id is stored with other content."""
        shard = int(record.id, 16) % SHARDS
        with self._lock:
            db = self._db(self._dir / record.kiosk_id / f"shard-{shard:02d}.json")
            existing = db.table("signatures").get(doc_id=doc_id(record.id))
        if existing is not None and dict(existing) != record.model_dump():
            raise ResponseConflict(f"signature {record.id} is stored with other content")

    def save(self, record: SealedSignature) -> bool:
        """Store durably; True if new, False if the same record is there already."""
        doc = record.model_dump()
        shard = int(record.id, 16) % SHARDS
        with self._lock:
            db = self._db(self._dir / record.kiosk_id / f"shard-{shard:02d}.json")
            table = db.table("signatures")
            existing = table.get(doc_id=doc_id(record.id))
            if existing is not None:
                if dict(existing) == doc:
                    return False
                raise ResponseConflict(f"signature {record.id} is stored with other content")
            table.insert(Document(doc, doc_id=doc_id(record.id)))
        return True

    def records(self) -> Iterator[SealedSignature]:
        """Every stored record.

        Raises:
            DamagedStore: a file is not whole JSON or holds something unexpected.
        """
        for path in self._shelf.paths(self._dir, "*/shard-*.json"):
            try:
                with self._lock:
                    docs = [dict(d) for d in self._db(path).table("signatures").all()]
                found = [SealedSignature.model_validate(d) for d in docs]
            except (ValueError, ValidationError):
                raise DamagedStore(
                    f"{path} is damaged (not the signature file the kiosk wrote); "
                    "restore it from a copy or move it aside, then try again"
                ) from None
            yield from found

    def remove(self, ids: list[str]) -> int:
        """Delete these records (the hub has them: acknowledged records leave the kiosk)."""
        removed = 0
        with self._lock:
            for path in self._shelf.paths(self._dir, "*/shard-*.json"):
                table = self._db(path).table("signatures")
                gone = [doc_id(i) for i in ids if table.get(doc_id=doc_id(i)) is not None]
                if gone:
                    table.remove(doc_ids=gone)
                    removed += len(gone)
        return removed

    def exists(self) -> bool:
        """Has this data folder ever held signatures?"""
        return self._dir.is_dir() or bool(self._shelf.paths(self._dir, "*/shard-*.json"))

    def count(self) -> int:
        return sum(1 for _ in self.records())

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

    def __enter__(self) -> SignatureStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
