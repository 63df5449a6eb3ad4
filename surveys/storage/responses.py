"""The crash-safe store of sealed responses: TinyDB over atomic, durable, sharded JSON files.

A kiosk stores each response sealed to the school's key (:mod:`surveys.sealed`), so
this store can save, count, move and remove records, and never read an answer.

Why it is shaped like this:

* **Durable**: every write goes through :mod:`surveys.storage.files` (temporary
  file, fsync, ``os.replace``, fsync of the folder). A power cut at any instant
  leaves the old file or the new one, never half of either. ``save`` returns
  only after that, so "Thank you" means saved.
* **Sharded**: responses live in ``responses/<kiosk>/<year>/<term>/shard-NN.json``
  with :data:`SHARDS` shards per term, picked by the response's random id. A save
  rewrites one small shard (~1/64 of a term), never years of data.
* **Order-free**: a response's shard and its TinyDB document id both come from its
  random UUID, and files are written with sorted keys, so neither the file a
  response is in nor its place in the file says when it was saved. File
  modification times are reset after each write for the same reason.
* **One writer**: a lock file stops two kiosk processes writing one folder;
  within a process a lock serialises saves from many pupil sessions.
* **Injected storage**: the shard files sit on a :class:`~surveys.storage.files.Shelf`
  (on disk, or in memory for tests), and every path through the store is the same
  for both.

The calls a hub backend (PostgreSQL, say) would also provide are ``save``,
``save_many``, ``import_many``, ``get``, ``records``, ``raw_records``, ``remove`` and ``counts``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from surveys.model import SealedResponse
from surveys.storage.files import ResponseConflict, Shelf, StoreBusy, doc_id
from surveys.storage.layout import DataFolder
from surveys.storage.shards import ShardedStore

__all__ = ["SHARDS", "ResponseConflict", "ResponseStore", "StoreBusy", "live_count"]

#: Shards per kiosk and term. 64 keeps a shard near 80 responses at 5,000 a term.
SHARDS = 64
_GLOB = "*/*/*/shard-*.json"


def live_count(n: int) -> int:
    """A count of records for a term still open, as staff may see it: to the nearest 10.

    Part of the one release policy (docs/privacy.md): figures for a term still
    open are counts, never answers, and rounded, so that two looks before and
    after one pupil do not even show that one more response was saved.
    """
    return 10 * ((n + 5) // 10)  # half up: 5 shows as 10, never as 0


def _shard_of(response_id: str, shards: int = SHARDS) -> int:
    return int(response_id, 16) % shards


def _shard_name(response_id: str, shards: int = SHARDS) -> str:
    return f"shard-{_shard_of(response_id, shards):02d}.json"


class ResponseStore(ShardedStore):
    """Anonymous responses, saved durably, read back in no meaningful order.

    Args:
        root: the kiosk's data folder (responses go under ``root/responses``).
        shelf: where the shard files live; the default is crash-safe files on
            disk. Tests pass a :class:`~surveys.storage.files.MemoryShelf`.
        writer: take the folder's writer lock (readers such as ``stats`` don't).
        shards: files per kiosk and term. A kiosk keeps 64 so one save rewrites
            little; a hub, which merges in bulk, keeps fewer. Reading works with any.
    """

    def __init__(
        self,
        root: Path,
        *,
        shelf: Shelf | None = None,
        writer: bool = True,
        shards: int = SHARDS,
    ) -> None:
        super().__init__(
            root,
            shelf=shelf,
            writer=writer,
            lock_name=DataFolder.RESPONSES_LOCK,
            busy_message=f"another kiosk or command is already saving into {root}; "
            "stop it first, or give this one its own --data folder",
        )
        self.shards = shards
        self._dir = DataFolder(self.root).responses

    # -- the calls a hub backend must also provide -----------------------------------

    def save(self, response: SealedResponse) -> bool:
        """Store ``response`` durably. True if added, False if already there (same content).

        Raises:
            ResponseConflict: the id is stored with different content.
            OSError: the disk refused the write; nothing was acknowledged.
        """
        doc = response.model_dump(mode="json")
        db = self._db_for(response)
        with self._lock:
            table = db.table("responses")
            existing = table.get(doc_id=doc_id(response.id))
            if existing is not None:
                if dict(existing) == doc:
                    return False
                raise ResponseConflict(
                    f"response {response.id} is stored already with different content"
                )
            table.insert(Document(doc, doc_id=doc_id(response.id)))
        return True

    def save_many(self, responses: list[SealedResponse]) -> int:
        """Store many responses, one write per shard touched. Returns how many were new.

        Same rules as :meth:`save`; a conflict stops the batch before its shard is written
        (shards written earlier in the batch stay written: each response is whole).
        """
        by_shard: dict[Path, list[SealedResponse]] = {}
        for r in responses:
            by_shard.setdefault(self._path_for(r), []).append(r)
        added = 0
        for path in sorted(by_shard):
            db = self._db(path)
            with self._lock:
                table = db.table("responses")
                new: dict[int, Document] = {}
                for r in by_shard[path]:
                    doc, did = r.model_dump(mode="json"), doc_id(r.id)
                    existing = table.get(doc_id=did) or new.get(did)
                    if existing is not None:
                        if dict(existing) != doc:
                            raise ResponseConflict(
                                f"response {r.id} is stored already with different content"
                            )
                        continue
                    new[did] = Document(doc, doc_id=did)
                if new:
                    table.insert_multiple(new.values())
                    added += len(new)
        return added

    def import_many(self, responses: list[SealedResponse]) -> tuple[int, int]:
        """Merge many responses at once, as a hub importing bundles does.

        Everything is checked before anything is written, so a conflict (same id,
        other content) changes nothing. Then every touched shard is replaced in
        one go by the shelf (on disk: temporary files, one sync, the renames, one
        more sync): a crash leaves each shard old or new, and the call returns
        only when all of it is durable.

        Returns:
            (added, already there)

        Raises:
            ResponseConflict: an id is stored with different content; nothing written.
        """
        by_path: dict[Path, list[SealedResponse]] = {}
        for r in responses:
            by_path.setdefault(self._path_for(r), []).append(r)
        added = already = 0
        merged: dict[Path, dict[str, Any]] = {}
        with self._lock:
            for path in sorted(by_path):
                table = self._db(path).table("responses")
                new: dict[int, dict[str, Any]] = {}
                for r in by_path[path]:
                    doc, did = r.model_dump(mode="json"), doc_id(r.id)
                    stored = table.get(doc_id=did)
                    existing = dict(stored) if stored is not None else new.get(did)
                    if existing is not None:
                        if existing != doc:
                            raise ResponseConflict(
                                f"response {r.id} is stored already with different content"
                            )
                        already += 1
                        continue
                    new[did] = doc
                if new:
                    data = dict(self._db(path).storage.read() or {})
                    data["responses"] = {
                        **data.get("responses", {}),
                        **{str(did): doc for did, doc in new.items()},
                    }
                    merged[path] = data
                    added += len(new)
            self._shelf.write_many(merged)
            for path in merged:
                db = self._dbs.pop(path, None)
                if db is not None:
                    db.close()  # its cache is stale now
        return added, already

    def get(self, response_id: str) -> SealedResponse | None:
        for path in self._shard_paths():
            if path.name != _shard_name(response_id, self.shards):
                continue
            doc = self._db(path).table("responses").get(doc_id=doc_id(response_id))
            if doc is not None and doc.get("id") == response_id:
                return SealedResponse.model_validate(dict(doc))
        return None

    def records(
        self, *, academic_year: str | None = None, term: str | None = None
    ) -> Iterator[SealedResponse]:
        """Every stored (sealed) response, optionally one year or term, shard by shard."""
        for path in self._shard_paths(academic_year=academic_year, term=term):
            for doc in self._db(path).table("responses").all():
                yield SealedResponse.model_validate(dict(doc))

    def raw_records(
        self, *, since_year: int | None = None, part: tuple[int, int] = (0, 1)
    ) -> Iterator[dict[str, Any]]:
        """Every stored record as the plain dict on disk: the fast path for exports.

        Skips validation (these files are only ever written by :meth:`save`); a
        damaged shard raises ``ValueError`` naming the file. ``part=(i, k)`` reads
        only every k-th shard from the i-th, so k processes can share the work.
        """
        index, parts = part
        for path in self._shard_paths()[index::parts]:
            if since_year is not None and int(path.parent.parent.name[:4]) < since_year:
                continue
            try:
                docs = list(self._shelf.read(path)["responses"].values())
                if not all(isinstance(d, dict) and "sealed" in d for d in docs):
                    raise ValueError("a record in it is not a sealed response")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path} is damaged ({exc}); restore it from a copy") from None
            yield from docs

    def remove(self, ids: Iterable[str]) -> int:
        """Delete these records (the hub has them: acknowledged records leave the kiosk).

        One durable write per shard touched. Returns how many were removed.
        """
        wanted = set(ids)
        removed = 0
        with self._lock:
            for path in self._shard_paths():
                table = self._db(path).table("responses")
                gone = [doc_id(r) for r in wanted if _shard_name(r, self.shards) == path.name]
                gone = [d for d in gone if table.get(doc_id=d) is not None]
                if gone:
                    table.remove(doc_ids=gone)
                    removed += len(gone)
        return removed

    def counts(self) -> dict[str, Any]:
        """How many records, by academic year + term and by kiosk (sealed: never by answer)."""
        by: dict[str, Counter[str]] = {k: Counter() for k in ("term", "kiosk")}
        total = 0
        for path in self._shard_paths():
            n = len(self._db(path).table("responses"))
            total += n
            kiosk, year, term = (
                path.parent.parent.parent.name,
                path.parent.parent.name,
                path.parent.name,
            )
            by["term"][f"{year.replace('-', '/')} {term}"] += n
            by["kiosk"][kiosk] += n
        return {
            "responses": total,
            **{f"by_{k}": {n: c for n, c in sorted(v.items()) if c} for k, v in by.items()},
        }

    # -- internals -------------------------------------------------------------

    def _path_for(self, r: SealedResponse) -> Path:
        year = r.academic_year.replace("/", "-")
        return self._dir / r.kiosk_id / year / r.term.value / _shard_name(r.id, self.shards)

    def _db_for(self, r: SealedResponse) -> TinyDB:
        return self._db(self._path_for(r))

    def _shard_paths(
        self, *, academic_year: str | None = None, term: str | None = None
    ) -> list[Path]:
        paths = self._shelf.paths(self._dir, _GLOB)
        year = academic_year.replace("/", "-") if academic_year else None
        return [
            p
            for p in paths
            if (year is None or p.parent.parent.name == year)
            and (term is None or p.parent.name == term)
        ]
