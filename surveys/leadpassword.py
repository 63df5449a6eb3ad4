"""The lead's console password: Argon2id, set once on the hub computer, tries throttled.

The console (``kiosk/console``) asks for it before it shows anything. It is kept as
an Argon2id hash (libsodium's, through PyNaCl, which the project already uses to
seal records: no new library) in ``hub/lead-password.json``; the password itself
is never stored. Wrong tries are slowed by the same back-off as the kiosk's staff
PIN (:class:`surveys.storage.settings.PinGuard`: three free tries, then 30 s,
60 s, … up to 15 minutes), kept in ``hub/lead-guard.json`` so that restarting the
hub does not reset it. A new password must pass the passphrase rule
(:func:`surveys.passphrases.weakness`): the console is the door to the register
and every answer once the key is unlocked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path

import nacl.exceptions
import nacl.pwhash

from surveys.clock import Clock
from surveys.passphrases import weakness
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder
from surveys.storage.settings import PinGuard

__all__ = ["LeadPassword", "PasswordHash"]


class PasswordHash:
    """An Argon2id hash (libsodium's modular string, salt and costs inside)."""

    #: libsodium's "interactive" costs: about 0.1 s and 64 MiB a try on this machine.
    OPS = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
    MEM = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded

    @classmethod
    def make(cls, password: str) -> PasswordHash:
        return cls(nacl.pwhash.argon2id.str(password.encode(), opslimit=cls.OPS, memlimit=cls.MEM))

    def matches(self, password: str) -> bool:
        try:
            return bool(nacl.pwhash.argon2id.verify(self.encoded, password.encode()))
        except (nacl.exceptions.InvalidkeyError, nacl.exceptions.CryptoError, ValueError):
            return False


class LeadPassword:
    """The console's password for the hub folder ``root``: set it once, then check it."""

    def __init__(self, root: Path, clock: Clock | None = None) -> None:
        hub = DataFolder(root).hub
        self._path = hub / "lead-password.json"
        self.guard = PinGuard(clock, hub / "lead-guard.json")
        self._lock = threading.Lock()

    def is_set(self) -> bool:
        return self._load() is not None

    def choose(self, password: str, again: str, avoid: Iterable[str] = ()) -> str | None:
        """Set the first password. Returns why not (in words for the page), or None if set.

        Only ever the first: once one is set, this refuses (changing it is a job for
        the hub computer's owner: delete ``hub/lead-password.json`` and reload)."""
        if password != again:
            return "The two passwords are not the same. Type it again in both boxes."
        problem = weakness(password, avoid)
        if problem:
            return problem
        with self._lock:
            if self._load() is not None:
                return "A password was set meanwhile. Reload the page and sign in with it."
            encoded = PasswordHash.make(password).encoded.decode("ascii")
            write_json_atomic(self._path, {"argon2id": encoded})
        return None

    def check(self, password: str) -> bool:
        """True if right and no wait is in force; every try counts. Call off the UI loop."""
        stored = self._load()
        return stored is not None and self.guard.check(password, stored)

    def wait_seconds(self) -> int:
        return self.guard.wait_seconds()

    def _load(self) -> PasswordHash | None:
        try:
            doc = json.loads(self._path.read_text(encoding="utf-8"))
            return PasswordHash(str(doc["argon2id"]).encode("ascii"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # Damaged: refuse every password (never fall back to "no password yet").
            return PasswordHash(b"$damaged$")
