"""Requests to talk to someone, sealed before they touch the disk, in crash-safe sharded files.

Stored apart from survey answers and signatures (``requests/`` beside
``responses/`` and ``signatures/``) and linked to nothing in them: a request's
id is fresh and random, its file is chosen by that id, and every file's time is
hidden as every other record's is (:mod:`surveys.storage.files`). On disk a
record is what :class:`~surveys.requests.sealing.SealedRequest` holds: a copied
data folder shows how many requests wait on which kiosk, and nothing else.

The API is the signature store's (:class:`~surveys.agreements.store.SignatureStore`),
so sync can carry requests as it carries signatures: :meth:`RequestStore.check`,
:meth:`~RequestStore.save`, :meth:`~RequestStore.save_many`,
:meth:`~RequestStore.records`, :meth:`~RequestStore.raw_records`,
:meth:`~RequestStore.remove`, :meth:`~RequestStore.count`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb.table import Document

from surveys.keys import KeyProblem
from surveys.requests.sealing import SealedRequest
from surveys.storage.files import ResponseConflict, Shelf, doc_id
from surveys.storage.layout import DataFolder
from surveys.storage.shards import ShardedStore

__all__ = ["DamagedRequests", "RequestStore"]

SHARDS = 16
TABLE = "requests"


class DamagedRequests(KeyProblem):
    """A request file is not what the kiosk wrote."""


class RequestStore(ShardedStore):
    """Sealed requests in ``root/requests/<kiosk>/shard-NN.json``.

    Args:
        root: the data folder.
        shelf: where the shard files live (default: crash-safe files on disk).
        writer: take the requests' writer lock (the lead's list only reads).
    """

    def __init__(self, root: Path, *, shelf: Shelf | None = None, writer: bool = True) -> None:
        super().__init__(
            root,
            shelf=shelf,
            writer=writer,
            lock_name=DataFolder.REQUESTS_LOCK,
            busy_message=f"another kiosk is already saving requests into {root}",
        )
        self._dir = DataFolder(self.root).requests

    def _path_for(self, record: SealedRequest) -> Path:
        return self._dir / record.kiosk_id / f"shard-{int(record.id, 16) % SHARDS:02d}.json"

    def _damaged(self, path: Path) -> DamagedRequests:
        return DamagedRequests(
            f"{path} is damaged (not the request file the kiosk wrote); "
            "restore it from a copy or move it aside, then try again"
        )

    def check(self, record: SealedRequest) -> None:
        """Raise :class:`ResponseConflict` if this id is stored with other content."""
        with self._lock:
            existing = self._db(self._path_for(record)).table(TABLE).get(doc_id=doc_id(record.id))
        if existing is not None and dict(existing) != record.model_dump():
            raise ResponseConflict(f"request {record.id} is stored with other content")

    def save(self, record: SealedRequest) -> bool:
        """Store durably; True if new, False if the same record is there already."""
        return self.save_many([record]) == 1

    def save_many(self, records: list[SealedRequest]) -> int:
        """Store many, one durable write per shard touched. Returns how many were new.

        Raises:
            ResponseConflict: an id is stored already with other content (that shard is
                not written; shards written before it stay written, each record whole).
        """
        by_shard: dict[Path, list[SealedRequest]] = {}
        for r in records:
            by_shard.setdefault(self._path_for(r), []).append(r)
        added = 0
        with self._lock:
            for path in sorted(by_shard):
                table = self._db(path).table(TABLE)
                new: dict[int, Document] = {}
                for r in by_shard[path]:
                    doc, did = r.model_dump(), doc_id(r.id)
                    existing = table.get(doc_id=did) or new.get(did)
                    if existing is not None:
                        if dict(existing) != doc:
                            raise ResponseConflict(f"request {r.id} is stored with other content")
                        continue
                    new[did] = Document(doc, doc_id=did)
                if new:
                    table.insert_multiple(new.values())
                    added += len(new)
        return added

    def records(self) -> Iterator[SealedRequest]:
        """Every stored record.

        Raises:
            DamagedRequests: a file is not whole JSON or holds something unexpected.
        """
        for path in self._shelf.paths(self._dir, "*/shard-*.json"):
            try:
                with self._lock:
                    docs = [dict(d) for d in self._db(path).table(TABLE).all()]
                found = [SealedRequest.model_validate(d) for d in docs]
            except (ValueError, ValidationError):
                raise self._damaged(path) from None
            yield from found

    def raw_records(self) -> Iterator[dict[str, Any]]:
        """Every stored record as the plain dict on disk (for bundles), checked for shape.

        Raises:
            DamagedRequests: a file is not whole JSON or holds something unexpected.
        """
        for path in self._shelf.paths(self._dir, "*/shard-*.json"):
            try:
                docs = list(self._shelf.read(path).get(TABLE, {}).values())
                for d in docs:
                    SealedRequest.model_validate(d)
            except (ValueError, ValidationError, AttributeError, TypeError):
                raise self._damaged(path) from None
            yield from docs

    def remove(self, ids: Iterable[str]) -> int:
        """Delete these records (the hub has them: acknowledged records leave the kiosk)."""
        wanted = list(ids)
        removed = 0
        with self._lock:
            for path in self._shelf.paths(self._dir, "*/shard-*.json"):
                table = self._db(path).table(TABLE)
                gone = [doc_id(i) for i in wanted if table.get(doc_id=doc_id(i)) is not None]
                if gone:
                    table.remove(doc_ids=gone)
                    removed += len(gone)
        return removed

    def exists(self) -> bool:
        """Has this data folder ever held requests?"""
        return self._dir.is_dir() or bool(self._shelf.paths(self._dir, "*/shard-*.json"))

    def count(self) -> int:
        """How many requests are stored (exactly: the lead must know every one)."""
        return sum(1 for _ in self.records())
