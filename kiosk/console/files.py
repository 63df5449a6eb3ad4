"""Files the console makes for the lead to download (the evidence pack, tables, register).

They are written to a private temporary folder (0700) and served to this computer's
browser from ``/download/<token>/<name>`` with a random token each, so another
program on the computer cannot guess the address. The folder is emptied when the
session that made them locks or ends, and deleted when the hub stops: the only copy
that stays is the one the lead saved from the browser.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from pathlib import Path

__all__ = ["Downloads"]


class Downloads:
    """Files made for the lead, kept in a private temporary folder until the session that
    made them locks or ends, or the hub stops. Each is fetched with a random token, so
    another program on this computer cannot guess its address."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="esafety-console-"))
        self._files: dict[str, Path] = {}
        self._lock = threading.Lock()

    def offer(self, path: Path) -> str:
        """The address (``/download/<token>/<name>``) the browser fetches ``path`` from."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._files[token] = path
        return f"/download/{token}/{path.name}"

    def take(self, token: str) -> Path | None:
        with self._lock:
            return self._files.get(token)

    def new_folder(self) -> Path:
        """A private folder for one session's files."""
        return Path(tempfile.mkdtemp(dir=self.folder))

    def forget(self, folder: Path) -> None:
        """A session ended (lock, idle, closed tab): its files and their addresses go."""
        with self._lock:
            for token, path in list(self._files.items()):
                if folder in path.parents:
                    del self._files[token]
        shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """The hub stops: every file made goes."""
        with self._lock:
            self._files.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
