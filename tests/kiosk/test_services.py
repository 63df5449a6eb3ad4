"""The kiosk's services without a browser: no usable key, no signing; slow work off the UI loop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flet as ft
import pytest

from kiosk.ui.services import KioskServices
from kiosk.ui.staff_desk import StaffDesk
from surveys.agreements.aup import Signature, Signer
from surveys.agreements.store import SignatureStore
from surveys.demo import write_demo_data
from surveys.idle import IdlePolicy
from surveys.keys import make_key_pair
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, save_settings


@pytest.fixture
def server(library) -> Iterator:
    opened: list[SignatureStore] = []

    def make(data: Path, library, public_key: str | None) -> KioskServices:
        save_settings(data, KioskSettings(mode="aup", public_key=public_key))
        opened.append(SignatureStore(data))
        return KioskServices(
            library=library,
            store=ResponseStore(data, writer=False),
            data_dir=data,
            idle=IdlePolicy(90, 120, 30),
            signatures=opened[-1],
        )

    yield make
    for store in opened:
        store.close()


def test_no_key_or_a_damaged_key_means_no_signing(server, library, tmp_path):
    data = tmp_path / "data"
    assert not server(data, library, None).can_sign()
    damaged = server(tmp_path / "d2", library, "ESK1-AAAA-BBBB")
    assert not damaged.can_sign() and damaged.key_fingerprint() is None


def test_the_kiosk_seals_what_it_saves_and_cannot_read_it_back(server, library, tmp_path):
    _private, public = make_key_pair(tmp_path / "keys", "otter lantern maple quiver")
    data = tmp_path / "data"
    kiosk = server(data, library, public.read_text())
    assert kiosk.can_sign()
    kiosk.save_signature(
        Signature(
            id="c" * 32,
            aup=library.aups["aup-staff"].ref,
            signer=Signer.STAFF,
            signed_on=dt.date(2026, 11, 23),
            kiosk_id="k",
            signer_name="Jo Bloggs",
            relationship="Teacher",
            typed_signature="Jo Bloggs",
        )
    )
    assert kiosk.signature_count() == 1
    assert all(b"Bloggs" not in p.read_bytes() for p in data.rglob("*") if p.is_file())


class PagelessStaffDesk(StaffDesk):
    """The staff half of a tablet's session with no page (no browser): it notes each screen it
    would draw, and how many times the event loop's ticker had ticked by then."""

    def __init__(self, services: KioskServices, ticks: Callable[[], int]) -> None:
        StaffDesk.__init__(self)
        self.services = services
        self.view = "staff"
        self._redraw = lambda: None
        self._ticks = ticks
        self.drawn: list[tuple[int, list[ft.Control]]] = []

    def t(self, key: str, **values: Any) -> str:
        return self.services.library.strings.get(key, **values)

    def on(self, action: Callable[[], Any]) -> Callable[[Any], Any]:
        return lambda _e: action()

    def show_start(self) -> None:
        self.view = "start"

    def render(self, view: str, body: list[ft.Control], *, staff_button: bool = False) -> None:
        self.view = view
        self.drawn.append((self._ticks(), body))


def test_trends_are_worked_out_off_the_ui_loop_which_keeps_ticking_meanwhile(
    server, library, tmp_path
):
    data = tmp_path / "data"
    with ResponseStore(data) as store:
        write_demo_data(store, library, 1500, seed=3)
    services = server(data, library, None)
    ticks = 0

    async def ticker() -> None:  # stands for the other tablets the loop must keep serving
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def staff_open_trends() -> PagelessStaffDesk:
        running = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        desk = PagelessStaffDesk(services, lambda: ticks)
        await desk.show_trends()
        running.cancel()
        return desk

    # A thread of its own: the browser tests may leave an event loop running on this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        desk = pool.submit(lambda: asyncio.run(staff_open_trends())).result()
    (working_at, working), (drawn_at, drawn) = desk.drawn
    assert any(isinstance(c, ft.ProgressRing) for c in working), "first: a 'working' screen"
    charts = [c.content for c in drawn if isinstance(getattr(c, "content", None), ft.Image)]
    assert charts and all(isinstance(c.src, bytes) and c.src[:4] == b"\x89PNG" for c in charts)
    # Had the charts been drawn on the loop, nothing else could run between the two screens.
    assert drawn_at - working_at >= 3, f"the loop ticked {drawn_at - working_at} times meanwhile"
