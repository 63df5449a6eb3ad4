"""What every part of a console session shares (:class:`DeskPart`), so that each part
(:mod:`kiosk.console.report_desk`, :mod:`kiosk.console.register_desk`,
:mod:`kiosk.console.requests_desk`) is a small
mixin of :class:`~kiosk.console.desk.ConsoleDesk` that reads the same state."""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path

import flet as ft

from exports.lead import AnswerKeys
from kiosk.console.files import Downloads
from kiosk.console.host import ConsoleHost
from kiosk.console.services import ConsoleServices
from surveys.keys import SchoolKey

__all__ = ["DeskPart"]


class DeskPart(ConsoleHost):
    """The state a console session's parts share; set by :class:`ConsoleDesk`."""

    page: ft.Page
    services: ConsoleServices
    downloads: Downloads
    #: The school's private key and the answers' keys, once unlocked in this session only.
    school_key: SchoolKey | None
    answers: AnswerKeys | None
    _message: str
    #: The place drawn last (one of host.PLACES).
    _place: str
    #: Moves on at each lock (idle, Lock, closed tab): work started before a lock and
    #: finished after it keeps and shows nothing (:meth:`still`).
    _epoch: int = 0

    def still(self, epoch: int) -> bool:
        """No lock since ``epoch`` was read: what a worker brought back may be kept."""
        return epoch == self._epoch

    @abstractmethod
    def render(self, place: str, body: list[ft.Control]) -> None:
        """Draw ``body`` in the console's frame, with ``place`` marked in the top bar."""

    @abstractmethod
    def session_folder(self) -> Path:
        """This session's private folder for files to download (emptied on lock)."""

    def forget_personal(self) -> None:
        """Drop what a part holds from the sealed records (names): on lock, idle or close.
        A part that keeps any overrides this and calls ``super()``."""

    def say(self, message: str) -> None:
        """The one line of feedback on the next screen drawn."""
        self._message = message

    # Each part draws its places (called by ConsoleDesk.go, already signed in).

    @abstractmethod
    async def draw_requests(self) -> None: ...

    @abstractmethod
    async def draw_trends(self) -> None: ...

    @abstractmethod
    async def draw_downloads(self) -> None: ...

    @abstractmethod
    async def draw_agreements(self) -> None: ...

    @abstractmethod
    async def draw_content(self) -> None: ...
