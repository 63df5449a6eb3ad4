"""The first staff PIN is set only on the kiosk computer itself (issue 12 item 5).

Otherwise whoever reached a fresh kiosk first (any tablet on the school network)
would choose the PIN that guards its settings. The kiosk knows where a tablet
is from its websocket's own address (``page.client_ip``), which no page can set.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from kiosk.ui.services import KioskServices
from kiosk.ui.staff_desk import is_loopback
from surveys.content.library import ContentLibrary
from surveys.idle import IdlePolicy
from surveys.storage.responses import ResponseStore
from surveys.storage.settings import KioskSettings, load_settings, save_settings
from tests.kiosk.test_services import PagelessStaffDesk


@pytest.fixture
def server() -> Iterator:
    opened: list[ResponseStore] = []

    def make(data: Path, library: ContentLibrary, public_key: str | None) -> KioskServices:
        save_settings(data, KioskSettings(public_key=public_key))  # a fresh kiosk: no PIN
        opened.append(ResponseStore(data, writer=False))
        return KioskServices(
            library=library, store=opened[-1], data_dir=data, idle=IdlePolicy(90, 120)
        )

    yield make
    for store in opened:
        store.close()


def desk_at(services: KioskServices, address: str) -> PagelessStaffDesk:
    desk = PagelessStaffDesk(services, lambda: 0)
    desk.page = SimpleNamespace(client_ip=address)  # type: ignore[assignment]
    return desk


def run(coro):  # a thread of its own: the browser tests may leave a loop on this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("::ffff:127.0.0.1", True),
        ("192.168.1.20", False), ("10.0.0.5", False), ("::ffff:192.168.1.20", False),
        ("", False), (None, False), ("localhost", False), ("fe80::1", False),
    ],
)  # fmt: skip
def test_only_the_computers_own_addresses_count_as_the_kiosk_computer(address, local):
    assert is_loopback(address) is local


def test_a_tablet_cannot_set_the_first_pin_the_kiosk_computer_can(server, library, tmp_path):
    data = tmp_path / "data"
    services = server(data, library, None)
    tablet = desk_at(services, "192.168.1.20")
    tablet.show_staff()
    assert "kiosk computer itself" in tablet.message
    before = (data / "kiosk.json").read_bytes()
    run(tablet.choose_pin("2468", "2468"))
    assert "kiosk computer itself" in tablet.message
    assert services.settings.pin is None and (data / "kiosk.json").read_bytes() == before
    assert not services.set_first_pin("2468", local=False)  # nor by calling the service
    assert load_settings(data).pin is None

    here = desk_at(services, "127.0.0.1")
    here.show_staff()
    assert here.message == ""
    run(here.choose_pin("2468", "2468"))
    stored = load_settings(data).pin
    assert stored is not None and stored.matches("2468") and here.view == "staff"


def test_two_screens_choosing_the_first_pin_at_once_cannot_both_win(server, library, tmp_path):
    data = tmp_path / "data"
    services = server(data, library, None)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        won = list(pool.map(lambda p: services.set_first_pin(p, local=True), ["1111", "2222"]))
    assert sorted(won) == [False, True]
    winner = "1111" if won[0] else "2222"
    stored = load_settings(data).pin
    assert stored is not None and stored.matches(winner)
    late = desk_at(services, "127.0.0.1")  # a screen still showing "Choose a staff PIN"
    run(late.choose_pin("3333", "3333"))
    assert "set a moment ago" in late.message
    assert load_settings(data).pin == stored
