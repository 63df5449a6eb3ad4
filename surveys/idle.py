"""When an unattended kiosk warns, and when it resets for the next pupil."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from surveys.clock import Clock, SystemClock

__all__ = ["IdlePolicy", "IdleState", "IdleTimer"]


class IdleState(enum.StrEnum):
    ACTIVE = "active"
    WARN = "warn"
    RESET = "reset"


@dataclass(frozen=True)
class IdlePolicy:
    """Seconds of no touches before warning and before resetting.

    Every screen follows the same policy, the thank-you screen too: its help
    cards stay until "I've finished" or this reset, long enough to scan a QR
    code (it used to leave after 30 s).
    """

    warn_after: float = 90.0
    reset_after: float = 120.0

    def __post_init__(self) -> None:
        if not 0 < self.warn_after < self.reset_after:
            raise ValueError("warn_after must be positive and shorter than reset_after")


class IdleTimer:
    """Counts seconds since the last touch, on an injected monotonic clock."""

    def __init__(self, policy: IdlePolicy, clock: Clock | None = None) -> None:
        self.policy = policy
        self._clock = clock or SystemClock()
        self._last = self._clock.monotonic()

    def touch(self) -> None:
        self._last = self._clock.monotonic()

    def idle_for(self) -> float:
        return self._clock.monotonic() - self._last

    def state(self) -> IdleState:
        idle = self.idle_for()
        if idle >= self.policy.reset_after:
            return IdleState.RESET
        if idle >= self.policy.warn_after:
            return IdleState.WARN
        return IdleState.ACTIVE
