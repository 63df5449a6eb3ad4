"""The "I'd like to talk to someone" half of a tablet's session: the form, Send, Go back.

:class:`TalkDesk` holds the talk messages of the :class:`~kiosk.ui.host.Host`
protocol; :class:`~kiosk.ui.session.PupilSession` is built on it. The request
is sealed and saved off the UI loop; once it is saved nothing of it stays in
the session, and "Go back" redraws exactly the screen the pupil came from (the
same question, their answers kept). An idle reset forgets a half-filled form.
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

import flet as ft

from kiosk.ui.host import Handler, Host
from kiosk.ui.screens import talk
from kiosk.ui.services import KioskServices
from surveys.requests.limit import TooManyRequests
from surveys.requests.model import RequestProblem, TalkForm, TalkStep

__all__ = ["TalkDesk"]

log = logging.getLogger("esafety.kiosk")

#: What to tell the pupil when what they typed will not do (by RequestProblem code).
TYPING_PROBLEM = {
    "first_name_too_long": "talk_name_too_long",
    "class_name_too_long": "talk_class_too_long",
    "first_name_not_text": "talk_not_text",
    "class_name_not_text": "talk_not_text",
}


class TalkDesk(Host):
    """Talk messages: the pupil's request to a trusted adult, from the button to Go back."""

    # Set by the session this is part of.
    services: KioskServices
    _redraw: Callable[[], None]
    _message: str

    def __init__(self) -> None:
        self.talk: TalkForm | None = None
        self._talk_saving = False
        self._talk_failed = False
        self._talk_return: Callable[[], None] | None = None

    @abstractmethod
    def render(self, view: str, body: list[ft.Control], *, staff_button: bool = False) -> None:
        """Replace the page with one screen (the session draws it)."""

    def ask_to_talk(self) -> None:
        if self.talk is None:
            self._talk_return = self._redraw  # where "Go back" returns to
        self.talk = TalkForm()
        self._message = ""
        self._talk_failed = False
        self.show_talk()

    def show_talk(self) -> None:
        self._redraw = self.show_talk  # Help's Close comes back here
        form = self.talk
        if form is None:
            self.talk_back()
        elif form.step == TalkStep.SENT:
            self.render("talk", talk.build_sent(self))
        else:
            self.render(
                "talk",
                talk.build_form(self, form, saving=self._talk_saving, failed=self._talk_failed),
            )

    def talk_action(self, action: Callable[[TalkForm], Any]) -> Handler:
        def run() -> None:
            if self.talk is not None:
                self._message = ""
                action(self.talk)
            self.show_talk()

        return self.on(run)

    async def send_talk(self, first_name: str, class_name: str) -> None:
        form = self.talk
        if form is None or form.step != TalkStep.FORM or self._talk_saving:
            return
        form.keep(first_name, class_name)
        settings = self.services.settings
        try:
            request = form.request(settings.kiosk_id, settings.band, self.services.clock.today())
        except RequestProblem as exc:
            self._message = self.t(TYPING_PROBLEM.get(exc.code, "talk_not_text"))
            self.show_talk()
            return
        self._message, self._talk_failed, self._talk_saving = "", False, True
        self.show_talk()
        try:
            await asyncio.to_thread(self.services.save_request, request)
        except TooManyRequests:
            log.warning("a request to talk was over the kiosk's limit and not stored")
            self._talk_saving = False
            if self.talk is form:
                self._message = self.t("talk_too_many")
                self.show_talk()
            return
        except Exception as exc:
            # Never log the exception's text: it could quote the name.
            log.error("saving a request to talk failed: %s", type(exc).__name__)
            self._talk_saving = False
            if self.talk is form:  # not reset while saving: keep what was typed, to retry
                self._talk_failed = True
                self.show_talk()
            return
        self._talk_saving = False
        if self.talk is form:
            form.sent()
            self.show_talk()

    def talk_back(self) -> None:
        back = self._talk_return
        self.forget_talk()
        (back or self.show_start)()

    def forget_talk(self) -> None:
        """Forget the form and what was typed in it (idle reset, or leaving it)."""
        if self.talk is not None:
            self.talk.reset()
        self.talk = None
        self._talk_saving = self._talk_failed = False
        self._talk_return = None
