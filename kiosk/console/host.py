"""The narrow host the console's screens talk to (as :mod:`kiosk.ui.host` for the kiosk).

A screen module is a set of ``build_*(host, …) -> list[ft.Control]`` functions. It reads
what it shows from its arguments (frozen views made off the UI loop) and reports what
the lead did with one :class:`ConsoleHost` message per action. It never touches the
hub, the stores, the key or the disk; :class:`~kiosk.console.desk.ConsoleDesk` is the
one real host.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["PLACES", "ConsoleHost", "Handler", "KeyState"]

#: The console's places, in the order of its top bar: (name, label).
PLACES = [
    ("home", "Home"),
    ("requests", "Requests"),
    ("kiosks", "Kiosks"),
    ("trends", "Trends"),
    ("downloads", "Downloads"),
    ("agreements", "Agreements"),
    ("content", "Content"),
]

#: What Flet calls when a control is used.
Handler = Callable[[Any], Any]


@dataclass(frozen=True)
class KeyState:
    """Whether the school's private key is open in this session (it is never on disk open)."""

    unlocked: bool
    #: Where the key file is (``esafety hub --key``), or "" if the hub was not told.
    key_file: str
    fingerprint: str = ""


class ConsoleHost(Protocol):
    """The calls a console screen may make. Each message is one thing the lead did."""

    @property
    def message(self) -> str:
        """One line of feedback for the screen being drawn (a wrong password, say), or ""."""
        ...

    @property
    def key(self) -> KeyState: ...

    def on(self, action: Callable[[], Any]) -> Handler:
        """A handler that counts as activity (for the idle lock), then runs ``action``."""
        ...

    def on_async(self, action: Callable[[], Awaitable[Any]]) -> Handler: ...

    def touch(self) -> None:
        """Activity that is not a tap (typing): keeps the idle lock away."""
        ...

    # -- the door -------------------------------------------------------------------

    async def choose_password(self, password: str, again: str) -> None: ...
    async def sign_in(self, password: str) -> None: ...
    def lock(self) -> None:
        """End the session now: the key is forgotten and the password asked again."""
        ...

    async def go(self, place: str) -> None:
        """Open one of :data:`PLACES` (it reads what it shows off the UI loop)."""
        ...

    async def unlock_key(self, passphrase: str, key_file: str) -> None:
        """Open the school's private key for this session only, then redraw the place."""
        ...

    # -- kiosks -----------------------------------------------------------------------

    async def new_pairing_code(self) -> None: ...
    async def forget_kiosk(self, kiosk_id: str) -> None: ...
    async def remove_record(self, record_id: str) -> None: ...

    # -- trends and downloads ------------------------------------------------------

    async def show_trend(self, choice: dict[str, str]) -> None:
        """Draw the chart for ``choice`` (band, strand or question, terms)."""
        ...

    async def make_downloads(self) -> None:
        """Make the evidence pack, tables and charts (in a worker, with progress)."""
        ...

    async def save_file(self, name: str) -> None:
        """Have the browser save one of the files made (by its name, as listed)."""
        ...

    # -- requests to talk ----------------------------------------------------------

    async def mark_request(self, request_id: str, status: str, note: str) -> None:
        """Mark one request "seen" or "acted on" today, with an optional note (sealed)."""
        ...

    async def download_requests(self, kind: str) -> None:
        """Offer the requests list: ``.csv`` or the printable page, ``.html``."""
        ...

    # -- agreements and content -----------------------------------------------------

    async def search_register(self, text: str) -> None:
        """Show only the signatures (and pupils) whose name or class holds ``text``."""
        ...

    async def use_class_list(self, name: str, data: bytes) -> None:
        """A class list the lead chose in the browser (CSV bytes; kept in memory only)."""
        ...

    async def download_register(self, kind: str) -> None:
        """Offer one of the register's files: ``.csv``, ``-class-list.csv`` or ``.html``."""
        ...

    async def check_content(self) -> None:
        """Read the content folder again (after an edit) and redraw Content."""
        ...
