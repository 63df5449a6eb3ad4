"""What the request intruder tests share: a kiosk that takes requests, and its talk screens
drawn without a browser.

:func:`with_requests` gives a kiosk from :func:`tests.intruder_helpers.make_kiosk` the
request store the kiosk app gives it. :class:`PagelessTalk` is the real
:class:`~kiosk.ui.talk_desk.TalkDesk` (the session's talk half) with no page: it keeps
every screen it would draw, so a test reads what the pupil (or the next one) sees.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flet as ft
import nacl.exceptions

from kiosk.cli.requests import build_rows
from kiosk.ui.host import KioskView
from kiosk.ui.services import KioskServices
from kiosk.ui.talk_desk import TalkDesk
from surveys.keys import KeyProblem, SchoolKey
from surveys.model import AgeBand
from surveys.requests.model import HelpRequest, Reason
from surveys.requests.store import RequestStore
from tests.intruder_helpers import Kiosk, require

NAME, CLASS = "Zebedee", "5Q"


def with_requests(k: Kiosk) -> RequestStore:
    """Give the kiosk its request store, as the kiosk app does; returns it (to close)."""
    store = RequestStore(k.data)
    k.services.requests = store
    k.services.sync.requests = store
    return store


def texts_of(controls: list[Any]) -> list[str]:
    """Every string a screen shows (Text values, labels, field values), however nested."""
    out, stack = [], list(controls)
    while stack:
        c = stack.pop()
        for attr in ("value", "text", "label", "content"):
            v = getattr(c, attr, None)
            if isinstance(v, str):
                out.append(v)
            elif attr == "content" and v is not None:
                stack.append(v)
        stack.extend(getattr(c, "controls", None) or [])
    return out


class PagelessTalk(TalkDesk):
    """The talk half of a tablet's session, with no page: it notes each screen it draws."""

    def __init__(self, services: KioskServices) -> None:
        TalkDesk.__init__(self)
        self.services = services
        self._message = ""
        self._redraw = self.show_start
        self.view = "start"
        self.drawn: list[tuple[str, list[ft.Control]]] = []

    @property
    def kiosk(self) -> KioskView:
        sv = self.services
        return KioskView(
            school=sv.library.school,
            offers_survey=True,
            offers_agreements=False,
            is_set_up=True,
            has_questionnaire=True,
            parents=False,
            can_sign=False,
            can_pass_on_requests=sv.can_pass_on_requests(),
            young=sv.settings.band == AgeBand.AGES_4_7,
        )

    @property
    def message(self) -> str:
        return self._message

    def t(self, key: str, **values: Any) -> str:
        return self.services.library.strings.get(key, **values)

    def on(self, action: Callable[[], Any]) -> Callable[[Any], Any]:
        return lambda _e: action()

    def on_async(self, action: Callable[[], Any]) -> Callable[[Any], Any]:
        return lambda _e: action()

    def touch(self) -> None:
        pass

    def show_start(self) -> None:
        self.view = "start"
        self._redraw = self.show_start
        self.drawn.append(("start", []))

    def render(self, view: str, body: list[ft.Control], *, staff_button: bool = False) -> None:
        self.view = view
        self.drawn.append((view, body))

    def shown(self) -> list[str]:
        """What the screen drawn last shows."""
        return texts_of(self.drawn[-1][1])

    def send(self, first_name: str, class_name: str) -> None:
        """The pupil types into the two boxes and presses Send (the save runs off the loop)."""
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a loop of its own
            pool.submit(lambda: asyncio.run(self.send_talk(first_name, class_name))).result()


def ask(k: Kiosk, name: str = NAME, klass: str = CLASS) -> PagelessTalk:
    """A pupil presses the talk button, types, picks a reason and presses Send."""
    desk = PagelessTalk(k.services)
    desk.ask_to_talk()
    require(desk.view == "talk", "the talk form is drawn")
    assert desk.talk is not None
    desk.talk.choose(Reason.UNKIND)
    desk.send(name, klass)
    return desk


def every_byte(*roots: Path) -> bytes:
    return b"".join(p.read_bytes() for r in roots for p in sorted(r.rglob("*")) if p.is_file())


class AnswersForTheHub:
    """A machine on the school network that answers pushes in the hub's place (ARP or DNS)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if url.endswith("/push"):
            return 200, b'{"added": 0, "already": 0, "signatures_added": 0}'
        return self.inner.post(url, body, headers)  # type: ignore[no-any-return]


def opens_with(record: Any, private: Any) -> bool:
    try:
        SchoolKey(private).open(base64.b64decode(record.sealed))
    except (KeyProblem, ValueError, nacl.exceptions.CryptoError):
        return False
    return True


def names_in(obj: Any) -> bool:
    """Does anything the desk (or its form) holds still say the name or class?"""
    state = {k: v for k, v in vars(obj).items() if k != "drawn"}  # the test's own record
    held = repr(state) + (repr(vars(obj.talk)) if getattr(obj, "talk", None) else "")
    return NAME in held or f"'{CLASS}'" in held


def lead_rows(requests: list[HelpRequest]) -> list[Any]:
    return build_rows(requests, {}, {}, {r: r.value for r in Reason})
