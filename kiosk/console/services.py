"""What the console works with: the hub, the content, the lead's password, the key file.

One :class:`ConsoleServices` per hub process, shared by every console session. It
holds nothing personal: the school's private key, once opened, lives only in the
session that opened it (:class:`~kiosk.console.desk.ConsoleDesk`). Every call here
may read many files or hash: call it off the UI loop (``asyncio.to_thread``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from exports.lead import AnswerKeys, answer_keys, unpublished_terms
from exports.qr import qr_png
from surveys.content.errors import ContentError, ContentProblem
from surveys.content.library import ContentLibrary, check_content
from surveys.keys import SchoolKey, open_private_key
from surveys.leadpassword import LeadPassword
from surveys.sync.hub import Hub
from surveys.sync.overview import Job, Overview, overview
from surveys.sync.pairing import pairing_text

__all__ = ["IDLE_LOCK_SECONDS", "ConsoleServices", "Pairing"]

#: The console locks itself after this long without a tap (``ESAFETY_CONSOLE_IDLE`` for tests).
IDLE_LOCK_SECONDS = 15 * 60.0


@dataclass(frozen=True)
class Pairing:
    text: str
    qr_png: bytes


class ConsoleServices:
    """The hub's console: one per ``esafety hub`` process."""

    def __init__(
        self,
        hub: Hub,
        content: Path,
        *,
        public_url: str,
        key_file: Path | None = None,
    ) -> None:
        self.hub = hub
        self.content = content
        self.public_url = public_url
        self.key_file = key_file
        self.password = LeadPassword(hub.root)
        self.idle_lock = float(os.environ.get("ESAFETY_CONSOLE_IDLE", IDLE_LOCK_SECONDS))
        self.library, self.problems = self.load_content()

    @property
    def data(self) -> Path:
        return self.hub.root

    def load_content(self) -> tuple[ContentLibrary | None, list[ContentProblem]]:
        """The content as the kiosks have it, and ``content check``'s problems."""
        try:
            return check_content(self.content)
        except ContentError as exc:
            return None, list(exc.problems)

    def school_name(self) -> str:
        return self.library.school.name if self.library else "E-Safety Kiosk"

    def overview(self, today: dt.date | None = None) -> Overview:
        """Home's figures and jobs, with "publish last term" when an ended term's answers
        are here but no export has published them yet."""
        today = today or dt.date.today()
        seen = overview(self.hub, today)
        waiting = unpublished_terms(self.data, today)
        if not waiting:
            return seen
        more = f" (and {len(waiting) - 1} earlier)" if len(waiting) > 1 else ""
        job = Job(
            f"The figures for {waiting[0]}{more} are not published yet: open Downloads, "
            "then Make the evidence pack.",
            place="downloads",
        )
        urgent = [j for j in seen.jobs if j.urgent]
        rest = [j for j in seen.jobs if not j.urgent]
        return dataclasses.replace(seen, jobs=[*urgent, job, *rest])

    def pairing(self) -> Pairing:
        """A fresh one-time code (10 minutes) as text and QR code.

        Raises:
            BundleRefused: the hub has no school key yet (the message says what to do).
        """
        text = pairing_text(self.public_url, self.hub.new_pairing_code())
        return Pairing(text, qr_png(text))

    def open_key(self, key_file: Path, passphrase: str) -> tuple[SchoolKey, AnswerKeys]:
        """Open the school's private key (about 0.4 s, Argon2id) and the answers' keys.

        Raises:
            KeyProblem: the file is not a key, or the passphrase is wrong (it says which).
            ValueError: a damaged shard (it names itself).
        """
        key = open_private_key(key_file, passphrase)
        return key, answer_keys(self.data, key)
