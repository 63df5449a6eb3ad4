"""Requests: pupils' requests to talk to someone, read and marked in the console.

The requests are sealed (a first name, a class, a reason), so the place needs the
school's key; until it is unlocked the key panel shows. Each time the place is drawn
the requests are opened afresh off the UI loop (a request may have just arrived),
with the lead's marks, by the same core calls as ``esafety requests``
(:mod:`exports.requests`, :class:`surveys.requests.status.StatusBook`). The list
stays in this session's memory only and is dropped on lock, idle or close
(:meth:`RequestsDesk.forget_personal`); the only files written are the marks (as the
command writes them) and the files the lead asks to download.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import flet as ft

from exports.requests import (
    NOT_GIVEN,
    RequestRow,
    build_rows,
    held_requests,
    long_day,
    marks_and_notes,
    requests_csv,
    requests_html,
    summary,
)
from kiosk.console.part import DeskPart
from kiosk.console.screens import requests
from kiosk.console.widgets import key_panel, title
from kiosk.ui.host import REASON_WORDS
from surveys.keys import KeyProblem, SchoolKey
from surveys.requests.model import Reason
from surveys.requests.status import Status, StatusBook
from surveys.storage.files import write_bytes_atomic

__all__ = ["RequestsDesk"]

log = logging.getLogger("esafety.console")

#: The list's files, by what the lead taps: (name ending, what it is).
REQUEST_FILES = {".csv": "the requests (CSV)", ".html": "the printable page"}
#: What a "Mark …" button may set.
MARKS = {"seen": Status.SEEN, "acted on": Status.ACTED_ON}


@dataclass(frozen=True)
class _Read:
    """The requests opened with ``key`` in this session (None: no requests folder yet)."""

    key: SchoolKey
    rows: list[RequestRow] | None


class RequestsDesk(DeskPart):
    _requests: _Read | None = None

    def forget_personal(self) -> None:
        self._requests = None
        super().forget_personal()

    def _reason_words(self) -> tuple[str, dict[Reason, str]]:
        """The school's name and each reason as the kiosk words it (ids if content is broken)."""
        library = self.services.library
        if library is None:
            return self.services.school_name(), {r: r.value for r in Reason}
        return library.school.name, {r: library.strings.get(k) for r, k in REASON_WORDS.items()}

    def _read_requests(self, key: SchoolKey) -> _Read:
        """Open the requests and marks (runs in a worker thread)."""
        data: Path = self.services.data
        found = held_requests(data, key)
        if found is None:
            return _Read(key, None)
        marks, notes = marks_and_notes(data, key)
        return _Read(key, build_rows(found, marks, notes, self._reason_words()[1]))

    async def _open_requests(self) -> _Read | None:
        """The requests, opened anew; None on a problem (said on the screen) or no key."""
        key = self.school_key
        if key is None:
            self._requests = None
            return None
        epoch = self._epoch
        try:
            opened = await asyncio.to_thread(self._read_requests, key)
            if not self.still(epoch):  # locked while reading: the names go with the key
                return None
            self._requests = opened
        except (KeyProblem, ValueError) as exc:
            self.say(f"The requests could not be opened: {exc}")
            self._requests = None
        return self._requests

    async def draw_requests(self) -> None:
        opened = await self._open_requests() if self.school_key is not None else None
        if opened is None:
            why = "Requests to talk hold pupils' names: they open with the school's key."
            self.render("requests", [title("Requests"), key_panel(self, why)])
            return
        rows = opened.rows or []
        self.render(
            "requests",
            requests.build_requests(
                self, rows, summary(rows), anything_arrived=opened.rows is not None
            ),
        )

    async def mark_request(self, request_id: str, status: str, note: str) -> None:
        opened, key = self._requests, self.school_key
        if opened is None or key is None or status not in MARKS:
            return await self.draw_requests()
        row = next((r for r in opened.rows or [] if r.id == request_id), None)
        if row is None:
            self.say("That request is not here any more: the list was read again.")
            return await self.draw_requests()
        today = dt.date.today()
        book = StatusBook(self.services.data)
        try:
            await asyncio.to_thread(
                book.mark, row.id, MARKS[status], today, key, note.strip() or None
            )
        except KeyProblem as exc:
            self.say(f"Not marked: {exc}.")
            return await self.draw_requests()
        log.info("a request to talk was marked %s in a console session", status)
        who = row.name if row.name != NOT_GIVEN else "A pupil"
        self.say(f"{who} ({row.class_name}): marked {status} on {long_day(today)}.")
        await self.draw_requests()

    async def download_requests(self, kind: str) -> None:
        opened = self._requests
        if opened is None or opened.rows is None or kind not in REQUEST_FILES:
            return await self.draw_requests()
        rows = opened.rows
        school = self._reason_words()[0]
        epoch, folder = self._epoch, self.session_folder()
        today = dt.date.today()
        path = folder / f"requests-{today.isoformat()}{kind}"

        def make() -> None:
            body = requests_csv(rows) if kind == ".csv" else requests_html(school, rows, today)
            write_bytes_atomic(path, body)

        await asyncio.to_thread(make)
        if not self.still(epoch):  # locked while it was made: no file with names stays
            path.unlink(missing_ok=True)
            return None
        url = self.downloads.offer(path)
        self.say(
            f"Downloading {REQUEST_FILES[kind]}. This file holds names: keep it on school systems."
        )
        await self.draw_requests()
        await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")
