"""A kiosk's own settings: its id, the staff PIN (hashed), and who it is set up for."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from surveys.clock import Clock, SystemClock
from surveys.model import AgeBand, KioskId
from surveys.storage.files import write_json_atomic
from surveys.storage.layout import DataFolder

__all__ = [
    "PIN_RULE",
    "KioskSettings",
    "PinGuard",
    "PinHash",
    "Secret",
    "load_settings",
    "save_settings",
    "valid_pin",
]

PIN_RULE = "4 to 8 digits"


class Secret(Protocol):
    """Anything :class:`PinGuard` can check a try against (a PIN's hash, a password's)."""

    def matches(self, given: str, /) -> bool: ...


class PinHash(BaseModel):
    """A staff PIN as scrypt hash and salt; the PIN itself is never stored."""

    model_config = ConfigDict(frozen=True)

    salt: str
    digest: str

    @classmethod
    def make(cls, pin: str) -> PinHash:
        salt = secrets.token_bytes(16)
        return cls(salt=salt.hex(), digest=_scrypt(pin, salt).hex())

    def matches(self, pin: str) -> bool:
        return hmac.compare_digest(_scrypt(pin, bytes.fromhex(self.salt)).hex(), self.digest)


def _scrypt(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 8


class KioskSettings(BaseModel):
    """What staff set on the staff screen; saved in ``kiosk.json`` in the data folder."""

    model_config = ConfigDict(extra="ignore")

    #: Stable, random, says nothing about the place or the person.
    kiosk_id: KioskId = Field(default_factory=lambda: f"kiosk-{secrets.token_hex(4)}")
    pin: PinHash | None = None
    #: The age band pupils on this kiosk answer for; ``None`` until staff choose.
    band: AgeBand | None = None
    #: Optional year group id from the school profile (implies the band).
    year_group: str | None = None
    #: ``parents`` runs the parent questionnaire instead of a pupil one.
    audience: str = "pupils"
    #: What the start screen offers: the questionnaire, agreements to sign, or both.
    mode: Literal["survey", "aup", "both"] = "survey"
    #: The school's public key (``ESK1-…``): signatures are sealed to it. Without
    #: one the kiosk refuses to collect signatures.
    public_key: str | None = None


def load_settings(root: Path) -> KioskSettings:
    """The folder's settings; a first run creates them (with a new kiosk id, no PIN)."""
    path = DataFolder(root).settings
    if path.is_file():
        return KioskSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    settings = KioskSettings()
    save_settings(root, settings)
    return settings


def save_settings(root: Path, settings: KioskSettings) -> None:
    write_json_atomic(DataFolder(root).settings, settings.model_dump(mode="json"))


class PinGuard:
    """Wrong-PIN back-off: three free tries, then 30 s, 60 s, 120 s… up to 15 minutes.

    Shared by every tablet on one kiosk server, so moving to another tablet does
    not reset the count. With ``path`` (``pin-guard.json`` in the data folder) the
    count and the end of the wait are written atomically after every try, so
    restarting the kiosk does not reset them either. Tries are taken one at a
    time: twenty guesses sent at once are checked in turn, and once the back-off
    starts the rest are refused without being tried.
    """

    FREE_TRIES = 3
    FIRST_WAIT = 30.0
    LONGEST_WAIT = 15 * 60.0

    def __init__(self, clock: Clock | None = None, path: Path | None = None) -> None:
        self._clock = clock or SystemClock()
        self._path = path
        self._lock = threading.Lock()
        self._failures, self._locked_until = self._load()

    @classmethod
    def in_folder(
        cls, root: Path, clock: Clock | None = None, *, kiosk_computer: bool = False
    ) -> PinGuard:
        """The back-off kept in data folder ``root``: ``pin-guard.json`` for the tablets, or
        ``pin-guard-here.json`` for the kiosk computer's own browser (see KioskServices)."""
        folder = DataFolder(root)
        return cls(clock, folder.pin_guard_here if kiosk_computer else folder.pin_guard)

    def _load(self) -> tuple[int, float]:
        if self._path is None or not self._path.exists():
            return 0, 0.0
        try:
            doc = json.loads(self._path.read_text(encoding="utf-8"))
            return int(doc["failures"]), float(doc["locked_until"])
        except (OSError, ValueError, KeyError, TypeError):
            # Damaged: as if the free tries were used up, not as if none were made.
            return self.FREE_TRIES, self._clock.wall() + self.FIRST_WAIT

    def wait_seconds(self) -> int:
        """Seconds until another try is allowed (0 = now); never more than the longest wait,
        even if the computer's clock was put back (a wait written while the clock was ahead
        is cut to the longest wait from now, so it ends)."""
        now = self._clock.wall()
        if self._locked_until - now > self.LONGEST_WAIT:
            self._locked_until = now + self.LONGEST_WAIT
            self._save()
        return max(0, int(self._locked_until - now + 0.999))

    def check(self, pin: str, stored: Secret) -> bool:
        """True if ``pin`` is right and no wait is in force. Call off the UI loop (scrypt)."""
        with self._lock:
            if self.wait_seconds():
                return False
            if stored.matches(pin):
                if self._failures:
                    self._failures, self._locked_until = 0, 0.0
                    self._save()
                return True
            self._failures += 1
            extra = self._failures - self.FREE_TRIES
            if extra >= 0:
                wait = min(self.LONGEST_WAIT, self.FIRST_WAIT * 2 ** min(extra, 20))
                self._locked_until = self._clock.wall() + wait
            self._save()
            return False

    def _save(self) -> None:
        if self._path is not None:
            state = {"failures": self._failures, "locked_until": math.ceil(self._locked_until)}
            write_json_atomic(self._path, state)
