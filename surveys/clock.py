"""Injected time and randomness, so the core is deterministic under test."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock:
    """Today's date and a monotonic seconds counter; nothing finer is ever stored."""

    def today(self) -> dt.date:
        raise NotImplementedError

    def monotonic(self) -> float:
        raise NotImplementedError

    def wall(self) -> float:
        """Seconds since 1970: for a wait that must outlast a restart (the PIN back-off)."""
        raise NotImplementedError

    def new_id(self) -> str:
        return uuid.uuid4().hex


class SystemClock(Clock):
    def today(self) -> dt.date:
        return dt.date.today()

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


@dataclass
class FakeClock(Clock):
    """A clock for tests: set the date, advance seconds, take ids from a list."""

    day: dt.date = dt.date(2026, 11, 22)
    seconds: float = 0.0
    ids: Callable[[], str] | None = field(default=None)

    def today(self) -> dt.date:
        return self.day

    def monotonic(self) -> float:
        return self.seconds

    def wall(self) -> float:
        return 1_790_000_000.0 + self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds

    def new_id(self) -> str:
        return self.ids() if self.ids else super().new_id()
