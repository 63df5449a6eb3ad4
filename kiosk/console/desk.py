"""One lead's console session in one browser tab: the door, the places, the idle lock.

The session starts locked. It asks for the lead's password (or, the first time, for a
new one), then shows Home. After :data:`~kiosk.console.services.IDLE_LOCK_SECONDS`
without a tap, on Lock, or as soon as its page goes (tab closed or reloaded, laptop
asleep), it locks: the school's private key (if it was unlocked here) and any files
made for download are forgotten, and the password is asked again. Flet keeps a session
a minute for its page to come back, and a reopened tab comes back to the same session:
it finds the door, never the key. Every call that reads files, hashes or opens the key
runs off the UI loop (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import flet as ft

from kiosk.console.files import Downloads
from kiosk.console.host import PLACES, Handler, KeyState
from kiosk.console.register_desk import RegisterDesk
from kiosk.console.report_desk import ReportDesk
from kiosk.console.requests_desk import RequestsDesk
from kiosk.console.screens import door, home, kiosks
from kiosk.console.services import ConsoleServices
from kiosk.console.widgets import frame
from kiosk.ui.theme import PALETTE
from surveys.keys import KeyProblem
from surveys.sync.bundle import BundleRefused

__all__ = ["ConsoleDesk"]

log = logging.getLogger("esafety.console")


class ConsoleDesk(RequestsDesk, ReportDesk, RegisterDesk):
    """The one real :class:`~kiosk.console.host.ConsoleHost`."""

    def __init__(self, page: ft.Page, services: ConsoleServices, downloads: Downloads) -> None:
        self.page = page
        self.services = services
        self.downloads = downloads
        self.school_key = None
        self.answers = None
        self._message = ""
        self._signed_in = False
        self._place = "home"
        self._pairing: tuple[str, bytes] | None = None
        self._last_tap = time.monotonic()
        self._folder: Path | None = None  # this session's downloads, made on first use
        self._ended = False
        self._key_file = str(services.key_file or "")

    # -- the host's attributes -------------------------------------------------------

    @property
    def message(self) -> str:
        return self._message

    @property
    def key(self) -> KeyState:
        fp = self.school_key.fingerprint if self.school_key else ""
        return KeyState(self.school_key is not None, self._key_file, fp)

    def touch(self) -> None:
        self._last_tap = time.monotonic()

    def on(self, action: Callable[[], Any]) -> Handler:
        def handler(_e: Any) -> Any:
            self.touch()
            return action()

        return handler

    def on_async(self, action: Callable[[], Awaitable[Any]]) -> Handler:
        async def handler(_e: Any) -> None:
            self.touch()
            await action()

        return handler

    # -- start, draw, lock -----------------------------------------------------------

    async def start(self) -> None:
        page = self.page
        page.title = f"{self.services.school_name()} — e-safety lead"
        page.bgcolor = PALETTE.background
        page.padding = 0
        page.spacing = 0
        page.scroll = ft.ScrollMode.AUTO
        page.horizontal_alignment = ft.CrossAxisAlignment.STRETCH
        page.theme = ft.Theme(color_scheme_seed=PALETTE.primary)
        page.on_close = self._closed
        page.on_disconnect = self._disconnected
        page.on_connect = self._connected
        page.run_task(self._watch_idle)
        self._show_door()

    def render(self, place: str, body: list[ft.Control]) -> None:
        if not self._signed_in:  # a draw that finished after a lock: the door stays
            return
        self._place = place
        self.page.controls[:] = frame(self, self.services.school_name(), place, body)
        self._message = ""
        self.page.update()

    def _door(self, body: list[ft.Control]) -> None:
        self.page.controls[:] = frame(self, self.services.school_name(), "", body)
        self._message = ""
        self.page.update()

    def _show_door(self, why: str = "") -> None:
        school = self.services.school_name()
        if self.services.password.is_set():
            self._door(door.build_sign_in(self, school, why))
        else:
            self._door(door.build_choose_password(self, school))

    def lock(self, why: str = "Locked. Sign in to carry on.") -> None:
        """Forget the key, this session's files and the place; ask for the password."""
        self._forget()
        self._signed_in = False
        self._pairing = None
        self._show_door(why)

    def _forget(self) -> None:
        self._epoch += 1
        self.school_key = None
        self.answers = None
        self.forget_personal()
        self.forget_reports()
        if self._folder is not None:
            self.downloads.forget(self._folder)
            self._folder = None

    def session_folder(self) -> Path:
        """This session's private folder for files to download (emptied on lock)."""
        if self._folder is None:
            self._folder = self.downloads.new_folder()
        return self._folder

    async def _watch_idle(self) -> None:
        limit = self.services.idle_lock
        while not self._ended:
            await asyncio.sleep(min(5.0, limit / 5))
            if self._signed_in and time.monotonic() - self._last_tap >= limit:
                minutes = round(limit / 60)
                after = f"{minutes} minutes" if minutes else f"{round(limit)} seconds"
                self.lock(
                    f"Locked after {after} without a tap: the school's key was forgotten. "
                    "Sign in to carry on."
                )

    def _disconnected(self, _e: Any = None) -> None:
        """The page went: lock now, so a page that takes this session over finds the door."""
        self._forget()
        self._signed_in = False
        self._pairing = None
        # Drawn, not sent (there is no page to send to): a page that comes back is sent
        # the door whole, never the screen the lead left.
        self.page.controls[:] = frame(self, self.services.school_name(), "", [])

    def _connected(self, _e: Any = None) -> None:
        """A page took this session over (a reload, a reopened tab): the door, drawn anew."""
        if not self._signed_in:
            self._show_door(
                "Locked when the page closed: the school's key was forgotten. Sign in to carry on."
            )

    def _closed(self, _e: Any = None) -> None:
        self._ended = True
        self._signed_in = False
        self._forget()

    # -- the door ----------------------------------------------------------------------

    async def choose_password(self, password: str, again: str) -> None:
        school = self.services.school_name()
        problem = await asyncio.to_thread(self.services.password.choose, password, again, [school])
        if problem:
            self.say(problem)
            self._door(door.build_choose_password(self, school))
            return
        log.info("the lead's console password was set")
        self._signed_in = True
        await self.go("home")

    async def sign_in(self, password: str) -> None:
        if await asyncio.to_thread(self.services.password.check, password):
            self._signed_in = True
            self.touch()
            await self.go("home")
            return
        wait = self.services.password.wait_seconds()
        self.say(
            f"Wrong password. Too many tries: wait {wait} seconds before the next."
            if wait
            else "Wrong password. Try again."
        )
        self._show_door()

    # -- places -----------------------------------------------------------------------

    async def go(self, place: str) -> None:
        if not self._signed_in:
            self._show_door()
            return
        if place not in dict(PLACES):
            place = "home"
        if place in ("home", "kiosks"):
            view = await asyncio.to_thread(self.services.overview)
            if place == "home":
                self.render("home", home.build_home(self, view))
            else:
                self.render("kiosks", kiosks.build_kiosks(self, view, self._pairing))
            return
        draw = {
            "requests": self.draw_requests,
            "trends": self.draw_trends,
            "downloads": self.draw_downloads,
            "agreements": self.draw_agreements,
            "content": self.draw_content,
        }[place]
        await draw()

    async def unlock_key(self, passphrase: str, key_file: str) -> None:
        if not self._signed_in:
            self._show_door()
            return
        self._key_file = key_file.strip()
        if not self._key_file:
            self.say("Say where the school's private key file is (school-private-key.json).")
        else:
            try:
                self.school_key, self.answers = await asyncio.to_thread(
                    self.services.open_key, Path(self._key_file), passphrase
                )
                log.info("the school's key was unlocked in a console session")
            except (KeyProblem, ValueError) as exc:
                self.say(str(exc))
        await self.go(self._place)

    # -- kiosks -----------------------------------------------------------------------

    async def new_pairing_code(self) -> None:
        if not self._signed_in:
            return self._show_door()
        try:
            made = await asyncio.to_thread(self.services.pairing)
            self._pairing = (made.text, made.qr_png)
        except BundleRefused as exc:
            self.say(str(exc))
        await self.go("kiosks")

    async def forget_kiosk(self, kiosk_id: str) -> None:
        if not self._signed_in:
            return self._show_door()
        if await asyncio.to_thread(self.services.hub.forget, kiosk_id):
            self.say(f"{kiosk_id} is forgotten: pair it again for it to send more.")
        await self.go("kiosks")

    async def remove_record(self, record_id: str) -> None:
        if not self._signed_in:
            return self._show_door()
        rid = record_id.strip().lower()
        if len(rid) != 32 or any(c not in "0123456789abcdef" for c in rid):
            self.say("That is not a record id: 32 letters and digits, as the export named it.")
        else:
            kind = await asyncio.to_thread(self.services.hub.remove, rid)
            self.say(f"Took out a {kind}." if kind else "No record here has that id.")
        await self.go("kiosks")
