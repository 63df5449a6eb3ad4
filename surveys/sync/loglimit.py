"""How many refusals from the network the hub writes to its log in an hour.

Anyone on the school network can send the hub pushes or pairings it refuses,
without knowing any secret, and each refusal is a log line: unchecked, that fills
the hub's disk and buries the real refusals a lead needs to see. So the hub logs
the first :data:`PER_HOUR` refusals of each hour, then one line saying the rest
are counted, and at the next line after the hour turns, how many were not logged.
"""

from __future__ import annotations

import threading

__all__ = ["PER_HOUR", "RefusalLimit"]

PER_HOUR = 20


class RefusalLimit:
    """Counts refusals per hour (the hub log's own "YYYY-MM-DD HH:00" stamps)."""

    def __init__(self, per_hour: int = PER_HOUR) -> None:
        self._per_hour = per_hour
        self._hour = ""
        self._count = 0
        self._lock = threading.Lock()

    def admit(self, hour: str) -> tuple[bool, str | None]:
        """(whether to log this refusal, a line to log first or instead, if any)."""
        with self._lock:
            note = None
            if hour != self._hour:
                if self._count > self._per_hour:
                    unlogged = self._count - self._per_hour
                    note = f"{unlogged} more refusals in the hour before were not logged"
                self._hour, self._count = hour, 0
            self._count += 1
            if self._count == self._per_hour + 1:
                return False, "refusals: the rest of this hour's are counted, not logged"
            return self._count <= self._per_hour, note
