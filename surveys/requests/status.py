"""The lead's marks on requests: waiting, seen, acted on — each with the day it was marked.

Kept in ``<data>/requests/status.json`` (0600, written atomically, its time
hidden) where the lead reads requests: a kiosk's folder or the hub's. The file
holds request ids, statuses and days; a note the lead adds ("spoke to her at
break") could name a child, so it is sealed to the school's key like the
requests themselves and opened only with the private key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import json
from pathlib import Path

import nacl.exceptions
from pydantic import BaseModel, ConfigDict, ValidationError

from surveys.keys import KeyProblem, SchoolKey, seal
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder

__all__ = ["Mark", "Status", "StatusBook", "StatusProblem"]

#: The longest note kept beside a mark (a line, not a case file).
NOTE_MAX = 500


class Status(enum.StrEnum):
    WAITING = "waiting"
    SEEN = "seen"
    ACTED_ON = "acted on"


class StatusProblem(KeyProblem):
    """The status file is damaged, or a mark cannot be made (the message says how to fix it)."""


class Mark(BaseModel):
    """One request's mark, as the status file holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    on: dt.date
    #: The lead's note, sealed to the school's key (base64), or None.
    note: str | None = None


class StatusBook:
    """The marks in one data folder's ``requests/status.json``."""

    def __init__(self, root: Path) -> None:
        self.path = DataFolder(Path(root)).request_status

    def marks(self) -> dict[str, Mark]:
        """Every mark by request id (a request with none is waiting).

        Raises:
            StatusProblem: the file is not one this command wrote.
        """
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return {rid: Mark.model_validate(m) for rid, m in doc["marks"].items()}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
            raise StatusProblem(
                f"{self.path} is damaged (not the status file `esafety requests` writes); "
                "restore it from a copy, or move it aside (every request then shows as waiting)"
            ) from None

    def mark(
        self, request_id: str, status: Status, on: dt.date, key: SchoolKey, note: str | None = None
    ) -> Mark:
        """Mark one request (replacing any earlier mark), durably. Returns the new mark.

        Raises:
            StatusProblem: the note is too long, or the file is damaged.
        """
        if note is not None and len(note) > NOTE_MAX:
            raise StatusProblem(
                f"the note is {len(note)} characters long; keep it to {NOTE_MAX} or fewer"
            )
        sealed = None
        if note:
            public = bytes(key.private.public_key)
            sealed = base64.b64encode(seal(public, note.encode("utf-8"))).decode("ascii")
        marks = self.marks()
        marks[request_id] = Mark(status=status, on=on, note=sealed)
        write_json_atomic(
            self.path, {"marks": {rid: m.model_dump(mode="json") for rid, m in marks.items()}}
        )
        return marks[request_id]

    @staticmethod
    def note(mark: Mark, key: SchoolKey) -> str:
        """The mark's note, opened ("" if none).

        Raises:
            StatusProblem: the note was sealed to another key, or altered.
        """
        if not mark.note:
            return ""
        try:
            return key.open(base64.b64decode(mark.note, validate=True)).decode("utf-8")
        except (ValueError, binascii.Error, nacl.exceptions.CryptoError):
            raise StatusProblem(
                "a note in the status file cannot be opened with this key (another key, or "
                "altered); mark that request again to replace it"
            ) from None
