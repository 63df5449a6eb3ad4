"""Tablets that come back: after a Wi-Fi drop, and after the kiosk itself restarted.

Flet 1.0.5's web client reconnects by itself, with the session id it keeps in the
tab's sessionStorage, but the page it then shows stops responding:

* **Back to its own session** (a Wi-Fi drop): the server sends the whole page again
  and the client applies it to the tree it still holds; later changes reach the
  server but are never drawn. A page *loaded afresh* joins the same session and
  works, so :class:`~kiosk.ui.session.PupilSession` answers a reconnect by loading
  the page again (at a route that says it did), then carries on where it was.
* **Its session is gone** (the kiosk restarted): the server starts a new session
  and the client lays its first screen over the old one. Flet gives the new
  session no sign that the client had one before, so :func:`install` notes it when
  Flet looks the old id up and finds nothing; :func:`came_back_to_nothing` tells
  the new session, which then loads the page afresh and says the kiosk restarted.

Reported upstream in words (see docs/tablets.md): REGISTER_CLIENT on a live client
should either reset the client's page or be refused so that the client reloads.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
from collections.abc import Callable
from typing import Any

import flet as ft
import flet_web.fastapi as flet_fastapi
from flet_web.fastapi.flet_app import FletApp

from surveys.idle import IdleTimer

log = logging.getLogger("esafety.kiosk")

__all__ = ["ComingBack", "came_back_to_nothing", "install"]

_CAME_BACK_TO_NOTHING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "esafety_came_back_to_nothing", default=False
)
#: The Flet connection (one browser page's websocket) this task serves.
_CONNECTION: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "esafety_connection", default=None
)
_installed = False


def install(session_timeout: int) -> None:
    """Watch Flet's session look-ups (once per process).

    Also: a page that registers with the id of a session still attached to another
    connection (the page before a reload, not yet seen to be gone) takes the session
    over, instead of Flet starting a new, empty one; and that older connection, when it
    ends, no longer detaches the session from the newer one.
    """
    global _installed
    if _installed:
        return
    manager: Any = flet_fastapi.app_manager
    look_up, detach = manager.get_session, manager.disconnect_session
    handle = FletApp.handle

    async def handle_here(self: Any, websocket: Any) -> None:
        _CONNECTION.set(self)
        await handle(self, websocket)

    async def get_session(session_id: str) -> Any:
        # Flet looks a client's old session up only when the client sent one.
        found = await look_up(session_id)
        if found is None:
            _CAME_BACK_TO_NOTHING.set(True)  # seen by the session Flet starts next
        elif _taken_over(found):
            await found.disconnect(session_timeout)  # then Flet attaches it to this page
        return found

    async def disconnect_session(session_id: str, timeout: int) -> None:
        found = await look_up(session_id)
        if found is not None and _taken_over(found):
            return  # a newer page has this session now: leave it attached
        await detach(session_id, timeout)

    FletApp.handle = handle_here
    manager.get_session = get_session
    manager.disconnect_session = disconnect_session
    _installed = True


def _taken_over(session: Any) -> bool:
    me = _CONNECTION.get()
    return me is not None and session.connection is not None and session.connection is not me


def came_back_to_nothing() -> bool:
    """Did this new session's client come with a session this kiosk no longer has?"""
    return _CAME_BACK_TO_NOTHING.get()


class ComingBack:
    """The pupil session's half that keeps a tablet's place across a drop or a restart."""

    page: ft.Page
    view: str
    idle: IdleTimer
    _redraw: Callable[[], None]

    def __init__(self) -> None:
        #: The tablet's connection is up (a Wi-Fi drop leaves the session, and its pupil).
        self.connected = True
        self._fresh_route = ""
        self._restarted = False

    def t(self, key: str, **values: Any) -> str:
        raise NotImplementedError

    async def after_start(self) -> None:
        """Called once the first screen is drawn: a client from before a restart reloads."""
        if came_back_to_nothing():
            self._restarted = True
            await self._load_afresh()

    def dropped(self, _e: Any = None) -> None:
        """The Wi-Fi went: keep the pupil's place until they are back or the idle reset."""
        self.connected = False
        log.info("a tablet lost its connection; its place is kept until the idle reset")

    async def came_back(self, _e: Any = None) -> None:
        """The tablet reconnected to this session: load its page afresh, then carry on.

        The first time it comes back by itself it is told to load the page again (at a
        route that says so); the fresh page joins this same session and is drawn whole,
        with a line saying it is connected again (or that the kiosk restarted).
        """
        self.connected = True
        self.idle.touch()
        if self.page.route != self._fresh_route:
            await self._load_afresh()
            return
        if self._restarted or self.view != "start":
            self._redraw()
            said = "kiosk_restarted" if self._restarted else "connected_again"
            self._restarted = False
            self.page.show_dialog(ft.SnackBar(ft.Text(self.t(said), size=22), duration=10_000))

    async def _load_afresh(self) -> None:
        self._fresh_route = f"/again-{secrets.token_hex(4)}"
        await ft.UrlLauncher().launch_url(self._fresh_route, web_only_window_name="_self")
