"""What a push must show the hub before the hub reads it: a ticket, then a seal.

Anyone on the school network can send the hub a push, and pushes are plain HTTP:
kiosk ids, push numbers and tickets can be read off the wire. So, each refusal
logged (rate-limited, :mod:`surveys.sync.loglimit`) and raised as ``BundleRefused``:

* :meth:`PushDoor.admit`, before the push is given one of the web server's slots or
  a byte of its body is read: the kiosk must be paired here, and its
  ``X-Esafety-Ticket`` must be :func:`~surveys.sync.bundle.push_ticket` of its id,
  the push's number and its body's length under that kiosk's secret. The number
  must be above the last one taken and any admitted before (so a ticket read off
  the wire is good once), and within :data:`COUNTER_WINDOW` of the last taken.
* :meth:`PushDoor.running` and :meth:`PushDoor.check_seal`: the body's own MAC,
  computed as the body streams in, checked before the body is read into memory.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from typing import Any

from surveys.model import valid_kiosk_id
from surveys.sync.bundle import BundleRefused, is_hex_mac, ticket_checks

__all__ = ["COUNTER_WINDOW", "PushDoor", "number_problem"]

#: How far past the last push taken a push's number may be. A kiosk counts every try,
#: failed ones too (at most ~100 a day while the hub is away): a million is decades.
COUNTER_WINDOW = 1_000_000


class PushDoor:
    """The checks on a push's headers and seal, over the hub's ``kiosks`` (id -> entry with
    ``secret`` and ``last_counter``); ``log(kiosk_id, via, outcome)`` writes the hub's log."""

    def __init__(
        self, kiosks: dict[str, dict[str, Any]], log: Callable[[str, str, str], None]
    ) -> None:
        self.kiosks, self.log = kiosks, log
        #: The highest push number admitted per pairing (by its secret: a new pairing
        #: starts again), in memory: a restart forgets it, the numbers taken stay.
        self._admitted: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, kiosk_id: str, counter: str, length: int, ticket: str | None) -> None:
        """Refuse (logged) a push whose headers are not a paired kiosk's ticket for a new
        number and a body of ``length`` bytes; otherwise mark its number admitted."""
        entry = self.kiosks.get(kiosk_id) if valid_kiosk_id(kiosk_id) else None
        number = _number(counter)
        with self._lock:
            if entry is None:
                why = f"{kiosk_id[:60]} is not paired with this hub"
            elif not ticket:
                why = "the push carries no ticket (X-Esafety-Ticket): update the kiosk's software"
            elif not ticket_checks(
                bytes.fromhex(entry["secret"]), kiosk_id, number, length, ticket
            ):
                why = f"the push from {kiosk_id} is not sealed with its key (its ticket is wrong)"
            else:
                last = int(entry["last_counter"])
                spent = max(last, self._admitted.get(entry["secret"], 0))
                why = number_problem(kiosk_id, number, spent, last) or ""
                if not why:
                    self._admitted[entry["secret"]] = number
                    return
        self.log(kiosk_id, "push", f"refused: {why}")
        raise BundleRefused(why)

    def running(self, kiosk_id: str, counter: int) -> Any:
        """Refuse (logged) a kiosk not paired here, or return the push's MAC, running, for
        the body to be fed into as it streams in."""
        entry = self.kiosks.get(kiosk_id) if valid_kiosk_id(kiosk_id) else None
        if entry is None:
            self.log(kiosk_id, "push", f"refused: {kiosk_id[:60]} is not paired with this hub")
            raise BundleRefused(f"{kiosk_id[:60]} is not paired with this hub")
        return hmac.new(_secret(entry), b"push\n" + str(counter).encode() + b"\n", hashlib.sha256)

    def check_seal(self, kiosk_id: str, running: Any, mac: str) -> None:
        """Refuse (logged) a streamed push whose MAC (from :meth:`running`) is not ``mac``."""
        if not is_hex_mac(mac) or not hmac.compare_digest(running.hexdigest(), mac):
            why = f"the push from {kiosk_id} is not sealed with its key"
            self.log(kiosk_id, "push", f"refused: {why}")
            raise BundleRefused(why)


def _number(text: str) -> int:
    """A push number as sent (decimal digits, at most 30), or -1."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 30 else -1


def _secret(entry: dict[str, Any]) -> bytes:
    return bytes.fromhex(entry["secret"])


def number_problem(kiosk_id: str, counter: int, spent: int, last: int) -> str | None:
    """Why push number ``counter`` is refused (numbers up to ``spent`` are used; at most
    :data:`COUNTER_WINDOW` past ``last``, the last one taken), or None."""
    if counter <= spent:
        return f"the push from {kiosk_id} repeats an earlier request (number {counter})"
    if counter > last + COUNTER_WINDOW:
        return (
            f"the push from {kiosk_id} is numbered {str(counter)[:30]}, far beyond "
            f"its last ({last}): refused, the kiosk's next pushes still count"
        )
    return None
