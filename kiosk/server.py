"""The kiosk server: state shared by every tablet, and ``serve`` to run it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import flet as ft

from exports.qr import qr_png
from surveys.clock import Clock, SystemClock
from surveys.content import ContentLibrary
from surveys.idle import IdlePolicy
from surveys.model import AgeBand, Audience, HelpRoute, Questionnaire
from surveys.settings import KioskSettings, PinGuard, PinHash, load_settings, save_settings
from surveys.store import ResponseStore
from surveys.terms import academic_year, term_of

__all__ = ["KioskServer", "serve"]


@dataclass
class KioskServer:
    """One per process: content, store and settings, shared by every pupil session."""

    library: ContentLibrary
    store: ResponseStore
    data_dir: Path
    idle: IdlePolicy
    address: str = ""
    settings: KioskSettings = field(init=False)
    clock: Clock = field(default_factory=SystemClock)
    pins: PinGuard = field(default_factory=PinGuard)
    _settings_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.settings = load_settings(self.data_dir)

    # -- what the screens ask -------------------------------------------------

    def questionnaire(self) -> Questionnaire | None:
        """The questionnaire this kiosk is set up for, if it can run."""
        s = self.settings
        if s.audience == Audience.PARENTS:
            return self.library.for_parents()
        return self.library.for_band(s.band) if s.band else None

    def is_set_up(self) -> bool:
        return self.settings.audience == Audience.PARENTS or self.settings.band is not None

    def help_routes(self, questionnaire: Questionnaire | None) -> list[HelpRoute]:
        return self.library.routes_for(questionnaire, self.settings.band)

    def who_label(self) -> str:
        s, t = self.settings, self.library.strings
        if s.audience == Audience.PARENTS:
            return t.get("staff_parents_choice")
        if s.band is None:
            return "—"
        year = next((g.name for g in self.library.school.year_groups if g.id == s.year_group), None)
        return f"{s.band.label} ({year})" if year else s.band.label

    def counts(self) -> tuple[int, int]:
        """(all responses, responses this term) saved in this data folder. Slow-ish: off-loop."""
        today = self.clock.today()
        this_term = (academic_year(today), term_of(today).value)
        total = now = 0
        for r in self.store.responses():
            total += 1
            if (r.academic_year, r.term.value) == this_term:
                now += 1
        return total, now

    # -- what staff change ----------------------------------------------------

    def set_pin(self, pin: str) -> None:
        self._update(pin=PinHash.make(pin))

    def set_audience(self, band: AgeBand | None, year_group: str | None = None) -> None:
        if band is None:
            self._update(audience=Audience.PARENTS.value, band=None, year_group=None)
        else:
            self._update(audience=Audience.PUPILS.value, band=band, year_group=year_group)

    def _update(self, **changes: object) -> None:
        with self._settings_lock:
            self.settings = self.settings.model_copy(update=changes)
            save_settings(self.data_dir, self.settings)


@lru_cache(maxsize=64)
def cached_qr(url: str) -> bytes:
    return qr_png(url)


def serve(server: KioskServer, *, host: str, port: int) -> None:
    """Serve the kiosk web UI (offline: no CDN) until interrupted."""
    from kiosk.session import PupilSession

    async def main(page: ft.Page) -> None:
        await PupilSession(page, server).start()

    # Warm the QR cache off any event loop: the thank-you screen then costs nothing.
    for route in server.library.routes.values():
        if route.url:
            cached_qr(route.url)
    asyncio.run(
        ft.run_async(
            main,
            view=ft.AppView.WEB_BROWSER,
            host=host,
            port=port,
            no_cdn=True,
        )
    )
