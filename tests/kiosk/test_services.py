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
from surveys.demo import demo_responses, write_demo_data
from surveys.idle import IdlePolicy
from surveys.keys import fingerprint, make_key_pair, open_private_key, parse_public_key
from surveys.model import AgeBand
from surveys.sealed import demo_public_key, open_responses
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, load_settings, save_settings


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
            idle=IdlePolicy(90, 120),
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


def test_the_staff_screen_counts_and_saves_settings_off_the_ui_loop_which_keeps_ticking(
    server, library, tmp_path
):
    data = tmp_path / "data"
    with ResponseStore(data) as store:
        write_demo_data(store, library, 3000, seed=3)
    services = server(data, library, None)
    ticks = 0

    async def ticker() -> None:  # stands for the other tablets the loop must keep serving
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.002)

    async def staff_at_work() -> tuple[PagelessStaffDesk, list[int]]:
        running = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        desk = PagelessStaffDesk(services, lambda: ticks)
        started = [ticks]
        await desk.show_settings()  # counts every sealed record, twice
        started.append(ticks)
        await desk.choose_audience(AgeBand.AGES_11_14, None)  # a durable settings write
        running.cancel()
        return desk, started

    # A thread of its own: the browser tests may leave an event loop running on this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        desk, started = pool.submit(lambda: asyncio.run(staff_at_work())).result()
    (counted_at, _settings), (saved_at, _again) = desk.drawn
    # Had the counting been done on the loop, nothing else could have run meanwhile.
    assert counted_at - started[0] >= 3, f"the loop ticked {counted_at - started[0]} times"
    assert saved_at - started[1] >= 1, "the settings write let the loop run too"
    assert services.settings.band == AgeBand.AGES_11_14
    assert load_settings(data).band == AgeBand.AGES_11_14, "and it is on disk"


def test_answers_go_to_the_demo_key_only_until_the_school_installs_its_own(
    server, library, tmp_path
):
    data = tmp_path / "data"
    kiosk = server(data, library, None)
    response = next(demo_responses(library, 1, seed=9, kiosk_ids=["kiosk-a"]))
    assert kiosk.answers_key() == (demo_public_key(), True)
    first = kiosk.seal_response(response)
    assert first.key == fingerprint(demo_public_key())
    private, public = make_key_pair(tmp_path / "keys", "gravel lantern mosaic tundra")
    kiosk.install_public_key(public.read_text())
    key, demo = kiosk.answers_key()
    assert not demo and key == parse_public_key(public.read_text())
    second = kiosk.seal_response(response)
    assert second.key == fingerprint(key) != first.key
    opened = open_responses([second], open_private_key(private, "gravel lantern mosaic tundra"))
    assert opened == [response]
    kiosk.save_response(second)
    on_disk = b"".join(p.read_bytes() for p in (data / "responses").rglob("*.json"))
    assert second.sealed.encode() in on_disk
    assert not any(q.encode() in on_disk for q in response.answers), "no question id in clear"
