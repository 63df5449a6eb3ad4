"""Signed agreements, sealed before they touch the disk, in crash-safe sharded files.

Stored apart from survey answers (``signatures/`` beside ``responses/``) and
linked to nothing in them. On disk a record is what
:class:`~surveys.agreements.sealing.SealedSignature` holds: a copied data folder
shows how many agreements were signed on which kiosk, and nothing else. Files
are the same crash-safe, sharded TinyDB files as responses, on an injected shelf
(see :mod:`surveys.storage.files`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from tinydb.table import Document

from surveys.agreements.sealing import SealedSignature
from surveys.keys import KeyProblem
from surveys.storage.files import ResponseConflict, Shelf, doc_id
from surveys.storage.layout import DataFolder
from surveys.storage.shards import ShardedStore

__all__ = ["DamagedStore", "SignatureStore"]

SHARDS = 16


class DamagedStore(KeyProblem):
    """A signature file is not what the kiosk wrote."""


class SignatureStore(ShardedStore):
    """Sealed signatures in ``root/signatures/<kiosk>/shard-NN.json``.

    Args:
        root: the data folder.
        shelf: where the shard files live (default: crash-safe files on disk).
        writer: take the signatures' writer lock (the register only reads).
    """

    def __init__(self, root: Path, *, shelf: Shelf | None = None, writer: bool = True) -> None:
        super().__init__(
            root,
            shelf=shelf,
            writer=writer,
            lock_name=DataFolder.SIGNATURES_LOCK,
            busy_message=f"another kiosk is already saving signatures into {root}",
        )
        self._dir = DataFolder(self.root).signatures

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
