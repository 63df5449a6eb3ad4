"""Signed agreements, sealed to the school's public key before they touch the disk.

Stored apart from survey answers (``signatures/`` beside ``responses/``) and
linked to nothing in them. On disk a record is only its random id, the kiosk
id, the key's fingerprint and the sealed bytes: a copied data folder shows how
many agreements were signed on which kiosk, and nothing else. Files are the
same crash-safe, sharded TinyDB files as responses (see :mod:`surveys.store`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import nacl.exceptions
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from tinydb import TinyDB
from tinydb.table import Document

from .aup import Signature
from .keys import KeyProblem, SchoolKey, fingerprint, seal
from .model import KioskId
from .store import (
    AtomicJSONStorage,
    ResponseConflict,
    doc_id,
    remove_stale_temp_files,
    take_writer_lock,
)

__all__ = [
    "DamagedStore",
    "SealedSignature",
    "SignatureStore",
    "open_signatures",
    "seal_signature",
]

SHARDS = 16
#: Sealed texts are padded to a multiple of this, so a record's size does not tell
#: a parent from a pupil, a typed name from a drawing, or a long name from a short one.
PAD_TO = 8192


class SealedSignature(BaseModel):
    """What the disk holds for one signature."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    kiosk_id: KioskId
    #: Fingerprint of the public key it was sealed to (so the lead can tell which key opens it).
    key: str
    sealed: str


def seal_signature(signature: Signature, public: bytes) -> SealedSignature:
    """Encrypt ``signature`` to the school's public key. The kiosk cannot open the result."""
    plaintext = signature.model_dump_json().encode("utf-8")
    # JSON allows trailing whitespace, so padding with spaces needs no unpadding step.
    plaintext += b" " * (-len(plaintext) % PAD_TO)
    return SealedSignature(
        id=signature.id,
        kiosk_id=signature.kiosk_id,
        key=fingerprint(public),
        sealed=base64.b64encode(seal(public, plaintext)).decode("ascii"),
    )


def open_signatures(records: list[SealedSignature], key: SchoolKey) -> list[Signature]:
    """Open every record with the lead's key; raises :class:`KeyProblem` on any it cannot."""
    others = sorted({r.key for r in records if r.key != key.fingerprint})
    if others:
        raise KeyProblem(
            f"{sum(r.key != key.fingerprint for r in records)} signature(s) were sealed to "
            f"another key ({', '.join(others)}), not this one ({key.fingerprint}); "
            "use the private key whose fingerprint matches"
        )
    out = []
    for r in records:
        try:
            out.append(Signature.model_validate_json(key.open(base64.b64decode(r.sealed))))
        except (ValueError, ValidationError, nacl.exceptions.CryptoError):
            raise KeyProblem(
                f"signature {r.id} (kiosk {r.kiosk_id}) is damaged or was altered and cannot "
                "be opened; nothing was written. Restore that kiosk's signatures/ folder "
                "from a copy, or move the damaged file aside."
            ) from None
    return out


class DamagedStore(KeyProblem):
    """A signature file is not what the kiosk wrote."""


class SignatureStore:
    """Sealed signatures in ``root/signatures/<kiosk>/shard-NN.json``.

    Args:
        root: the data folder.
        writer: take the signatures' writer lock (the register only reads).
    """

    def __init__(self, root: Path, *, writer: bool = True) -> None:
        self.root = Path(root)
        self._dir = self.root / "signatures"
        self._dbs: dict[Path, TinyDB] = {}
        self._lock = threading.Lock()
        self._lock_file: Any = None
        if writer:
            self._lock_file = take_writer_lock(
                self.root,
                ".signatures.lock",
                f"another kiosk is already saving signatures into {self.root}",
            )
            remove_stale_temp_files(self._dir)

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
        for path in sorted(self._dir.glob("*/shard-*.json")):
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

    def exists(self) -> bool:
        """Has this data folder ever held signatures?"""
        return self._dir.is_dir()

    def count(self) -> int:
        return sum(1 for _ in self.records())

    def _db(self, path: Path) -> TinyDB:
        db = self._dbs.get(path)
        if db is None:
            db = self._dbs[path] = TinyDB(path, storage=AtomicJSONStorage)
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
