"""How a kiosk reaches the hub: a one-method transport, injected.

:class:`~surveys.sync.outbox.KioskSync` posts through a :class:`Transport`. The
kiosk uses :class:`UrllibTransport` (plain HTTP on the school network, with a
short timeout); tests pass a small fake that hands each request straight to a
:class:`~surveys.sync.hub.Hub`, or fails on cue.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Protocol

__all__ = ["Transport", "UrllibTransport"]


class Transport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST ``body``; returns (status, response body). Raises OSError if unreachable."""
        ...


class UrllibTransport:
    """Plain HTTP on the school network, with a short timeout."""

    def __init__(self, timeout: float = 20.0) -> None:
        self.timeout = timeout

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                return int(r.status), r.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()
