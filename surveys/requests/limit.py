"""How many requests to talk one kiosk takes in a short time: a prank must not bury a real one.

A pupil who presses Send, Go back, Send… over and over would fill the lead's list
with requests, and the one that matters would be lost among them. So a kiosk takes
a few in a burst and then about one a minute (a token bucket, held in memory only:
nothing about when a request was made is written anywhere). A request over the
limit is not stored, and the tablet says so and tells the pupil to tell an adult
in the room now.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["BURST", "EVERY", "SendLimit", "TooManyRequests"]

#: Requests a kiosk takes at once, and the seconds after which it takes one more.
BURST = 6
EVERY = 60.0


class TooManyRequests(RuntimeError):
    """This kiosk has taken as many requests as it may just now: nothing was stored."""


class SendLimit:
    """A token bucket: ``BURST`` at once, then one every ``EVERY`` seconds."""

    def __init__(
        self, burst: int = BURST, every: float = EVERY, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst, self._every, self._now = burst, every, now
        self._tokens = float(burst)
        self._at = now()
        self._lock = threading.Lock()

    def take(self) -> None:
        """Use one; raises :class:`TooManyRequests` when none is left."""
        with self._lock:
            now = self._now()
            self._tokens = min(self._burst, self._tokens + (now - self._at) / self._every)
            self._at = now
            if self._tokens < 1:
                raise TooManyRequests("too many requests from this kiosk just now")
            self._tokens -= 1
