"""The staff side of a tablet's session: PIN, settings, signing key and sync.

:class:`StaffDesk` holds the staff messages of the :class:`~kiosk.ui.host.Host`
protocol; :class:`~kiosk.ui.session.PupilSession` is built on it. Every call
that reads many files, hashes a PIN, writes settings or reaches the hub runs
off the UI loop (``asyncio.to_thread``), so the other tablets never wait.
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import Callable

import flet as ft

from kiosk.ui.host import Host, StaffView, SyncView
from kiosk.ui.origin import loopback
from kiosk.ui.screens import staff
from kiosk.ui.services import KioskServices
from surveys.keys import KeyProblem
from surveys.model import AgeBand, Audience
from surveys.storage.responses import live_count
from surveys.storage.settings import PIN_RULE, valid_pin
from surveys.sync.pairing import PairingProblem

__all__ = ["StaffDesk"]

log = logging.getLogger("esafety.kiosk")


def is_loopback(address: str | None) -> bool:
    """127.0.0.0/8, ::1, or 127.x written as IPv6 (what this computer's own browser uses)."""
    return bool(address) and loopback(str(address))


class StaffDesk(Host):
    """Staff messages and what the staff screens are shown: the staff half of a session."""

    # Set by the session this is part of.
    page: ft.Page
    services: KioskServices
    view: str
    _redraw: Callable[[], None]

    def __init__(self) -> None:
        self._message = ""  # one line of feedback on the screen being drawn
        self._counts = (0, 0)
        self._signature_count = 0
        self._request_count = 0
        self._sync_pending = (0, 0)
        self._sealed_elsewhere = 0
        self._sync_message = ""

    @property
    def message(self) -> str:
        return self._message

    @abstractmethod
    def render(self, view: str, body: list[ft.Control], *, staff_button: bool = False) -> None:
        """Replace the page with one screen (the session draws it)."""

    # -- staff --------------------------------------------------------------------

    def show_staff(self) -> None:
        self._redraw = self.show_staff
        self._message = ""
        if self.services.settings.pin is None:
            if not self.on_kiosk_computer():
                self._message = self.t("staff_first_pin_here")
            self.render("staff", staff.build_choose_pin(self))
        else:
            self.render("staff", staff.build_pin(self))

    def on_kiosk_computer(self) -> bool:
        """Whether this tablet is the kiosk computer itself (its browser, on 127.0.0.1 or ::1).

        The address is the websocket's own, which no page can choose; the first PIN
        is set only from here (see docs/privacy.md, "The staff PIN")."""
        return is_loopback(getattr(self.page, "client_ip", None))

    async def choose_pin(self, pin: str, again: str) -> None:
        if self.services.settings.pin is not None:  # set meanwhile, on another tablet
            self._message = self.t("staff_pin_set_already")
            self.render("staff", staff.build_pin(self))
            return
        if not self.on_kiosk_computer():
            self._message = self.t("staff_first_pin_here")
        elif not valid_pin(pin):
            self._message = self.t("staff_pin_rule_broken", rule=PIN_RULE)
        elif pin != again:
            self._message = self.t("staff_pin_mismatch")
        elif await asyncio.to_thread(self.services.set_first_pin, pin, local=True):
            await self.show_settings()
            return
        else:
            self._message = self.t("staff_pin_set_already")
            self.render("staff", staff.build_pin(self))
            return
        self.render("staff", staff.build_choose_pin(self))

    async def unlock(self, pin: str) -> None:
        stored = self.services.settings.pin
        if stored is None:
            self.show_staff()
            return
        guard = self.services.pins_here if self.on_kiosk_computer() else self.services.pins
        ok = await asyncio.to_thread(guard.check, pin, stored)
        if ok:
            await self.show_settings()
            return
        wait = guard.wait_seconds()
        self._message = (
            self.t("staff_pin_wait", seconds=wait) if wait else self.t("staff_pin_wrong")
        )
        self.render("staff", staff.build_pin(self))

    async def show_settings(self) -> None:
        self._message = ""
        self._counts = await asyncio.to_thread(self.services.counts)
        self._signature_count = await asyncio.to_thread(self.services.signature_count)
        await self._count_waiting()
        self._sync_message = ""
        self.draw_settings()

    async def _count_waiting(self) -> None:
        """What still waits to go to the hub (requests it took have left this kiosk)."""
        self._sync_pending = await asyncio.to_thread(self.services.waiting)
        self._sealed_elsewhere = await asyncio.to_thread(self.services.sealed_elsewhere)
        self._request_count = await asyncio.to_thread(self.services.request_count)

    async def pair_with_hub(self, text: str) -> None:
        try:
            url = await asyncio.to_thread(self.services.pair_with_hub, text)
        except PairingProblem as exc:
            self._sync_message = str(exc)
        else:
            self._sync_message = self.t("staff_sync_paired_now", hub=url)
        await self._count_waiting()
        self.draw_settings()

    async def sync_now(self) -> None:
        # Rounded as the waiting count beside it is: the exact number sent is the
        # exact number that waited, which the staff screen does not show.
        try:
            sent = await asyncio.to_thread(self.services.sync_now)
        except Exception as exc:  # unreachable or refused: say so, keep everything
            self._sync_message = self.t("staff_sync_error", error=str(exc) or type(exc).__name__)
        else:
            self._sync_message = self.t("staff_sync_sent", count=live_count(sent))
        await self._count_waiting()
        self.draw_settings()

    async def install_key(self, text: str) -> None:
        try:
            fp = await asyncio.to_thread(self.services.install_public_key, text)
        except KeyProblem as exc:
            self._message = str(exc)
        else:
            self._message = self.t("staff_key_done", fingerprint=fp)
        self.draw_settings()

    async def choose_audience(self, band: AgeBand | None, year_group: str | None) -> None:
        await asyncio.to_thread(self.services.set_audience, band, year_group)
        self.draw_settings()

    async def choose_mode(self, mode: str) -> None:
        await asyncio.to_thread(self.services.set_mode, mode)
        self.draw_settings()

    def draw_settings(self) -> None:
        self._redraw = self.draw_settings
        self.render("staff", staff.build_settings(self, self._staff_view()))

    def _staff_view(self) -> StaffView:
        sv, lib = self.services, self.services.library
        settings, sync = sv.settings, sv.sync.state
        return StaffView(
            who_label=sv.who_label(),
            band=settings.band,
            year_group=settings.year_group,
            parents=settings.audience == Audience.PARENTS,
            mode=settings.mode,
            year_groups=[g for g in lib.school.year_groups if g.band == settings.band],
            total_responses=self._counts[0],
            responses_this_term=self._counts[1],
            signature_count=self._signature_count,
            request_count=self._request_count,
            key_fingerprint=sv.key_fingerprint(),
            demo_key=sv.can_take_answers() and sv.answers_key()[1],
            agreement_problems=list(sv.agreement_problems),
            unavailable=list(lib.unavailable),
            warnings=len(lib.problems) - len(lib.errors),
            address=sv.address,
            tls_fingerprint=sv.tls_fingerprint,
            insecure_lan=sv.insecure_lan,
            save_problem=sv.save_problem,
            sync=SyncView(
                paired=sv.sync.paired,
                hub_url=sync.hub_url,
                last_sync=sync.last_sync,
                last_error=sync.last_error,
                pending_responses=self._sync_pending[0],
                pending_signatures=self._sync_pending[1],
                sealed_elsewhere=self._sealed_elsewhere,
                message=self._sync_message,
            ),
        )
