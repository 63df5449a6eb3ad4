"""One browser connection = one pupil session: which screen is showing, and the idle watch.

This is the :class:`~kiosk.ui.host.Host` the screens (``kiosk.ui.screens``) talk
to: it hands them what to show, takes their messages, makes one call into the
core per action (anything blocking off the UI loop), and redraws.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import flet as ft

from kiosk.ui.host import Handler, KioskView
from kiosk.ui.morph import morph
from kiosk.ui.reconnect import ComingBack
from kiosk.ui.screens import agreement, intro, questions, start, stop, thanks
from kiosk.ui.screens import help as help_screen
from kiosk.ui.services import KioskServices
from kiosk.ui.staff_desk import StaffDesk
from kiosk.ui.talk_desk import TalkDesk
from kiosk.ui.theme import PALETTE, quiet_button
from surveys.agreements.signing import SigningFlow, SigningStep
from surveys.flow import QuestionnaireFlow, Step
from surveys.idle import IdleState, IdleTimer
from surveys.keys import KeyProblem
from surveys.model import AgeBand, Audience, HelpRoute, Questionnaire, SealedResponse

__all__ = ["PupilSession"]

log = logging.getLogger("esafety.kiosk")

#: The screens a pupil taps through, Start to Thank you: each morphed into the last.
PUPIL = "pupil"


class PupilSession(StaffDesk, TalkDesk, ComingBack):
    """The screens one tablet shows, from Start to Thank you and back."""

    def __init__(self, page: ft.Page, services: KioskServices) -> None:
        self.page = page
        self.services = services
        self.strings = services.library.strings
        self.flow: QuestionnaireFlow | None = None
        self.signing: SigningFlow | None = None
        self.saving = False  # a save is under way: redraws keep Confirm disabled
        self._sealed: SealedResponse | None = None  # this pupil's response, sealed once
        self.idle = IdleTimer(services.idle, services.clock)
        self.view = "start"
        self.alive = True
        #: The tablet's connection is up (Wi-Fi drops leave the session, and its pupil, here).
        ComingBack.__init__(self)
        self._warning: ft.AlertDialog | None = None
        self._redraw: Callable[[], None] = self.show_start
        self._shown: ft.Control | None = None  # what the page shows, and which kind of screen
        self._shown_kind = ""
        StaffDesk.__init__(self)
        TalkDesk.__init__(self)

    # -- what screens read (attributes down) ----------------------------------------

    def t(self, key: str, **values: Any) -> str:
        return self.strings.get(key, **values)

    @property
    def kiosk(self) -> KioskView:
        sv = self.services
        return KioskView(
            school=sv.library.school,
            offers_survey=sv.offers_survey(),
            offers_agreements=sv.offers_agreements(),
            is_set_up=sv.is_set_up(),
            has_questionnaire=sv.questionnaire() is not None and sv.can_take_answers(),
            parents=sv.settings.audience == Audience.PARENTS,
            can_sign=sv.can_sign(),
            can_pass_on_requests=sv.can_pass_on_requests(),
            young=sv.settings.band == AgeBand.AGES_4_7,
        )

    def help_routes(self, questionnaire: Questionnaire | None) -> list[HelpRoute]:
        return self.services.help_routes(questionnaire)

    def touch(self) -> None:
        self.idle.touch()

    async def start(self) -> None:
        page = self.page
        page.title = self.t("app_title")
        page.bgcolor = PALETTE.background
        page.padding = 24
        page.theme = ft.Theme(color_scheme_seed=PALETTE.primary)
        page.horizontal_alignment = ft.CrossAxisAlignment.STRETCH
        page.on_disconnect = self.dropped
        page.on_connect = self.came_back
        page.on_close = self._gone
        self.show_start()
        page.run_task(self._watch_idle)
        await self.after_start()

    def _gone(self, _e: Any = None) -> None:
        self.alive = False
        self.flow = None
        self.signing = None
        self.forget_talk()

    # -- handlers: every touch counts as activity -------------------------------

    def on(self, action: Callable[[], Any]) -> Handler:
        """A click handler that records activity, then runs ``action``."""

        def handler(_e: Any) -> Any:
            self.idle.touch()
            return action()

        return handler

    def on_async(self, action: Callable[[], Any]) -> Handler:
        async def handler(_e: Any) -> None:
            self.idle.touch()
            await action()

        return handler

    # -- layout -----------------------------------------------------------------

    def render(
        self, view: str, body: list[ft.Control], *, staff_button: bool = False, kind: str = ""
    ) -> None:
        """Show one screen (a top bar and a centred body) in place of the last.

        A screen of the same ``kind`` as the one shown (:data:`PUPIL`: Start, the
        questions, Finish, Thank you) is morphed into it (:func:`~kiosk.ui.morph.morph`):
        only what differs is sent.
        """
        self.view = view
        left: list[ft.Control] = []
        if staff_button:
            left.append(
                ft.TextButton(
                    content=ft.Text(self.t("staff_button"), size=18, color=PALETTE.muted),
                    on_click=self.on(self.show_staff),
                    height=56,
                )
            )
        top = ft.Row(
            [
                *left,
                ft.Container(expand=True),
                quiet_button(
                    self.t("help_button"),
                    self.on(self.show_help),
                    icon=ft.Icons.SUPPORT_AGENT,
                    size=24,
                ),
            ]
        )
        page_body = ft.Column(
            body,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            alignment=ft.MainAxisAlignment.CENTER,
            spacing=28,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )
        screen: ft.Control = ft.Column(
            [top, page_body], expand=True, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        )
        shown = self._shown
        if kind and kind == self._shown_kind and shown is not None:
            screen = morph(shown, screen)
        if screen is not shown:
            self.page.controls[:] = [screen]
        self._shown, self._shown_kind = screen, kind
        self.page.update()
        if screen is shown:  # morphed: the pupil may have scrolled the last screen down
            self.page.run_task(screen.controls[-1].scroll_to, offset=0)  # type: ignore[attr-defined]

    # -- screens ------------------------------------------------------------------

    def show_start(self) -> None:
        self._redraw = self.show_start
        self.render("start", start.build(self), staff_button=True, kind=PUPIL)

    def begin(self) -> None:
        q = self.services.questionnaire()
        if q is None or not self.services.can_take_answers():
            self.show_start()
            return
        self.flow = QuestionnaireFlow(
            q,
            kiosk_id=self.services.settings.kiosk_id,
            year_group=self.services.settings.year_group,
            clock=self.services.clock,
        )
        self.show_flow()

    def show_flow(self) -> None:
        """Draw whichever step the flow is at."""
        self._redraw = self.show_flow
        flow = self.flow
        if flow is None:
            self.show_start()
        elif flow.step == Step.INTRO:
            self.render("flow", intro.build_intro(self, flow), kind=PUPIL)
        elif flow.step == Step.RIGHTS:
            self.render("flow", intro.build_rights(self, flow), kind=PUPIL)
        elif flow.step == Step.QUESTION:
            self.render("flow", questions.build_question(self, flow), kind=PUPIL)
        elif flow.step == Step.FINISH:
            self.render("flow", questions.build_finish(self, flow), kind=PUPIL)
        elif flow.step == Step.STOPPING:
            self.render("flow", stop.build_confirm(self, flow))
        elif flow.step == Step.STOPPED:
            self.render("stopped", stop.build_stopped(self, flow))
        else:
            self.render("thanks", thanks.build(self, flow), kind=PUPIL)

    def flow_action(self, action: Callable[[QuestionnaireFlow], Any]) -> Handler:
        """A handler that applies one flow step and redraws."""

        def run() -> None:
            if self.flow is not None:
                action(self.flow)
            self.show_flow()

        return self.on(run)

    async def finish(self) -> None:
        """Seal, save durably (off the UI loop), and only then say thank you.

        The response is sealed once: a retry after a failed save sends the same
        sealed record, so a save that did land is not refused as a conflict.
        """
        flow = self.flow
        if flow is None or flow.step != Step.FINISH:
            return
        response = flow.finish()
        try:
            if self._sealed is None or self._sealed.id != response.id:
                self._sealed = self.services.seal_response(response)
        except KeyProblem as exc:  # the key went bad meanwhile: never a weaker one
            log.error("sealing a response failed: %s", type(exc).__name__)
            self.render("flow", questions.build_finish(self, flow, failed=True))
            return
        record = self._sealed
        self.render("flow", questions.build_finish(self, flow, saving=True), kind=PUPIL)
        try:
            await asyncio.to_thread(self.services.save_response, record)
        except Exception:
            log.exception("saving a response failed")
            if self.flow is flow:
                self.render("flow", questions.build_finish(self, flow, failed=True))
            return
        if self.flow is flow:  # not reset while saving
            flow.saved()
            self._sealed = None
            self.show_flow()

    def stop_survey(self) -> None:
        """Forget this pupil's answers (and any sealed copy of them); save nothing."""
        flow = self.flow
        if flow is None or flow.step != Step.STOPPING:
            return
        flow.stop()
        self._sealed = None
        self._message = ""
        self.show_flow()

    # -- signing an agreement -------------------------------------------------------

    def begin_signing(self) -> None:
        if not self.services.can_sign():
            self.show_start()
            return
        self._message = ""
        self.signing = SigningFlow(
            self.services.agreements,
            kiosk_id=self.services.settings.kiosk_id,
            clock=self.services.clock,
        )
        self.show_signing()

    def show_signing(self) -> None:
        """Draw whichever step the signing flow is at."""
        self._redraw = self.show_signing
        f = self.signing
        if f is None:
            self.show_start()
            return
        builders = {
            SigningStep.WHO: agreement.build_who,
            SigningStep.YEAR: agreement.build_year,
            SigningStep.READ: agreement.build_read,
            SigningStep.DETAILS: agreement.build_details,
            SigningStep.SIGN: agreement.build_sign,
            SigningStep.REVIEW: agreement.build_review,
        }
        if f.step == SigningStep.THANKS:
            self.render("thanks", agreement.build_thanks(self))
        elif f.step == SigningStep.REVIEW:
            self.render("signing", agreement.build_review(self, f, saving=self.saving))
        else:
            self.render("signing", builders[f.step](self, f))

    def signing_action(self, action: Callable[[SigningFlow], str | None]) -> Handler:
        """A handler that applies one signing step and redraws.

        ``action`` may return a string key: the line to show (what is still missing).
        """

        def run() -> None:
            if self.signing is not None:
                self._message = ""
                problem = action(self.signing)
                if problem:
                    self._message = self.t(problem)
            self.show_signing()

        return self.on(run)

    async def confirm_signature(self) -> None:
        """Seal and save durably (off the UI loop); only then say thank you."""
        f = self.signing
        if f is None or f.step != SigningStep.REVIEW or self.saving:
            return
        signature = f.finish()
        self.saving = True
        self.render("signing", agreement.build_review(self, f, saving=True))
        try:
            await asyncio.to_thread(self.services.save_signature, signature)
        except Exception as exc:
            # Never log the exception's text: it could quote the signature.
            log.error("saving a signature failed: %s", type(exc).__name__)
            if self.signing is f:
                self.render("signing", agreement.build_review(self, f, failed=True))
            return
        finally:
            self.saving = False
        if self.signing is f and f.step == SigningStep.REVIEW:
            f.saved()
            self.show_signing()

    def show_help(self) -> None:
        back = self._redraw  # Close returns to whatever was showing
        flow = self.flow
        q = flow.questionnaire if flow else self.services.questionnaire()
        # Help tapped on a question: the routes for its topic come first. While an
        # agreement is being signed, the cards follow the signer, not the tablet.
        here = flow.question if flow is not None and flow.step == Step.QUESTION else None
        routes = self.services.help_routes(q, here, signing=self.signing)
        self.render("help", help_screen.build(self, routes, self.on(back)))

    # -- idle ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget this pupil: answers, dialogs, and everything drawn."""
        if self.flow is not None:
            self.flow.reset()
        self.flow = None
        self._sealed = None
        if self.signing is not None:
            self.signing.reset()
        self.signing = None
        self.saving = False
        self.forget_talk()
        self._message = ""
        if self._warning is not None:
            self._warning = None
            self.page.pop_dialog()
        self.idle.touch()
        self.show_start()

    def _still_here(self) -> None:
        self._warning = None
        self.page.pop_dialog()

    async def _watch_idle(self) -> None:
        policy = self.services.idle
        tick = max(0.2, min(1.0, policy.warn_after / 4))
        while self.alive:
            await asyncio.sleep(tick)
            if self.view == "start":
                self.idle.touch()
                continue
            try:
                state = self.idle.state()
                if state == IdleState.RESET:
                    self.reset()
                elif state == IdleState.WARN and self._warning is None and self.connected:
                    self._warning = help_screen.idle_warning(self, self.on(self._still_here))
                    self.page.show_dialog(self._warning)
            except Exception:  # the page went away between ticks
                log.debug("idle watch stopped", exc_info=True)
                self.alive = False
